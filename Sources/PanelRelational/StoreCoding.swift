import Foundation
import PanelCore

/// JSON in the query tables: encoded canonically, decoded or failed loudly
/// with the table and key, never skipped or defaulted.
public enum StoreCoding {
    public static let decoder = JSONDecoder()

    public static func encode<T: Encodable>(_ value: T, userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> String {
        try EventCoding.encode(value, type: String(describing: T.self), userInfo: userInfo)
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, key: String) throws -> T {
        try decode(T.self, text, table: table, key: key, with: RecordDecoder())
    }

    /// Read as `JSONDecoder` reads it (`RecordDecoder` hands it anything it does not read the same way).
    private static func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, key: String, with decoder: RecordDecoder) throws -> T {
        do {
            return try decoder.decode(T.self, from: text)
        } catch {
            throw StoreError.undecodable(table: table, key: key, detail: EventCoding.describe(error))
        }
    }

    /// Many records, decoded on every core when there are enough of them: `status` reads every
    /// assessment, and decoding them is a large part of its time. The result is in the rows' order; the first row (in that order) that cannot be
    /// decoded is the error, as when decoding one by one.
    /// `userInfo` is given to each decoder (e.g. `Assessment.omittingStatements`).
    public static func decodeAll<T: Decodable & Sendable>(_ type: T.Type, _ rows: [(key: String, text: String)], table: String,
                                                          userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> [T] {
        @Sendable func makeDecoder() -> RecordDecoder { RecordDecoder(userInfo: userInfo) }
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, rows.count / minimumRowsPerWorker)
        guard workers > 1 else {
            let decoder = makeDecoder()
            return try rows.map { try decode(T.self, $0.text, table: table, key: $0.key, with: decoder) }
        }
        let results = Slots<Result<T, any Error>>(count: rows.count)
        defer { results.release() }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let decoder = makeDecoder()
            for index in stride(from: worker, to: rows.count, by: workers) {
                results.put(Result { try decode(T.self, rows[index].text, table: table, key: rows[index].key, with: decoder) }, at: index)
            }
        }
        return try results.taken().map { try $0.get() }
    }

    /// Below this many rows per core, one thread decodes them all.
    static let minimumRowsPerWorker = 8

    /// A fixed number of slots, each written once by one thread (never two threads the same
    /// slot) and read after all of them have finished.
    private final class Slots<Value>: @unchecked Sendable {
        private let buffer: UnsafeMutableBufferPointer<Value?>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        func put(_ value: Value, at index: Int) { buffer[index] = value }

        /// Every slot's value; each must have been put.
        func taken() -> [Value] {
            buffer.map { slot in
                guard let value = slot else { preconditionFailure("a record's slot was never filled") }
                return value
            }
        }

        func release() {
            buffer.deinitialize()
            buffer.deallocate()
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
