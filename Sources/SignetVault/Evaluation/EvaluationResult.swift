/// One row of `signet eval`: a scheme configuration and what it measured.
///
/// Rates follow ISO/IEC 19795-1: `far` is the false match rate over impostor attempts and `tar`
/// is 1 − FNMR over genuine attempts. Protected rows count an attempt as accepted when the decoded
/// codeword (or one of the `list_size` candidates) equals the enrolled codeword, which is exactly
/// when the scrypt-derived public key would match; KDF cost is reported separately per guess.
public struct EvaluationResult: Sendable, Codable {
    /// `"cosine"` (baseline on the same centred embeddings), `"cosine-raw"` (no centring) or `"ironmask"`.
    public var scheme: String
    /// α for protected rows.
    public var alpha: Int?
    /// Samples averaged into each enrolled template.
    public var enrollSamples: Int
    /// Decoder candidates per attempt (protected rows).
    public var listSize: Int?
    /// `"float32"` or `"float16"` helper storage (protected rows).
    public var helperEncoding: String?
    /// Mated attempts.
    public var genuineAttempts: Int
    /// Non-mated attempts.
    public var impostorAttempts: Int
    /// Accepted mated attempts.
    public var genuineAccepts: Int
    /// Accepted non-mated attempts.
    public var falseAccepts: Int
    /// True accept rate (1 − FNMR). For cosine rows: at the FMR ≤ 1e-3 operating point.
    public var tar: Double
    /// False accept rate (FMR). For cosine rows: at the FMR ≤ 1e-3 operating point.
    public var far: Double
    /// Equal error rate (cosine rows).
    public var eer: Double?
    /// TAR at FMR ≤ 1e-2 (cosine rows).
    public var tarAtFar1e2: Double?
    /// TAR at FMR ≤ 1e-3 (cosine rows).
    public var tarAtFar1e3: Double?
    /// log2(C(n, α)·2^α) (protected rows).
    public var nominalBits: Double?
    /// −log2 of the observed FAR (rule of three when no false accept was seen), minus log2(list size).
    public var falseAcceptSearchBits: Double?
    /// KDF cost per guess, e.g. "scrypt N=2^15 r=8 p=1".
    public var kdf: String?
    /// Milliseconds per KDF evaluation (one guess).
    public var kdfMillisecondsPerGuess: Double?
    /// Serialized template size in bytes (protected rows), or embedding bytes (cosine rows).
    public var templateBytes: Int?
    /// Milliseconds per enrollment, excluding the KDF.
    public var enrollMilliseconds: Double?
    /// Microseconds per verification, excluding the KDF (prepare, P·x, decode).
    public var verifyMicroseconds: Double?
    /// Unlinkability D_sys between templates of one person from separate enrollments (best linkage function).
    public var dSys: Double?
    /// D_sys of two halves of the non-mated scores: the estimator's value for "no linkage" at this sample size.
    public var dSysNoiseFloor: Double?
    /// D_sys per linkage function tried.
    public var dSysByLinkage: [String: Double]?
    /// Mated / non-mated template pairs used for D_sys.
    public var linkagePairs: [Int]?

    enum CodingKeys: String, CodingKey {
        case scheme, alpha, kdf, tar, far, eer
        case enrollSamples = "enroll_samples"
        case listSize = "list_size"
        case helperEncoding = "helper_encoding"
        case genuineAttempts = "genuine_attempts"
        case impostorAttempts = "impostor_attempts"
        case genuineAccepts = "genuine_accepts"
        case falseAccepts = "false_accepts"
        case tarAtFar1e2 = "tar_at_far_1e-2"
        case tarAtFar1e3 = "tar_at_far_1e-3"
        case nominalBits = "nominal_bits"
        case falseAcceptSearchBits = "false_accept_search_bits"
        case kdfMillisecondsPerGuess = "kdf_ms_per_guess"
        case templateBytes = "template_bytes"
        case enrollMilliseconds = "enroll_ms"
        case verifyMicroseconds = "verify_us"
        case dSys = "d_sys"
        case dSysByLinkage = "d_sys_by_linkage"
        case dSysNoiseFloor = "d_sys_noise_floor"
        case linkagePairs = "linkage_pairs"
    }

