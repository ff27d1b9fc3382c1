import Foundation

/// Decodes the JSON that `EventCoding.encode` writes (Foundation's `JSONEncoder`, default
/// strategies) with JSONDecoder's result, at a fraction of its cost.
///
/// Every command reads records: `status` decodes every assessment and the roster, and most of
/// what Foundation's decoder spends there is set-up per call and per type (its checks of each
/// decoded type against its own special cases are searches of the runtime's conformance tables).
/// This one parses the text once into a small tree and hands values to `init(from:)` directly.
///
/// It never decides differently from `JSONDecoder`: whatever it does not read exactly as
/// `JSONDecoder` would (a number in exponent form read as an integer, `Data`, `URL`, `Decimal`,
/// `Float`, a `\u` surrogate, ...) it gives up on, and so on any error: `decode` then hands the text
/// to `JSONDecoder`, whose value or error is the answer. A type that catches an error to try
/// another reading cannot make it answer differently either: giving up is remembered, and the
/// text goes to `JSONDecoder` even if the type caught the error.
public struct RecordDecoder {
    public var userInfo: [CodingUserInfoKey: any Sendable]

    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    public func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        if let value = decodeDirectly(T.self, from: text) { return value }
        let decoder = JSONDecoder()
        decoder.userInfo = userInfo
        return try decoder.decode(T.self, from: Data(text.utf8))
    }

    /// The value read here, or nil where `JSONDecoder` must decide (tests compare the two).
    func decodeDirectly<T: Decodable>(_ type: T.Type, from text: String) -> T? {
        var text = text
        let bytes = text.withUTF8 { Array($0) }
        var parser = RecordJSON.Parser(bytes: bytes)
        guard let root = parser.document() else { return nil }
        let source = RecordJSON.Source(bytes: bytes, userInfo: userInfo)
        let decoder = RecordJSON.Decoder(source: source, value: root, parent: nil, key: nil)
        guard let value = try? decoder.decodeValue(T.self), !source.gaveUp else { return nil }
        return value
    }
}

enum RecordJSON {
    enum Value {
        case null
        case bool(Bool)
        /// The number's text, as bytes of the source.
        case number(Range<Int>)
        /// The string's content between the quotes; `escaped` when it holds a backslash.
        case string(Range<Int>, escaped: Bool)
        case array([Value])
        case object([Member])
    }

    struct Member {
        var key: Range<Int>
        var escaped: Bool
        var value: Value
    }

    /// The text and what decoding shares: `gaveUp` once anything was met that only
    /// `JSONDecoder` may decide.
    final class Source {
        let bytes: [UInt8]
        let userInfo: [CodingUserInfoKey: any Sendable]
        var gaveUp = false

        init(bytes: [UInt8], userInfo: [CodingUserInfoKey: any Sendable]) {
            self.bytes = bytes
            self.userInfo = userInfo
        }

        func string(_ range: Range<Int>, escaped: Bool) throws -> String {
            if !escaped { return String(decoding: bytes[range], as: UTF8.self) }
            guard let text = Self.unescape(bytes[range]) else { throw giveUp() }
            return text
        }

        /// The value of the first member whose key is `name`: keys compared as bytes in place, an
        /// escaped one as its text (one that cannot be read gives the decision to `JSONDecoder`).
        func find(_ name: String, in members: [Member]) -> Value? {
            var name = name
            return name.withUTF8 { wanted -> Value? in
                bytes.withUnsafeBufferPointer { all -> Value? in
                    for member in members {
                        if member.escaped {
                            if (try? string(member.key, escaped: true)) == String(decoding: wanted, as: UTF8.self) { return member.value }
                            continue
                        }
                        guard member.key.count == wanted.count else { continue }
                        if wanted.isEmpty || memcmp(all.baseAddress! + member.key.lowerBound, wanted.baseAddress!, wanted.count) == 0 {
                            return member.value
                        }
                    }
                    return nil
                }
            }
        }

