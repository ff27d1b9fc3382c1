import Foundation

/// The one textual form of instants in the log and the store: ISO 8601 UTC
/// with milliseconds, e.g. `2026-11-30T01:02:03.456Z`.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let plain = Date.ISO8601FormatStyle(timeZone: .gmt)

    public static func format(_ date: Date) -> String { canonical(date) ?? style.format(date) }

    /// The instant written digit by digit, for the years 1600 to 9999 (else nil, for Foundation):
    /// the same text as Foundation's (whole seconds down, then the fraction's milliseconds cut,
    /// not rounded; tested against it), without its formatter's cost on every event written.
    static func canonical(_ date: Date) -> String? {
        let reference = date.timeIntervalSinceReferenceDate
        let whole = reference.rounded(.down)
        // 1600-01-01T00:00:00Z to 9999-12-31T23:59:59Z, in seconds from 2001-01-01.
        guard whole >= -12_654_403_200, whole <= 252_423_993_599 else { return nil }
        let milliseconds = Int(((reference - whole) * 1_000).rounded(.down))
        let seconds = Int(whole) + 978_307_200
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, at start: Int, width: Int) {
            var value = value
            for index in stride(from: start + width - 1, through: start, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, at: 0, width: 4)
        put(month, at: 5, width: 2)
        put(day, at: 8, width: 2)
        put(time / 3_600, at: 11, width: 2)
        put(time / 60 % 60, at: 14, width: 2)
        put(time % 60, at: 17, width: 2)
        put(milliseconds, at: 20, width: 3)
        for (index, character) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z")] as [(Int, Unicode.Scalar)] {
            bytes[index] = UInt8(ascii: character)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The date of the proleptic Gregorian calendar `days` after 1970-01-01 (Howard Hinnant's
    /// civil-from-days).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Accepts `2026-11-30T01:02:03.456Z`, `2026-11-30T01:02:03Z` and `2026-11-30`.
    public static func parse(_ text: String) -> Date? {
        if let date = canonical(text) { return date }
        return general(text)
    }

    /// Foundation's reading, which decides whatever `canonical` leaves (and rolls `02-30` over to
    /// March, reads `24:00` and offsets such as `+01:00`, as it always did here).
    static func general(_ text: String) -> Date? {
        if let date = try? style.parse(text) { return date }
        if let date = try? plain.parse(text) { return date }
        if text.count == 10, let date = try? plain.parse(text + "T00:00:00Z") { return date }
        return nil
    }

    /// The forms this type writes, read digit by digit: every stored time is one, `status` reads
    /// several per assessment, and Foundation's general reading costs tens of thousands of
    /// instructions each. Only a valid date in the Gregorian years 1600 to 9999 (Foundation's
    /// calendar is Julian before 1582) with fields in range is read here, to the same `Date`
    /// Foundation gives (tested against it); anything else is nil, for `general` to decide.
    static func canonical(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            let count = bytes.count
            guard count == 10 || count == 20 || count == 24 else { return nil }
            func number(_ start: Int, _ length: Int) -> Int? {
                var value = 0
                for index in start..<(start + length) {
                    let digit = Int(bytes[index]) - 48
                    guard digit >= 0 && digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            func byte(_ index: Int, is character: Unicode.Scalar) -> Bool { bytes[index] == UInt8(ascii: character) }
            guard let year = number(0, 4), byte(4, is: "-"), let month = number(5, 2), byte(7, is: "-"), let day = number(8, 2),
                  (1600...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
            var seconds = days(fromCivilYear: year, month: month, day: day) * 86_400
            var milliseconds = 0
            if count > 10 {
                guard byte(10, is: "T"), let hour = number(11, 2), byte(13, is: ":"), let minute = number(14, 2), byte(16, is: ":"),
                      let second = number(17, 2), hour < 24, minute < 60, second < 60 else { return nil }
                seconds += hour * 3_600 + minute * 60 + second
                if count == 24 {
                    guard byte(19, is: "."), let fraction = number(20, 3), byte(23, is: "Z") else { return nil }
                    milliseconds = fraction
                } else {
                    guard byte(19, is: "Z") else { return nil }
                }
            }
            // The same arithmetic as Foundation's, from its reference date: the same Double.
            return Date(timeIntervalSinceReferenceDate: Double(seconds - 978_307_200) + Double(milliseconds) / 1_000)
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (the civil-from-days
    /// inverse in Howard Hinnant's date algorithms).
    static func days(fromCivilYear year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Where "now" comes from: injected, so decisions and tests are deterministic.
public protocol PanelClock: Sendable {
    func now() -> Date
}

public struct SystemClock: PanelClock {
    public init() {}
    public func now() -> Date { Date() }
}

public struct FixedClock: PanelClock {
    public var instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}

/// Times as people read them: in the workspace's time zone, to the minute, with the zone's abbreviation.
public struct DisplayTime: Sendable {
    public let zone: TimeZone

    public init(_ identifier: String) { zone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")! }

    /// `2026-04-10 11:00 CEST`, or the text unchanged when it is not a time.
    public func format(_ iso: String) -> String {
        guard let date = Timestamp.parse(iso) else { return iso }
        return format(date)
    }

    public func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let name = zone.abbreviation(for: date) ?? zone.identifier
        return String(format: "%04d-%02d-%02d %02d:%02d ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!) + name
    }
}
