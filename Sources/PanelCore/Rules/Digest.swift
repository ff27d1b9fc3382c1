import Foundation
import PanelXML

/// Something to remind people of, not a flag: an overdue review, a close deadline.
public struct Reminder: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case reviewOverdue = "review-overdue", deadline }
    public var kind: Kind
    public var assessment: String
    public var stage: String
    public var reviewer: String?
    public var deadline: String
    public var text: String
}

/// One issued report of flags and reminders.
public struct Digest: Codable, Sendable, Equatable {
    public var id: String
    public var issuedAt: String
    /// New or changed flags, open or acknowledged, not silenced; by severity then rule.
    public var flags: [Flag]
    public var resolved: [Flag]
    public var reminders: [Reminder]
    /// What this digest issues, for the notification log.
    public var keys: [String]
    /// The log's head when the digest was issued: an anchor outside the store that
    /// `panel audit verify --head SEQUENCE:HASH` checks the log against later.
    public var head: ChainHead?

    /// `SEQUENCE:HASH`, as `audit verify --head` takes it.
    public var anchor: String? { head.map { "\($0.sequence):\($0.hash)" } }

    public var isEmpty: Bool { flags.isEmpty && resolved.isEmpty && reminders.isEmpty }
}

/// A digest went out; its keys are never issued again unless they change.
public struct DigestIssued: EventPayload {
    public static let type = "digest.issued"
    public var id: String
    public var keys: [String]
    public var flags: Int
    public var resolved: Int
    public var reminders: Int
    public init(id: String, keys: [String], flags: Int, resolved: Int, reminders: Int) {
        self.id = id
        self.keys = keys
        self.flags = flags
        self.resolved = resolved
        self.reminders = reminders
    }
}

/// Composes digests: pure, from flags, silences, assessments, what was issued, and the time.
public enum DigestComposer {
    public static let reminderDays = 7

    public static func key(_ flag: Flag) -> String {
        flag.state == .resolved ? "resolved:\(flag.id):v\(flag.version)" : "flag:\(flag.id):v\(flag.version)"
    }

    /// The key of an open flag now: its version's, or, for a rule with `repeat-after: N`, the
    /// version's Kth repeat once K whole periods of N days have passed since the version began.
    public static func key(_ flag: Flag, repeatAfterDays: Int?, now: Date) -> String {
        let base = key(flag)
        guard flag.state != .resolved, let days = repeatAfterDays, days > 0, let since = Timestamp.parse(flag.changedAt) else { return base }
        let periods = Int(now.timeIntervalSince(since) / (Double(days) * 86_400))
        return periods >= 1 ? "\(base):r\(periods)" : base
    }

    /// Whether a flag is withheld because its assessment is done: approved (a final stage) or withdrawn.
    public static func inhibited(_ flag: Flag, rules: [String: Rule], assessments: [String: Assessment], workflows: [String: Workflow]) -> Bool {
        guard rules[flag.rule]?.inhibit ?? true, let assessment = assessments[flag.subject] else { return false }
        if assessment.withdrawn != nil { return true }
        return workflows[assessment.workflow]?.stage(assessment.stage)?.final == true
    }

    public static func reminders(_ assessments: [Assessment], workflows: [String: Workflow], now: Date) -> [Reminder] {
        var result: [Reminder] = []
        for assessment in assessments where assessment.withdrawn == nil {
            guard let stage = workflows[assessment.workflow]?.stage(assessment.stage), !stage.final else { continue }
            let received = Set(assessment.reviews.filter { $0.stage == stage.id }.map(\.reviewer))
            for assignment in assessment.currentAssignments where !received.contains(assignment.reviewer) {
                guard let deadline = Timestamp.parse(assignment.deadline), deadline < now else { continue }
                let days = Int(now.timeIntervalSince(deadline) / 86_400)
                result.append(Reminder(kind: .reviewOverdue, assessment: assessment.id, stage: stage.id, reviewer: assignment.reviewer,
                                       deadline: assignment.deadline,
                                       text: "review of \(assessment.id) by \(assignment.reviewer) is \(days) day\(days == 1 ? "" : "s") overdue (due \(assignment.deadline))"))
            }
            if let deadline = assessment.deadline(in: stage), deadline.timeIntervalSince(now) <= Double(reminderDays) * 86_400 {
                let days = Int((deadline.timeIntervalSince(now) / 86_400).rounded(.down))
                let text = days < 0 ? "deadline of \(assessment.id) \(stage.id) passed \(-days) day\(days == -1 ? "" : "s") ago (\(Timestamp.format(deadline)))"
                    : "deadline of \(assessment.id) \(stage.id) in \(days) day\(days == 1 ? "" : "s") (\(Timestamp.format(deadline)))"
                result.append(Reminder(kind: .deadline, assessment: assessment.id, stage: stage.id, reviewer: nil,
                                       deadline: Timestamp.format(deadline), text: text))
            }
        }
        return result
    }