        /// Gives the decision to `JSONDecoder`.
        func giveUp() -> any Error {
            gaveUp = true
            return Refusal()
        }

        static func unescape(_ bytes: ArraySlice<UInt8>) -> String? {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var index = bytes.startIndex
            while index < bytes.endIndex {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.endIndex else { return nil }
                switch bytes[index] {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.endIndex else { return nil }
                    var scalar: UInt32 = 0
                    for offset in 1...4 {
                        guard let digit = hexValue(bytes[index + offset]) else { return nil }
                        scalar = scalar << 4 | digit
                    }
                    // Surrogates (pairs or not) are JSONDecoder's to read.
                    guard let unicode = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                    index += 4
                default: return nil
                }
                index += 1
            }
            return String(decoding: out, as: UTF8.self)
        }

        static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }
    }

    struct Refusal: Error {}

    /// RFC 8259 JSON, strictly: anything else is nil (and `JSONDecoder`'s to judge).
    struct Parser {
        let bytes: [UInt8]
        var index = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() -> Value? {
            skipSpace()
            guard let value = value() else { return nil }
            skipSpace()
            return index == bytes.count ? value : nil
        }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        mutating func value() -> Value? {
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""):
                guard let (range, escaped) = string() else { return nil }
                return .string(range, escaped: escaped)
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return number()
            }
        }

        mutating func literal(_ word: StaticString, _ value: Value) -> Value? {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return nil }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return nil }
            index += count
            return value
        }

        mutating func object() -> Value? {
            depth += 1
            guard depth <= 512 else { return nil }
            index += 1
            var members: [Member] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let (key, escaped) = string() else { return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                skipSpace()
                guard let value = value() else { return nil }
                members.append(Member(key: key, escaped: escaped, value: value))
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { return nil }
                index += 1
                depth -= 1
                return .object(members)
            }
        }

        mutating func array() -> Value? {
            depth += 1
            guard depth <= 512 else { return nil }
            index += 1
            var items: [Value] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(items)
            }
            while true {
                skipSpace()
                guard let value = value() else { return nil }
                items.append(value)
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else { return nil }
                index += 1
                depth -= 1
                return .array(items)
            }
        }

        /// A string's content (the quotes excluded), with whether it holds escapes; raw control
        /// characters are not JSON.
        mutating func string() -> (Range<Int>, Bool)? {
            index += 1
            let start = index
            var escaped = false
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return (start..<index, escaped)
                }
                if byte < 0x20 { return nil }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    index += 2
                    continue
                }
                index += 1
            }
            return nil
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() -> Value? {
            let start = index
            func digits() -> Int {
                let from = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
                return index - from
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() > 0 else { return nil }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { return nil }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { return nil }
            }
            return .number(start..<index)
        }
    }

    /// A key of an array's element in coding paths.
    struct IndexKey: CodingKey {
        var intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    final class Decoder: Swift.Decoder {
        let source: Source
        let value: Value
        let parent: Decoder?
        let key: (any CodingKey)?

        init(source: Source, value: Value, parent: Decoder?, key: (any CodingKey)?) {
            self.source = source
            self.value = value
            self.parent = parent
            self.key = key
        }

        var codingPath: [any CodingKey] {
            var path: [any CodingKey] = []
            var node: Decoder? = self
            while let current = node, let key = current.key {
                path.append(key)
                node = current.parent
            }
            return path.reversed()
        }

        var userInfo: [CodingUserInfoKey: Any] { source.userInfo }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .object(let members) = value else { throw Refusal() }
            return KeyedDecodingContainer(Keyed<Key>(decoder: self, members: members))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let items) = value else { throw Refusal() }
            return Unkeyed(decoder: self, items: items)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func child(_ value: Value, key: any CodingKey) -> Decoder {
            Decoder(source: source, value: value, parent: self, key: key)
        }

        /// A value of any type: the types JSONEncoder writes in its own way are given up on.
        func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
            if T.self == Data.self || T.self == URL.self || T.self == Decimal.self || T.self == Float.self {
                throw source.giveUp()
            }
            return try T(from: self)
        }

        func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            guard case .number(let range) = value else { throw Refusal() }
            var negative = false
            var index = range.lowerBound
            if source.bytes[index] == UInt8(ascii: "-") {
                // A negative unsigned value is JSONDecoder's to refuse.
                guard T.isSigned else { throw source.giveUp() }
                negative = true
                index += 1
            }
            // Fractions, exponents and values out of range: JSONDecoder's to read or refuse.
            var magnitude: T = 0
            while index < range.upperBound {
                let digit = source.bytes[index] &- UInt8(ascii: "0")
                guard digit <= 9 else { throw source.giveUp() }
                let (times, overflowTimes) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = negative ? times.subtractingReportingOverflow(T(digit)) : times.addingReportingOverflow(T(digit))
                guard !overflowTimes, !overflowSum else { throw source.giveUp() }
                magnitude = sum
                index += 1
            }
            return magnitude
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: Decoder
        let members: [Member]

        var codingPath: [any CodingKey] { decoder.codingPath }

        /// (A key that cannot be read has given the decision to `JSONDecoder`: see `Source.string`.)
        var allKeys: [Key] {
            members.compactMap { member in (try? decoder.source.string(member.key, escaped: member.escaped)).flatMap { Key(stringValue: $0) } }
        }

        func find(_ key: Key) -> Value? { decoder.source.find(key.stringValue, in: members) }

        func child(_ key: Key) throws -> Decoder {
            guard let value = find(key) else { throw Refusal() }
            return decoder.child(value, key: key)
        }

        func contains(_ key: Key) -> Bool { find(key) != nil }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let value = find(key) else { throw Refusal() }
            if case .null = value { return true }
            return false
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decode(Bool.self) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decode(String.self) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decode(Double.self) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).integer(Int.self) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).integer(Int64.self) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(T.self) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try child(key).container(keyedBy: NestedKey.self)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }

        func superDecoder() throws -> any Swift.Decoder { throw decoder.source.giveUp() }
        func superDecoder(forKey key: Key) throws -> any Swift.Decoder { throw decoder.source.giveUp() }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: Decoder
        let items: [Value]
        var currentIndex = 0

        init(decoder: Decoder, items: [Value]) {
            self.decoder = decoder
            self.items = items
        }

        var codingPath: [any CodingKey] { decoder.codingPath }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        mutating func next() throws -> Decoder {
            guard currentIndex < items.count else { throw Refusal() }
            defer { currentIndex += 1 }
            return decoder.child(items[currentIndex], key: IndexKey(currentIndex))
        }

        mutating func decodeNil() throws -> Bool {
            guard currentIndex < items.count else { throw Refusal() }
            if case .null = items[currentIndex] {
                currentIndex += 1
                return true
            }
            return false
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decode(Bool.self) }
        mutating func decode(_ type: String.Type) throws -> String { try next().decode(String.self) }
        mutating func decode(_ type: Double.Type) throws -> Double { try next().decode(Double.self) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next().integer(Int.self) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().integer(Int64.self) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: NestedKey.self)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Swift.Decoder { throw decoder.source.giveUp() }
    }
}

extension RecordJSON.Decoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let flag) = value else { throw RecordJSON.Refusal() }
        return flag
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let range, let escaped) = value else { throw RecordJSON.Refusal() }
        return try source.string(range, escaped: escaped)
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard case .number(let range) = value else { throw RecordJSON.Refusal() }
        let text = String(decoding: source.bytes[range], as: UTF8.self)
        guard let number = Double(text), number.isFinite else { throw source.giveUp() }
        return number
    }

    func decode(_ type: Float.Type) throws -> Float { throw source.giveUp() }
    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(T.self) }
}
