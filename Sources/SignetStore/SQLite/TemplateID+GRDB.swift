public import GRDB
public import SignetCore

/// Template ids are stored as their text; a column value that is no id reads as `nil`.
extension TemplateID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> TemplateID? {
        String.fromDatabaseValue(dbValue).flatMap { TemplateID($0) }
    }
}
