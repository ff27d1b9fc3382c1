import Foundation
import PanelTestSupport
import Testing
@testable import PanelCore

/// Stored times are read digit by digit (`Timestamp.canonical`); Foundation's reading decides the
/// rest. The two must never disagree where the first answers.
@Suite("Timestamps")
struct TimestampTests {
    /// Random instants of 1600–9999 in each written form, leap days included: the same `Date`, to the bit.
    @Test func theCanonicalFormsReadAsFoundationReadsThem() throws {
        var random = SeededRandom(seed: 20261202)
        for _ in 0..<20_000 {
            let year = Int.random(in: 1600...9999, using: &random), month = Int.random(in: 1...12, using: &random)
            let day = Int.random(in: 1...Timestamp.daysIn(month: month, year: year), using: &random)
            let time = String(format: "%02d:%02d:%02d", Int.random(in: 0...23, using: &random), Int.random(in: 0...59, using: &random),
                              Int.random(in: 0...59, using: &random))
            let date = String(format: "%04d-%02d-%02d", year, month, day)
            for text in [date + "T" + time + String(format: ".%03dZ", Int.random(in: 0...999, using: &random)), date + "T" + time + "Z", date] {
                let fast = try #require(Timestamp.canonical(text), "\(text) was not read")
                #expect(fast == Timestamp.general(text), "\(text): \(fast.timeIntervalSinceReferenceDate) here, \(Timestamp.general(text)?.timeIntervalSinceReferenceDate ?? .nan) by Foundation")
            }
        }
        // Edges: the first and last days read, leap days of century years, the epoch.
        for text in ["1600-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "2000-02-29T12:00:00Z", "2400-02-29", "1970-01-01T00:00:00.000Z",
                     "1969-12-31T23:59:59.999Z"] {
            #expect(Timestamp.canonical(text) != nil, "\(text) was not read")
            #expect(Timestamp.canonical(text) == Timestamp.general(text), "\(text)")
        }
        // What the log writes reads back as the instant written.
        let written = Date(timeIntervalSinceReferenceDate: 818_000_000.123)
        #expect(Timestamp.parse(Timestamp.format(written)).map { Timestamp.format($0) } == Timestamp.format(written))
    }

    /// Instants of 1600–9999, whole milliseconds and not (Foundation cuts the fraction, after
    /// floating-point error, rather than round it): the text Foundation writes.
    @Test func instantsAreWrittenAsFoundationWritesThem() throws {
        var random = SeededRandom(seed: 7)
        for index in 0..<30_000 {
            let seconds: Double = switch index % 3 {
            case 0: Double.random(in: -12_654_403_200 ... 252_423_993_599, using: &random)
            case 1: Double(Int.random(in: -12_654_403_200_000 ... 252_423_993_599_999, using: &random)) / 1_000
            default: Double(Int.random(in: 0...2_000_000_000, using: &random)) + Double(Int.random(in: 0...999, using: &random)) / 1_000 + 0.000_5
            }
            let date = Date(timeIntervalSinceReferenceDate: seconds)
            let text = try #require(Timestamp.canonical(date), "\(seconds) was not written")
            #expect(text == date.formatted(Self.foundation), "\(seconds)")
        }
        let edges: [Double] = [-12_654_403_200, 252_423_993_599.999, 0, -0.000_1, -978_307_200, -978_307_200.001, 86_399.999_9]
        for seconds in edges {
            let date = Date(timeIntervalSinceReferenceDate: seconds)
            #expect(Timestamp.canonical(date) == date.formatted(Self.foundation), "\(seconds)")
        }
        #expect(Timestamp.canonical(Date(timeIntervalSinceReferenceDate: -12_654_403_200.001)) == nil, "1599 is Foundation's to write")
        #expect(Timestamp.canonical(Date(timeIntervalSinceReferenceDate: 252_423_993_600)) == nil, "10000 is Foundation's to write")
        let early = Date(timeIntervalSinceReferenceDate: -20_000_000_000)
        #expect(Timestamp.format(early) == early.formatted(Self.foundation))
    }

    static let foundation = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// Out of range, another form, or not a time: not read here, and `parse` answers as Foundation
    /// does (a day past the month's end, `24:00` and offsets are Foundation's to read; nonsense is nil).
    @Test func everythingElseIsFoundationsToDecide() {
        let others = [
            "1900-02-29T00:00:00Z", "2026-02-30T00:00:00.000Z", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
            "2024-02-29T24:00:00.000Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:60.000Z", "2026-01-01T00:00:00.1Z",
            "2026-01-01T00:00:00.1234Z", "2026-01-01T00:00:00.000+01:00", "2026-01-01t00:00:00.000z", "1582-10-04T00:00:00.000Z",
            "0999-01-01", "+2026-01-01T00:00:00.000Z", " 2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z ", "2026-1-01T00:00:00.000Z",
            "2026-01-01 00:00:00.000Z", "2026-01-01T00:00:00,000Z", "２０２６-01-01", "next Tuesday", "", "2026-01-01T",
        ]
        for text in others {
            #expect(Timestamp.canonical(text) == nil, "\(text) was read here")
            #expect(Timestamp.parse(text) == Timestamp.general(text), "\(text)")
        }
        #expect(Timestamp.parse("next Tuesday") == nil)
        #expect(Timestamp.parse("2026-01-01T00:00:00.000+01:00") != nil)
    }
}
