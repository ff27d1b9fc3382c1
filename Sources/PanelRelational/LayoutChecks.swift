import Foundation
import PanelCore

/// Checks run before a migration moves data an earlier version wrote: a row the move cannot
/// carry is named (table, key, what it lacks), where the database would say only which
/// constraint failed.
public enum LayoutChecks {
    /// What a `draft` row needs from each draft in an assessment's record (store layouts before
    /// SQLite v13 and PostgreSQL pg4), and the JSON kind it must be.
    static let draftFields: [(key: String, number: Bool)] = [
        ("version", true), ("hash", false), ("lines", true), ("statementCount", true),
        ("stage", false), ("submittedAt", false), ("submittedBy", false),
    ]

    /// Every draft in every assessment record has what its `draft` row needs.
    public static func draftsCanMove(_ session: any SQLSession) throws {
        for row in try session.rows("SELECT id, record FROM assessment ORDER BY position", []) {
            let id = try row.string(0)
            let record: Any
            do {
                record = try JSONSerialization.jsonObject(with: Data(try row.string(1).utf8))
            } catch {
                throw StoreError.unmigratable(table: "assessment", key: id, detail: "its record is not JSON")
            }
            guard let object = record as? [String: Any] else {
                throw StoreError.unmigratable(table: "assessment", key: id, detail: "its record is not a JSON object")
            }
            guard let listed = object["drafts"] else { continue }
            guard let drafts = listed as? [Any] else {
                throw StoreError.unmigratable(table: "assessment", key: id, detail: "its record's drafts are not a list")
            }
            for (index, element) in drafts.enumerated() {
                guard let draft = element as? [String: Any] else {
                    throw StoreError.unmigratable(table: "assessment", key: id, detail: "its draft \(index + 1) is not a JSON object")
                }
                for (key, number) in draftFields {
                    switch draft[key] {
                    case nil, is NSNull:
                        throw StoreError.unmigratable(table: "assessment", key: id, detail: "its draft \(index + 1) has no '\(key)'")
                    case let value?:
                        if (value is String) == number {
                            throw StoreError.unmigratable(
                                table: "assessment", key: id,
                                detail: "its draft \(index + 1) has '\(key)' of the wrong kind (\(number ? "a number" : "text") expected)")
                        }
                    }
                }
            }
        }
    }
}