    /// Encodes every key; fields that do not apply to a row (α for the cosine baseline) are `null`,
    /// so every entry of `results` has the same keys.
    /// - Parameter encoder: The encoder.
    /// - Throws: Encoding errors.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scheme, forKey: .scheme)
        try c.encode(alpha, forKey: .alpha)
        try c.encode(enrollSamples, forKey: .enrollSamples)
        try c.encode(listSize, forKey: .listSize)
        try c.encode(helperEncoding, forKey: .helperEncoding)
        try c.encode(genuineAttempts, forKey: .genuineAttempts)
        try c.encode(impostorAttempts, forKey: .impostorAttempts)
        try c.encode(genuineAccepts, forKey: .genuineAccepts)
        try c.encode(falseAccepts, forKey: .falseAccepts)
        try c.encode(tar, forKey: .tar)
        try c.encode(far, forKey: .far)
        try c.encode(eer, forKey: .eer)
        try c.encode(tarAtFar1e2, forKey: .tarAtFar1e2)
        try c.encode(tarAtFar1e3, forKey: .tarAtFar1e3)
        try c.encode(nominalBits, forKey: .nominalBits)
        try c.encode(falseAcceptSearchBits, forKey: .falseAcceptSearchBits)
        try c.encode(kdf, forKey: .kdf)
        try c.encode(kdfMillisecondsPerGuess, forKey: .kdfMillisecondsPerGuess)
        try c.encode(templateBytes, forKey: .templateBytes)
        try c.encode(enrollMilliseconds, forKey: .enrollMilliseconds)
        try c.encode(verifyMicroseconds, forKey: .verifyMicroseconds)
        try c.encode(dSys, forKey: .dSys)
        try c.encode(dSysNoiseFloor, forKey: .dSysNoiseFloor)
        try c.encode(dSysByLinkage, forKey: .dSysByLinkage)
        try c.encode(linkagePairs, forKey: .linkagePairs)
    }

    init(scheme: String, enrollSamples: Int, genuineAttempts: Int, impostorAttempts: Int, genuineAccepts: Int, falseAccepts: Int) {
        self.scheme = scheme
        self.enrollSamples = enrollSamples
        self.genuineAttempts = genuineAttempts
        self.impostorAttempts = impostorAttempts
        self.genuineAccepts = genuineAccepts
        self.falseAccepts = falseAccepts
        self.tar = genuineAttempts > 0 ? Double(genuineAccepts) / Double(genuineAttempts) : 0
        self.far = impostorAttempts > 0 ? Double(falseAccepts) / Double(impostorAttempts) : 0
    }
}

/// Everything `signet eval` measured.
public struct EvaluationReport: Sendable, Codable {
    /// Embedding dimension.
    public var dimension: Int
    /// Subjects evaluated (held out from training).
    public var evaluationSubjects: Int
    /// Subjects used to learn the mean (0 when a mean file or no centring was used).
    public var trainingSubjects: Int
    /// How the preprocessing was obtained.
    public var preprocessing: String
    /// One entry per configuration; the baseline has `scheme` `"cosine"`.
    public var results: [EvaluationResult]
    /// Notes on protocol and method.
    public var notes: [String]

    /// Creates a report.
    /// - Parameters:
    ///   - dimension: Embedding dimension.
    ///   - evaluationSubjects: Held-out subjects.
    ///   - trainingSubjects: Subjects used for the mean.
    ///   - preprocessing: How preprocessing was obtained.
    ///   - results: Rows.
    ///   - notes: Protocol notes.
    public init(dimension: Int, evaluationSubjects: Int, trainingSubjects: Int, preprocessing: String, results: [EvaluationResult], notes: [String]) {
        self.dimension = dimension
        self.evaluationSubjects = evaluationSubjects
        self.trainingSubjects = trainingSubjects
        self.preprocessing = preprocessing
        self.results = results
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case dimension, preprocessing, results, notes
        case evaluationSubjects = "evaluation_subjects"
        case trainingSubjects = "training_subjects"
    }
}
