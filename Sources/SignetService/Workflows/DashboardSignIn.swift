public import Crypto
public import Foundation
public import SignetCore
import SignetAuth
public import SignetMarket

/// A dashboard sign-in link as it arrived: the four query fields, not yet checked.
///
/// The holder's device (`signet holder sign-in`) makes the link with ``DashboardSignIn/link(base:holder:key:now:random:)``:
/// ```
/// <public URL>/dashboard/sign-in?holder=h_…&exp=<unix seconds>&nonce=<b64url 16>&sig=<b64url 64>
/// ```
/// `sig` is the holder's Ed25519 signature over ``DashboardSignIn/message(publicURL:holder:expiry:nonce:)``.
public struct UnverifiedSignInLink: Sendable, Equatable {
    /// `holder`, as given.
    public var holder: String
    /// `exp`, as given.
    public var expiry: String
    /// `nonce`, as given.
    public var nonce: String
    /// `sig`, as given.
    public var signature: String

    /// Wraps the fields of a link.
    public init(holder: String, expiry: String, nonce: String, signature: String) {
        self.holder = holder
        self.expiry = expiry
        self.nonce = nonce
        self.signature = signature
    }
}

/// A sign-in link whose signature verified under the holder's active key, within its lifetime,
/// used for the first time. Only ``SignetService/verifySignIn(_:)`` makes one.
public struct VerifiedSignIn: Sendable, Equatable {
    /// Who signed in.
    public let holder: HolderID
    /// The key that signed the link: a session opened by it ends when it is no longer the
    /// holder's active key (rotated or revoked).
    public let publicKey: [UInt8]
}

/// Why a sign-in link was refused. Deliberate: an unknown holder, a revoked key, a wrong key
/// and a tampered field are one answer, ``invalid``, so the link reveals nothing about who is
/// registered.
public enum SignInRefusal: String, Sendable, Equatable, CaseIterable {
    /// A field is missing or has the wrong shape.
    case malformed
    /// The link's expiry has passed.
    case expired
    /// The link claims to live longer than ``DashboardSignIn/lifetime``.
    case tooLong = "too_long"
    /// The signature does not verify under the named holder's active key.
    case invalid
    /// The link was used already (its nonce is spent).
    case used

    /// One sentence for the holder.
    public var sentence: String {
        switch self {
        case .malformed: "This sign-in link is incomplete or damaged. Copy the whole link printed by `signet holder sign-in`."
        case .expired: "This sign-in link has expired. Links work for two minutes: run `signet holder sign-in` again."
        case .tooLong: "This sign-in link claims to last more than two minutes, so it was not made by `signet holder sign-in`."
        case .invalid: "This sign-in link was not signed by a registered holder's current key."
        case .used: "This sign-in link was used already. Each link works once: run `signet holder sign-in` again."
        }
    }
}

/// The outcome of checking a sign-in link: a refusal is an ordinary outcome, not an error.
public enum SignInDecision: Sendable, Equatable {
    /// The link is good; open a session for this holder.
    case verified(VerifiedSignIn)
    /// The link is refused, for this reason.
    case refused(SignInRefusal)
}

/// The dashboard's sign-in message: what a holder's key signs to open a session.
public enum DashboardSignIn {
    /// The domain-separation label: a signature over this message can never be mistaken for a
    /// request signature, a challenge answer or a key-binding JWT.
    public static let label = "signet-dashboard-sign-in-v1"
    /// The longest a link may live, in seconds.
    public static let lifetime: TimeInterval = 120
    /// The lifetime ``link(base:holder:key:now:random:)`` gives, a little under ``lifetime`` so
    /// that a server clock a few seconds behind the holder's still accepts it.
    public static let issuedLifetime: TimeInterval = 110

