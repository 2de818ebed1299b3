/// Policy and limits for ``HTTPMessageVerifier``. Every field has a safe default.
public struct HTTPMessageVerifierConfiguration: Sendable {
    /// Components every signature MUST cover. Default: `@method` and `@target-uri`.
    public var requiredComponents: [SignatureComponent]
    /// Whether a request with a non-empty body MUST cover `content-digest`, whose value is then
    /// checked against the body. Default: `true`.
    public var requiresContentDigestForBody: Bool
    /// Whether `nonce` MUST be present. Default: `true`.
    public var requiresNonce: Bool
    /// How far `created` may be from `now`, either way. Default: 300 seconds.
    ///
    /// The replay check MUST remember a nonce for at least twice this long.
    public var maximumClockSkew: Duration
    /// The longest combined `Signature-Input` or `Signature` field, in bytes. Default: 4096.
    public var maximumFieldLength: Int
    /// The longest combined `Content-Digest` field, in bytes. Default: 4096.
    public var maximumContentDigestLength: Int
    /// The most members either signature dictionary may have. Default: 8.
    public var maximumSignatureCount: Int
    /// The most components one signature may cover. Default: 32.
    public var maximumComponentCount: Int
    /// The longest `keyid` or `nonce`, in bytes. Default: 256.
    public var maximumParameterLength: Int

    /// Creates a configuration.
    /// - Parameters: See the properties of the same names.
    public init(
        requiredComponents: [SignatureComponent] = [.method, .targetURI],
        requiresContentDigestForBody: Bool = true,
        requiresNonce: Bool = true,
        maximumClockSkew: Duration = .seconds(300),
        maximumFieldLength: Int = 4096,
        maximumContentDigestLength: Int = 4096,
        maximumSignatureCount: Int = 8,
        maximumComponentCount: Int = 32,
        maximumParameterLength: Int = 256
    ) {
        self.requiredComponents = requiredComponents
        self.requiresContentDigestForBody = requiresContentDigestForBody
        self.requiresNonce = requiresNonce
        self.maximumClockSkew = maximumClockSkew
        self.maximumFieldLength = maximumFieldLength
        self.maximumContentDigestLength = maximumContentDigestLength
        self.maximumSignatureCount = maximumSignatureCount
        self.maximumComponentCount = maximumComponentCount
        self.maximumParameterLength = maximumParameterLength
    }
}
