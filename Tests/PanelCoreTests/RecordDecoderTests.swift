import Foundation
import PanelTestSupport
import Testing
@testable import PanelCore

/// `RecordDecoder` reads records with `JSONDecoder`'s answer: the same value, or an error where
/// `JSONDecoder` has one. Random values, random damage to their text, and the cases it leaves to
/// `JSONDecoder` on purpose.
@Suite("Record decoder")
struct RecordDecoderTests {
    enum Kind: String, Codable, Equatable, CaseIterable { case alpha, beta = "beta-two", gamma }

    enum Shape: Codable, Equatable {
        case none
        case point(x: Int, y: Int)
        case named(String)
    }

    struct Inner: Codable, Equatable {
        var text: String
        var count: Int
        var ratio: Double
        var flag: Bool
        var kind: Kind
        var maybe: String?
    }

    struct Record: Codable, Equatable {
        var id: String
        var small: Int8
        var wide: Int64
        var unsigned: UInt32
        var inner: Inner
        var list: [Inner]
        var tags: [String]
        var table: [String: Int]
        var numbered: [Int: String]
        var nested: [[Int]]
        var optionalList: [Int?]
        var shape: Shape
        var when: Date
        var missing: Int?
    }

    static func string(_ random: inout SeededRandom) -> String {
        let pieces = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "é", "Ω", "中", "🙂", "\u{7F}", "\u{2028}", "{", "]", ":", ","]
        return (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    static func double(_ random: inout SeededRandom) -> Double {
        switch Int.random(in: 0...4, using: &random) {
        case 0: return Double(Int.random(in: -1_000...1_000, using: &random))
        case 1: return Double.random(in: -1...1, using: &random)
        case 2: return -0.0
        case 3:
            let bits = random.next()
            let value = Double(bitPattern: bits)
            return value.isFinite ? value : 1e308
        default: return Double.random(in: -1e20...1e20, using: &random)
        }
    }

    static func inner(_ random: inout SeededRandom) -> Inner {
        Inner(text: string(&random), count: Int.random(in: Int.min...Int.max, using: &random), ratio: double(&random),
              flag: Bool.random(using: &random), kind: Kind.allCases.randomElement(using: &random)!,
              maybe: Bool.random(using: &random) ? string(&random) : nil)
    }

    static func record(_ random: inout SeededRandom) -> Record {
        let shapes: [Shape] = [.none, .point(x: Int.random(in: -5...5, using: &random), y: 7), .named(string(&random))]
        return Record(
            id: string(&random), small: Int8.random(in: .min ... .max, using: &random), wide: Int64.random(in: .min ... .max, using: &random),
            unsigned: UInt32.random(in: .min ... .max, using: &random), inner: inner(&random),
            list: (0..<Int.random(in: 0...3, using: &random)).map { _ in inner(&random) },
            tags: (0..<Int.random(in: 0...4, using: &random)).map { _ in string(&random) },
            table: Dictionary((0..<Int.random(in: 0...3, using: &random)).map { _ in (string(&random), Int.random(in: -9...9, using: &random)) },
                              uniquingKeysWith: { first, _ in first }),
            numbered: [Int.random(in: -3...3, using: &random): string(&random)],
            nested: [[], [Int.random(in: -100...100, using: &random)]],
            optionalList: [nil, 3, nil],
            shape: shapes.randomElement(using: &random)!,
            when: Date(timeIntervalSinceReferenceDate: double(&random)),
            missing: Bool.random(using: &random) ? nil : 4)
    }

    /// Both decoders' answers agree: equal values, or both an error.
    static func agree<T: Decodable & Equatable>(_ type: T.Type, _ text: String, userInfo: [CodingUserInfoKey: any Sendable] = [:]) -> Bool {
        let foundation = JSONDecoder()
        foundation.userInfo = userInfo
        let expected = try? foundation.decode(T.self, from: Data(text.utf8))
        let actual = try? RecordDecoder(userInfo: userInfo).decode(T.self, from: text)
        return expected == actual
    }

    @Test func randomRecordsDecodeAsJSONDecoderDecodesThem() throws {
        var random = SeededRandom(seed: 42)
        for _ in 0..<2_000 {
            let value = Self.record(&random)
            let text = try EventCoding.encode(value, type: "test")
            // Read here, not handed on: the fast path is the point.
            let direct = try #require(RecordDecoder().decodeDirectly(Record.self, from: text), "not read directly: \(text)")
            #expect(direct == value, "\(text)")
            #expect(Self.agree(Record.self, text))
        }
    }

    /// Damaged text (a byte dropped, doubled or replaced): never a value `JSONDecoder` would not give.
    @Test func damagedTextIsDecidedAsJSONDecoderDecidesIt() throws {
        var random = SeededRandom(seed: 7)
        let replacements = Array("{}[]\",:0-9.eE+ntfu\\ ".utf8)
        for _ in 0..<3_000 {
            var bytes = Array(try EventCoding.encode(Self.record(&random), type: "test").utf8)
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0...2, using: &random) {
            case 0: bytes.remove(at: index)
            case 1: bytes.insert(bytes[index], at: index)
            default: bytes[index] = replacements.randomElement(using: &random)!
            }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(Self.agree(Record.self, text), "\(text)")
        }
    }