    /// The signed message, fields separated by `\n`:
    /// ```
    /// signet-dashboard-sign-in-v1
    /// <public URL without trailing slash>
    /// <holder id>
    /// <exp, decimal unix seconds>
    /// <nonce, base64url>
    /// ```
    /// The public URL binds the link to one server: a link made for one deployment does not
    /// open a session on another where the holder has the same key.
    public static func message(publicURL: String, holder: String, expiry: String, nonce: String) -> [UInt8] {
        Array([label, publicURL, holder, expiry, nonce].joined(separator: "\n").utf8)
    }

    /// A fresh sign-in link for `holder`, signed with `key`.
    /// - Parameters:
    ///   - base: the server's public URL, without a trailing `/`.
    ///   - now: the holder's clock.
    public static func link(base: String, holder: String, key: Curve25519.Signing.PrivateKey, now: Date = Date(),
                            random: any RandomBytesGenerator = SystemRandomBytes()) throws -> String {
        let expiry = String(Int64(now.addingTimeInterval(issuedLifetime).timeIntervalSince1970.rounded(.down)))
        let nonce = Base64.encodeURL(random.bytes(16))
        let signature = try key.signature(for: message(publicURL: base, holder: holder, expiry: expiry, nonce: nonce))
        return "\(base)/dashboard/sign-in?holder=\(holder)&exp=\(expiry)&nonce=\(nonce)&sig=\(Base64.encodeURL(signature))"
    }
}

extension SignetService {
    /// Checks a dashboard sign-in link: its shape, its lifetime (not past, at most
    /// ``DashboardSignIn/lifetime`` ahead of the server's clock), its signature under the
    /// holder's active key, and that its nonce is unused, which it then spends in the shared
    /// nonce store (so a link works once, across every instance on the database).
    /// - Parameter spend: `false` checks everything but the nonce and spends nothing: what the
    ///   dashboard does when the link is merely opened (a link preview or a mail scanner fetching
    ///   it must not use it up); the session is opened by a second, spending, check.
    /// - Returns: ``SignInDecision/verified(_:)`` or the refusal; never throws for a bad link.
    /// - Throws: only store failures.
    public func verifySignIn(_ link: UnverifiedSignInLink, spend: Bool = true) async throws -> SignInDecision {
        guard let holder = HolderID(link.holder),
              link.expiry.utf8.count <= 12, link.expiry.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              !link.expiry.hasPrefix("0"), let expiry = Int64(link.expiry),
              link.nonce.utf8.count <= 64, let nonce = Base64.decodeURL(link.nonce), (16...48).contains(nonce.count),
              link.signature.utf8.count <= 100, let signature = Base64.decodeURL(link.signature), signature.count == 64 else {
            return .refused(.malformed)
        }
        let now = self.now
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(expiry))
        guard expiresAt > now else { return .refused(.expired) }
        guard expiresAt.timeIntervalSince(now) <= DashboardSignIn.lifetime else { return .refused(.tooLong) }
        guard let raw = try await stores.identities.activeKey(of: holder.principal),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
              key.isValidSignature(signature, for: DashboardSignIn.message(
                  publicURL: publicURL.current, holder: holder.rawValue, expiry: link.expiry, nonce: link.nonce)) else {
            return .refused(.invalid)
        }
        guard spend else { return .verified(VerifiedSignIn(holder: holder, publicKey: raw)) }
        // Spent only once the signature verified: nobody but the holder can burn their nonces.
        // Kept until the link expires; a replay after that fails the expiry check.
        guard try await stores.nonces.record(keyID: "dashboard-sign-in " + holder.rawValue, nonce: link.nonce,
                                             expiry: expiresAt.addingTimeInterval(1), now: now) else {
            return .refused(.used)
        }
        return .verified(VerifiedSignIn(holder: holder, publicKey: raw))
    }

    /// Whether `key` is still `holder`'s active key: a dashboard session ends when it is not.
    /// - Throws: only store failures.
    public func isActiveKey(_ key: [UInt8], of holder: HolderID) async throws -> Bool {
        guard let active = try await stores.identities.activeKey(of: holder.principal) else { return false }
        return ConstantTime.equal(active, key)
    }
}
