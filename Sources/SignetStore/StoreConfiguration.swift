/// Which database Signet keeps its state in: the one choice ``Stores/open(_:logger:)`` acts on.
public enum StoreConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// The embedded default: one SQLite file (WAL mode), shared by every store.
    case sqlite(path: String)
    /// PostgreSQL, shared by every server instance (`postgres://…`; credentials stay out of logs).
    case postgres(url: String)

    /// The embedded default for a data directory: `<directory>/signet.sqlite`.
    public static func embedded(dataDirectory: String) -> StoreConfiguration {
        .sqlite(path: dataDirectory + "/signet.sqlite")
    }

    /// Deliberate: ``summary``, so a configuration printed by accident never shows a password.
    public var description: String { summary }

    /// A description for start-up lines that never includes a password.
    public var summary: String {
        switch self {
        case .sqlite(let path): "SQLite \(path)"
        case .postgres: "PostgreSQL"
        }
    }
}
