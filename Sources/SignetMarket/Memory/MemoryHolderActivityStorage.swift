public import Foundation
public import SignetCore
import Synchronization

/// The in-memory reference ``HolderActivityStorage``.
public final class MemoryHolderActivityStorage: HolderActivityStorage {
    private let random: any RandomBytesGenerator
    private let state = Mutex<(secrets: [String: [UInt8]], records: [String: [ActivityRecord]], pending: [[UInt8]: PendingChange])>(([:], [:], [:]))

    /// Creates an empty store.
    /// - Parameter random: makes the activity secrets (seeded in reproducible tests).
    public init(random: any RandomBytesGenerator = SystemRandomBytes()) {
        self.random = random
    }

    public func activitySecret(holderID: String) async throws -> [UInt8] {
        state.withLock { state in
            if let secret = state.secrets[holderID] { return secret }
            let secret = random.bytes(32)
            state.secrets[holderID] = secret
            return secret
        }
    }

    public func record(_ record: ActivityRecord) async throws {
        state.withLock { state in
            guard !state.records[record.holderID, default: []].contains(where: { $0.ledgerIndex == record.ledgerIndex }) else { return }
            state.records[record.holderID, default: []].append(record)
        }
    }

    public func activity(holderID: String, after ledgerIndex: UInt64?, limit: Int) async throws -> [ActivityRecord] {
        state.withLock { state in
            Array(state.records[holderID, default: []].sorted { $0.ledgerIndex < $1.ledgerIndex }
                .filter { record in ledgerIndex.map { record.ledgerIndex > $0 } ?? true }
                .prefix(max(0, limit)))
        }
    }

    public func begin(_ change: PendingChange) async throws {
        state.withLock { $0.pending[change.eventID] = change }
    }

    public func finish(eventID: [UInt8]) async throws {
        _ = state.withLock { $0.pending.removeValue(forKey: eventID) }
    }

    public func unfinished(claimableAt now: Date, limit: Int) async throws -> [PendingChange] {
        state.withLock { state in
            Array(state.pending.values.filter { $0.claimedUntil < now }.sorted { $0.time < $1.time }.prefix(max(0, limit)))
        }
    }

    public func claim(eventID: [UInt8], now: Date, until: Date) async throws -> Bool {
        state.withLock { state in
            guard let change = state.pending[eventID], change.claimedUntil < now else { return false }
            state.pending[eventID] = PendingChange(
                eventID: change.eventID, holderID: change.holderID, kind: change.kind, templateID: change.templateID, salt: change.salt,
                time: change.time, logSize: change.logSize, templateKeyHash: change.templateKeyHash, claimedUntil: until)
            return true
        }
    }
}