    public static func key(_ reminder: Reminder) -> String {
        "\(reminder.kind.rawValue):\(reminder.assessment):\(reminder.stage):\(reminder.reviewer ?? "-"):\(reminder.deadline)"
    }

    /// Everything that could go out now, and the keys of it. Flags about a finished assessment are
    /// inhibited (unless their rule says `inhibit: false`); silenced flags wait for their silence to end.
    public static func candidates(flags: [String: Flag], silences: [Silence], assessments: [Assessment], workflows: [String: Workflow],
                                  now: Date, rules: [String: Rule] = [:]) -> (flags: [Flag], resolved: [Flag], reminders: [Reminder]) {
        var open: [Flag] = []
        var resolved: [Flag] = []
        let byID = Dictionary(assessments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for flag in flags.values {
            switch flag.state(at: now, silences: silences) {
            case .open, .acknowledged:
                if !inhibited(flag, rules: rules, assessments: byID, workflows: workflows) { open.append(flag) }
            case .resolved: resolved.append(flag)
            case .silenced: break
            }
        }
        let order: (Flag, Flag) -> Bool = { ($1.severity, $0.rule, $0.id) < ($0.severity, $1.rule, $1.id) }
        return (open.sorted(by: order), resolved.sorted(by: order), reminders(assessments, workflows: workflows, now: now))
    }

    /// The digest of what is not yet issued, plus (with `since`) what changed within that window.
    public static func compose(id: String, flags: [Flag], resolved: [Flag], reminders: [Reminder], issued: Set<String>,
                               since: Date?, now: Date, head: ChainHead? = nil, rules: [String: Rule] = [:]) -> Digest {
        func fresh(_ key: String, changed: String?) -> Bool {
            if !issued.contains(key) { return true }
            guard let since, let changed, let at = Timestamp.parse(changed) else { return false }
            return at >= since
        }
        func flagKey(_ flag: Flag) -> String { key(flag, repeatAfterDays: rules[flag.rule]?.repeatAfterDays, now: now) }
        let newFlags = flags.filter { fresh(flagKey($0), changed: $0.changedAt) }
        let newResolved = resolved.filter { fresh(key($0), changed: $0.changedAt) }
        let newReminders = reminders.filter { fresh(key($0), changed: since == nil ? nil : Timestamp.format(now)) }
        let keys = newFlags.map(flagKey) + newResolved.map(key) + newReminders.map(key)
        return Digest(id: id, issuedAt: Timestamp.format(now), flags: newFlags, resolved: newResolved, reminders: newReminders, keys: keys,
                      head: head)
    }
}

/// Digest renderings: Markdown, one self-contained HTML page, JSON, Atom 1.0.
public enum DigestRenderer {
    /// The anchor line every rendering carries.
    static func anchorText(_ digest: Digest) -> String? {
        digest.head.map { "Log head at issue: event \($0.sequence), hash \($0.hash) (check the log still holds it: panel audit verify --head \($0.sequence):\($0.hash))" }
    }

