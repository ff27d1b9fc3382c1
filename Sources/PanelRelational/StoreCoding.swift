import Foundation
import PanelCore

/// JSON in the query tables: encoded canonically, decoded or failed loudly
/// with the table and key, never skipped or defaulted.
public enum StoreCoding {
    public static let decoder = JSONDecoder()

    public static func encode<T: Encodable>(_ value: T) throws -> String {
        try EventCoding.encode(value, type: String(describing: T.self))
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, key: String) throws -> T {
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw StoreError.undecodable(table: table, key: key, detail: EventCoding.describe(error))
        }
    }

    /// A stored enum value, or an error naming the row: unknown values are not defaulted.
    public static func value<T: RawRepresentable>(_ type: T.Type, _ raw: String, table: String, key: String, column: String) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: raw) else {
            throw StoreError.undecodable(table: table, key: key, detail: "\(column) '\(raw)' is not a known value")
        }
        return value
    }
}
