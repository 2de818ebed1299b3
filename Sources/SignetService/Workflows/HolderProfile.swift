public import SignetCore
import SignetVault
import Foundation
public import SignetMarket

/// What a holder's own record shows them.
public struct HolderProfile: Sendable, Equatable {
    /// The holder's registration.
    public let holder: Holder
    /// Their templates' ids, least recently written first.
    public let templateIDs: [TemplateID]
}

extension SignetService {
    /// The caller's own record: id, key, registration time and template ids.
    /// - Throws: ``ServiceError`` `.holderOnly`, or `.notFound` when the registration is gone.
    public func profile(as caller: PrincipalID) async throws -> HolderProfile {
        let id = try requireHolder(caller)
        guard let holder = try await stores.identities.holder(id) else { throw ServiceError(.notFound, "no such holder") }
        return HolderProfile(holder: holder, templateIDs: try await stores.templates.templateIDs(holderID: id.rawValue))
    }
}