    public static func markdown(_ digest: Digest) -> String {
        let anchor = anchorText(digest).map { "\n\($0)\n" } ?? ""
        if digest.isEmpty { return "# Early-warning digest\n\nNothing new since the last digest (checked \(digest.issuedAt)).\n" + anchor }
        var out = "# Early-warning digest \(digest.id)\n\nIssued \(digest.issuedAt).\n"
        for severity in Severity.allCases.reversed() {
            let flags = digest.flags.filter { $0.severity == severity }
            guard !flags.isEmpty else { continue }
            out += "\n## \(severity.rawValue.capitalized) (\(flags.count))\n"
            for (rule, group) in Dictionary(grouping: flags, by: \.rule).sorted(by: { $0.key < $1.key }) {
                out += "\n### \(group[0].title) (`\(rule)`)\n\n"
                for flag in group {
                    let tag = flag.version == 1 ? "new" : "changed, v\(flag.version)"
                    let ack = flag.state == .acknowledged ? "; acknowledged by \(flag.acknowledgedBy ?? "?")" : ""
                    let subject = flag.message.contains(flag.subject) || flag.subject == "all" ? "" : "\(flag.subject); "
                    out += "- **\(flag.id)** \(flag.message) (\(subject)\(tag)\(ack))\n"
                }
            }
        }
        if !digest.resolved.isEmpty {
            out += "\n## Resolved (\(digest.resolved.count))\n\n"
            for flag in digest.resolved { out += "- **\(flag.id)** \(flag.title): \(flag.message) (\(flag.resolution ?? "resolved"))\n" }
        }
        if !digest.reminders.isEmpty {
            out += "\n## Reminders (\(digest.reminders.count))\n\n"
            for reminder in digest.reminders { out += "- \(reminder.text)\n" }
        }
        return out + anchor
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    public static func html(_ digest: Digest) -> String {
        var body = ""
        if digest.isEmpty { body += "<p>Nothing new since the last digest.</p>" }
        for severity in Severity.allCases.reversed() {
            let flags = digest.flags.filter { $0.severity == severity }
            guard !flags.isEmpty else { continue }
            body += "<h2 class=\"\(severity.rawValue)\">\(severity.rawValue.capitalized) (\(flags.count))</h2>\n<ul>\n"
            for flag in flags {
                body += "<li><strong>\(escape(flag.id))</strong> \(escape(flag.title)): \(escape(flag.message)) <span class=\"subject\">\(escape(flag.subject))</span></li>\n"
            }
            body += "</ul>\n"
        }
        if !digest.resolved.isEmpty {
            body += "<h2>Resolved (\(digest.resolved.count))</h2>\n<ul>\n"
            for flag in digest.resolved { body += "<li><strong>\(escape(flag.id))</strong> \(escape(flag.title)): \(escape(flag.message))</li>\n" }
            body += "</ul>\n"
        }
        if !digest.reminders.isEmpty {
            body += "<h2>Reminders (\(digest.reminders.count))</h2>\n<ul>\n"
            for reminder in digest.reminders { body += "<li>\(escape(reminder.text))</li>\n" }
            body += "</ul>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Early-warning digest \(escape(digest.id))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}
            h2.critical{color:#a00}h2.warning{color:#a60}h2.info{color:#036}li{margin:.4rem 0}.subject{color:#666;font-size:.9em}</style>
            </head><body>
            <h1>Early-warning digest \(escape(digest.id))</h1>
            <p>Issued \(escape(digest.issuedAt)).</p>
            \(body)\(anchorText(digest).map { "<p class=\"subject\">\(escape($0))</p>\n" } ?? "")</body></html>

            """
    }

    /// Atom 1.0, written with libxml2's writer; entry ids are stable per flag version.
    public static func atom(_ digest: Digest, workspace: String) -> String {
        let writer = XMLWriter()
        writer.startElement("feed", namespace: "http://www.w3.org/2005/Atom")
        writer.element("id", text: "urn:panel:\(workspace):digest:\(digest.id)")
        writer.element("title", text: "Early-warning digest \(digest.id)")
        writer.element("updated", text: digest.issuedAt)
        if let anchor = anchorText(digest) { writer.element("subtitle", text: anchor) }
        writer.startElement("author")
        writer.element("name", text: "panel")
        writer.endElement()
        func entry(id: String, title: String, updated: String, summary: String, category: String) {
            writer.startElement("entry")
            writer.element("id", text: id)
            writer.element("title", text: title)
            writer.element("updated", text: updated)
            writer.element("category", attributes: [("term", category)])
            writer.element("summary", text: summary)
            writer.endElement()
        }
        for flag in digest.flags {
            entry(id: "urn:panel:\(workspace):flag:\(flag.id):v\(flag.version)", title: "[\(flag.severity.rawValue)] \(flag.title)",
                  updated: flag.changedAt, summary: "\(flag.message) (\(flag.subject))", category: flag.severity.rawValue)
        }
        for flag in digest.resolved {
            entry(id: "urn:panel:\(workspace):resolved:\(flag.id):v\(flag.version)", title: "[resolved] \(flag.title)",
                  updated: flag.changedAt, summary: "\(flag.message) (\(flag.resolution ?? "resolved"))", category: "resolved")
        }
        for reminder in digest.reminders {
            entry(id: "urn:panel:\(workspace):reminder:\(DigestComposer.key(reminder))", title: "[reminder] \(reminder.assessment)",
                  updated: digest.issuedAt, summary: reminder.text, category: "reminder")
        }
        writer.endElement()
        return writer.finish() ?? ""
    }
}
