import Foundation

/// The one textual form of instants in the log and the store: ISO 8601 UTC
/// with milliseconds, e.g. `2026-11-30T01:02:03.456Z`.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let plain = Date.ISO8601FormatStyle(timeZone: .gmt)

    public static func format(_ date: Date) -> String { style.format(date) }

    /// Accepts `2026-11-30T01:02:03.456Z`, `2026-11-30T01:02:03Z` and `2026-11-30`.
    public static func parse(_ text: String) -> Date? {
        if let date = try? style.parse(text) { return date }
        if let date = try? plain.parse(text) { return date }
        if text.count == 10, let date = try? plain.parse(text + "T00:00:00Z") { return date }
        return nil
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
