import Crypto
import Foundation
import SignetCore
import SignetMarket

/// Writes holder events to the ledger: a fresh pseudonym and commitment per event, the entry
/// appended (durably) first, then the private record that lets the holder open it.
public struct EventRecorder: Sendable {
    let ledger: Ledger
    let activity: any HolderActivityStorage
    /// Activity secrets by holder id: created once, never changed, so safe to keep.
    private let secrets = BoundedCache<String, [UInt8]>(capacity: 100_000)

    /// Creates a recorder.
    public init(ledger: Ledger, activity: any HolderActivityStorage) {
        self.ledger = ledger
        self.activity = activity
    }

    /// Records one event and returns its ledger index once the entry is durable.
    /// - Parameters:
    ///   - details: what the event is about (ids, scope); committed to, never written in clear.
    public func record(_ kind: LedgerEvent.Kind, holderID: String, party: String? = nil, details: JSONValue, at time: Date) async throws -> UInt64 {
        let secretBytes: [UInt8]
        if let cached = secrets.get(holderID) {
            secretBytes = cached
        } else {
            secretBytes = try await activity.activitySecret(holderID: holderID)
            secrets.put(holderID, secretBytes)
        }
        let secret = SymmetricKey(data: secretBytes)
        let eventID = randomBytes(16)
        let salt = randomBytes(16)
        let seconds = Int64(time.timeIntervalSince1970.rounded(.down))
        let event = LedgerEvent(
            kind: kind, time: seconds, party: party,
            pseudonym: LedgerEvent.pseudonym(activitySecret: secret, eventID: eventID),
            commitment: try LedgerEvent.commitment(salt: salt, details: details))
        let index = try await ledger.append(event.entry())
        try await activity.record(ActivityRecord(
            holderID: holderID, ledgerIndex: index, kind: kind.rawValue, eventID: eventID, salt: salt,
            details: try CanonicalJSON.encode(details), time: Date(timeIntervalSince1970: Double(seconds))))
        return index
    }
}
