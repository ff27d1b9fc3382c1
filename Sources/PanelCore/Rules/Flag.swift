import Crypto
import Foundation
import PanelXML

public enum FlagState: String, CaseIterable, Codable, Sendable {
    case open, acknowledged, silenced, resolved
}

/// A rule firing on a subject. Its identity is the rule plus a fingerprint of
/// the subject or group: firing again updates it, never duplicates it.
public struct Flag: Codable, Sendable, Equatable {
    public var id: String
    public var rule: String
    public var fingerprint: String
    public var title: String
    public var severity: Severity
    public var message: String
    public var labels: [String: String]
    public var subject: String
    /// open, acknowledged or resolved as recorded; `silenced` is worked out from silences at a time.
    public var state: FlagState
    /// Goes up each time the flag is raised again or its severity changes (not when a counter in its message ticks).
    public var version: Int
    public var raisedAt: String
    public var changedAt: String
    public var acknowledgedBy: String?
    public var note: String?
    public var resolution: String?

    public init(id: String, rule: String, fingerprint: String, title: String, severity: Severity, message: String,
                labels: [String: String], subject: String, state: FlagState, version: Int, raisedAt: String, changedAt: String,
                acknowledgedBy: String? = nil, note: String? = nil, resolution: String? = nil) {
        self.id = id
        self.rule = rule
        self.fingerprint = fingerprint
        self.title = title
        self.severity = severity
        self.message = message
        self.labels = labels
        self.subject = subject
        self.state = state
        self.version = version
        self.raisedAt = raisedAt
        self.changedAt = changedAt
        self.acknowledgedBy = acknowledgedBy
        self.note = note
        self.resolution = resolution
    }

    public static func id(rule: String, fingerprint: String) -> String {
        "F-" + SHA256.hash(data: Data("\(rule)\u{0}\(fingerprint)".utf8)).hexString.prefix(10)
    }

    /// The state as of `now`, silences applied.
    public func state(at now: Date, silences: [Silence]) -> FlagState {
        guard state != .resolved else { return .resolved }
        return silences.contains { $0.matches(self) && $0.isActive(at: now) } ? .silenced : state
    }
}

/// A silence: flags of a rule, or with these labels, are withheld until a time.
public struct Silence: Codable, Sendable, Equatable {
    public var id: String
    public var rule: String?
    public var flag: String?
    public var labels: [String: String]
    public var until: String
    public var reason: String
    public var by: String

    public init(id: String, rule: String?, flag: String?, labels: [String: String], until: String, reason: String, by: String) {
        self.id = id
        self.rule = rule
        self.flag = flag
        self.labels = labels
        self.until = until
        self.reason = reason
        self.by = by
    }

    public func matches(_ flag: Flag) -> Bool {
        if let id = self.flag, id != flag.id { return false }
        if let rule, rule != flag.rule { return false }
        return labels.allSatisfy { flag.labels[$0.key] == $0.value }
    }

    public func isActive(at now: Date) -> Bool {
        Timestamp.parse(until).map { now < $0 } ?? false
    }

    /// Who ended it early, and why (nil while it runs its course).
    public var ended: String?

    /// The silence as ended at `time` (the fold and the projection both apply this).
    public static func ending(_ silence: Silence?, at time: String, by actor: String, reason: String) -> Silence? {
        guard var silence else { return nil }
        silence.until = time
        silence.ended = "\(actor): \(reason)"
        return silence
    }

    /// The active silence that withholds a flag now, if any.
    public static func covering(_ flag: Flag, among silences: [Silence], at now: Date) -> Silence? {
        silences.first { $0.matches(flag) && $0.isActive(at: now) }
    }
}

public struct FlagRaised: EventPayload {
    public static let type = "flag.raised"
    public var flag: Flag
    public init(flag: Flag) { self.flag = flag }
}

public struct FlagChanged: EventPayload {
    public static let type = "flag.changed"
    public var id: String
    public var severity: Severity
    public var message: String
    public var version: Int
    public init(id: String, severity: Severity, message: String, version: Int) {
        self.id = id
        self.severity = severity
        self.message = message
        self.version = version
    }
}

public struct FlagAcknowledged: EventPayload {
    public static let type = "flag.acknowledged"
    public var id: String
    public var note: String
    public init(id: String, note: String) {
        self.id = id
        self.note = note
    }
}

public struct FlagResolved: EventPayload {
    public static let type = "flag.resolved"
    public var id: String
    /// `cleared` when the condition no longer holds, or the note of whoever resolved it by hand.
    public var resolution: String
    public init(id: String, resolution: String) {
        self.id = id
        self.resolution = resolution
    }
}

/// A silence was ended before its time.
public struct SilenceEnded: EventPayload {
    public static let type = "silence.ended"
    public var id: String
    public var reason: String
    public init(id: String, reason: String) {
        self.id = id
        self.reason = reason
    }
}

public struct SilenceCreated: EventPayload {
    public static let type = "silence.created"
    public var silence: Silence
    public init(silence: Silence) { self.silence = silence }
}

/// A reference that matched a reference rule, kept for windows and thresholds.
public struct RuleMatch: Codable, Sendable, Equatable {
    public var rule: String
    public var reference: String
    public var title: String
    /// Values for group-by (keywords, country, format), lower-cased.
    public var keywords: [String]
    public var country: String?
    public var format: ReferenceFormat
    /// When it counts in a window: the publication date if known, else when it was ingested.
    public var at: String
    /// For `cites-keywords-of` rules: the approved assessments it is new evidence on.
    public var assessments: [String]?

    public init(rule: String, reference: String, title: String, keywords: [String], country: String?, format: ReferenceFormat, at: String,
                assessments: [String]? = nil) {
        self.assessments = assessments
        self.rule = rule
        self.reference = reference
        self.title = title
        self.keywords = keywords
        self.country = country
        self.format = format
        self.at = at
    }
}

/// The flags as the log has made them.
public enum FlagFold {
    public static func apply(_ event: PanelEvent, time: String, actor: String, to flags: inout [String: Flag]) {
        switch event {
        case .flagRaised(let raised):
            flags[raised.flag.id] = raised.flag
        case .flagChanged(let changed):
            guard var flag = flags[changed.id] else { return }
            // changedAt is when the current version began: a message updated in place keeps it.
            if changed.version != flag.version { flag.changedAt = time }
            flag.severity = changed.severity
            flag.message = changed.message
            flag.version = changed.version
            flags[changed.id] = flag
        case .flagAcknowledged(let acknowledged):
            guard var flag = flags[acknowledged.id] else { return }
            flag.state = .acknowledged
            flag.acknowledgedBy = actor
            flag.note = acknowledged.note
            flags[acknowledged.id] = flag
        case .flagResolved(let resolved):
            guard var flag = flags[resolved.id] else { return }
            flag.state = .resolved
            flag.resolution = resolved.resolution
            flag.changedAt = time
            flags[resolved.id] = flag
        default:
            break
        }
    }
}