    struct Numbers: Codable, Equatable {
        var int: Int?
        var unsigned: UInt?
        var small: Int8?
        var double: Double?
        var float: Float?
    }

    /// Numbers in every form JSON allows, and some it does not: exponents, fractions read as
    /// integers, out of range, `-0`, leading zeros.
    @Test(arguments: ["1", "-1", "0", "-0", "1.0", "1.5", "1e3", "1E+2", "-1e-2", "9223372036854775807", "9223372036854775808",
                      "-9223372036854775808", "-9223372036854775809", "127", "128", "-129", "01", "-", "1.", ".5", "1e", "+1", "0x10",
                      "1e400", "-1e400", "4.9e-324", "2.2250738585072014e-308", "0.1", "123456789012345678901234567890", "NaN", "true", "null", "\"1\""])
    func numbersAreReadAsJSONDecoderReadsThem(number: String) {
        for key in ["int", "unsigned", "small", "double", "float"] {
            #expect(Self.agree(Numbers.self, "{\"\(key)\":\(number)}"), "\(key): \(number)")
        }
    }

    struct Texts: Codable, Equatable {
        var text: String
    }

    /// Escapes and raw characters: what JSON allows reads as `JSONDecoder` reads it.
    @Test(arguments: [#""plain""#, #""a\"b\\c\/d""#, #""\b\f\n\r\t""#, #""\u00e9\u4e2d\u0000""#, #""\ud83d\ude42""#, #""\ud83d""#,
                      #""\ude42x""#, #""\x""#, #""\u12""#, "\"tab\there\"", "\"line\nbreak\"", "\"é中🙂\"", #""""#, #""unterminated"#,
                      #""\u0041\u0042""#])
    func stringsAreReadAsJSONDecoderReadsThem(string: String) {
        #expect(Self.agree(Texts.self, "{\"text\":\(string)}"), "\(string)")
        #expect(Self.agree(String.self, string), "\(string)")
    }

    struct Special: Codable, Equatable {
        var data: Data?
        var url: URL?
        var decimal: Decimal?
    }

    /// Types `JSONEncoder` writes in its own way are `JSONDecoder`'s to read; so is the rest of
    /// what is not a plain record: duplicate keys, text around the value, deep nesting.
    @Test func whatIsLeftToJSONDecoderIsReadByIt() throws {
        let special = Special(data: Data([0, 1, 254, 255]), url: URL(string: "https://example.org/a?b=c")!, decimal: Decimal(string: "12.345"))
        let text = try EventCoding.encode(special, type: "test")
        #expect(RecordDecoder().decodeDirectly(Special.self, from: text) == nil)
        #expect(try RecordDecoder().decode(Special.self, from: text) == special)
        for other in ["  {\"text\":\"a\"}  ", "{\"text\":\"a\"} x", "{\"text\":\"a\",}", "[1,]", "{\"text\" \"a\"}", "", " ", "{\"text\":\"a\"}{}",
                      String(repeating: "[", count: 600) + String(repeating: "]", count: 600)] {
            #expect(Self.agree(Texts.self, other), "\(other)")
            #expect(Self.agree([[Int]].self, other), "\(other)")
        }
        #expect(Self.agree(Texts.self, "{\"text\":\"first\",\"text\":\"second\"}"), "duplicate keys")
    }

    /// A type that catches an error to try another reading gets `JSONDecoder`'s reading, even
    /// where this decoder gave up on a value `JSONDecoder` reads.
    struct Lenient: Decodable, Equatable {
        var value: String
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                value = "int \(number)"
            } else if let number = try? container.decode(Double.self) {
                value = "double \(number)"
            } else {
                value = "text \(try container.decode(String.self))"
            }
        }
    }

    @Test(arguments: ["1", "1.0", "1e2", "1.5", "\"x\"", "99999999999999999999"])
    func aTypeThatCatchesErrorsGetsJSONDecodersReading(text: String) {
        #expect(Self.agree(Lenient.self, text), "\(text)")
    }

    /// `userInfo` reaches `init(from:)` (the assessment's reading without its statements uses it).
    @Test func userInfoReachesTheDecodedType() throws {
        struct Reads: Decodable, Equatable {
            var seen: Bool
            static let key = CodingUserInfoKey(rawValue: "test.key")!
            init(from decoder: any Decoder) throws { seen = decoder.userInfo[Self.key] as? Bool == true }
        }
        #expect(try RecordDecoder(userInfo: [Reads.key: true]).decode(Reads.self, from: "{}").seen)
        #expect(try !RecordDecoder().decode(Reads.self, from: "{}").seen)
    }
}
