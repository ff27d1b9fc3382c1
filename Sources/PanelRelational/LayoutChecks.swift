import Foundation
import PanelCore

/// Checks run before a migration moves data an earlier version wrote: a row the move cannot
/// carry is named (table, key, what it lacks), where the database would say only which
/// constraint failed.
public enum LayoutChecks {
    /// What a `draft` row needs from each draft in an assessment's record (store layouts before
    /// SQLite v13 and PostgreSQL pg4), typed as the row's columns are.
    struct DraftFields: Decodable {
        var version: WholeNumber
        var hash: String
        var lines: WholeNumber
        var statementCount: WholeNumber
        var stage: String
        var submittedAt: String
        var submittedBy: String
    }

    /// A JSON number with no fraction (an INTEGER column's value); anything else is a type
    /// mismatch at its own key, so the message can name it.
    struct WholeNumber: Decodable {
        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer().decode(Double.self)
            guard value == value.rounded(), abs(value) < 9_007_199_254_740_992 else {
                throw DecodingError.typeMismatch(Int64.self, .init(codingPath: decoder.codingPath, debugDescription: "not a whole number"))
            }
        }
    }

    struct RecordDrafts: Decodable {
        var drafts: [DraftFields]?
    }

    /// Every draft in every assessment record has what its `draft` row needs.
    public static func draftsCanMove(_ session: any SQLSession) throws {
        let decoder = JSONDecoder()
        for row in try session.rows("SELECT id, record FROM assessment ORDER BY position", []) {
            let id = try row.string(0)
            do {
                _ = try decoder.decode(RecordDrafts.self, from: Data(try row.string(1).utf8))
            } catch let error as DecodingError {
                throw StoreError.unmigratable(table: "assessment", key: id, detail: detail(error))
            }
        }
    }

    /// `its draft 2 has no 'hash'`, `its draft 1 has 'version' of the wrong kind (a whole number expected)`.
    static func detail(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> (draft: Int?, field: String?) {
            let draft = path.dropFirst().first?.intValue.map { $0 + 1 }
            let field = path.count > 2 ? path[2].stringValue : nil
            return (draft, field)
        }
        switch error {
        case .keyNotFound(let key, let context):
            if let draft = place(context.codingPath).draft { return "its draft \(draft) has no '\(key.stringValue)'" }
            return "its record has no '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let (draft, field) = place(context.codingPath)
            if let draft, let field {
                let expected = ["hash", "stage", "submittedAt", "submittedBy"].contains(field) ? "text" : "a whole number"
                return "its draft \(draft) has '\(field)' of the wrong kind (\(expected) expected)"
            }
            if let draft { return "its draft \(draft) is not a JSON object" }
            if context.codingPath.first?.stringValue == "drafts" { return "its record's drafts are not a list" }
            if case .dataCorrupted = error { return "its record is not JSON" }
            return "its record is not a JSON object"
        @unknown default:
            return "its record cannot be read"
        }
    }
}
