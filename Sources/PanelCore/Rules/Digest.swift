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
    /// The digest issued before this one; nil when none has been.
    public var previous: String?
    /// Flags issued before and issued again unchanged, as `--since` asks (by id).
    public var reissued: [String] = []

    /// `SEQUENCE:HASH`, as `audit verify --head` takes it.
    public var anchor: String? { head.map { "\($0.sequence):\($0.hash)" } }

    public var isEmpty: Bool { flags.isEmpty && resolved.isEmpty && reminders.isEmpty }

    /// What an empty digest says (a sentence, without its full stop): nothing new since the last
    /// one, or, before any has been issued, that nothing has come up yet.
    public var nothingNew: String {
        previous.map { "Nothing new since the last digest, \($0)" } ?? "Nothing to issue yet; no digest has been issued so far"
    }
}

extension Digest {
    private enum CodingKeys: String, CodingKey {
        case id, issuedAt, flags, resolved, reminders, keys, head, previous, reissued, note
    }

    /// An empty digest is not issued: its id is null, and its note says why there is nothing.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if id.isEmpty { try container.encodeNil(forKey: .id) } else { try container.encode(id, forKey: .id) }
        try container.encode(issuedAt, forKey: .issuedAt)
        try container.encode(flags, forKey: .flags)
        try container.encode(resolved, forKey: .resolved)
        try container.encode(reminders, forKey: .reminders)
        try container.encode(keys, forKey: .keys)
        try container.encode(head, forKey: .head)
        try container.encode(previous, forKey: .previous)
        try container.encode(reissued, forKey: .reissued)
        if isEmpty { try container.encode(nothingNew, forKey: .note) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        issuedAt = try container.decode(String.self, forKey: .issuedAt)
        flags = try container.decode([Flag].self, forKey: .flags)
        resolved = try container.decode([Flag].self, forKey: .resolved)
        reminders = try container.decode([Reminder].self, forKey: .reminders)
        keys = try container.decode([String].self, forKey: .keys)
        head = try container.decodeIfPresent(ChainHead.self, forKey: .head)
        previous = try container.decodeIfPresent(String.self, forKey: .previous)
        reissued = try container.decodeIfPresent([String].self, forKey: .reissued) ?? []
    }
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
                               since: Date?, now: Date, head: ChainHead? = nil, rules: [String: Rule] = [:],
                               previous: String? = nil) -> Digest {
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
                      head: head, previous: previous, reissued: newFlags.filter { issued.contains(flagKey($0)) }.map(\.id))
    }
}

/// What renderings need beyond the digest: how to show times, where the site is, and the
/// references flags are about (for DOI and URL links).
public struct DigestContext: Sendable {
    public var workspace: String
    public var time: DisplayTime
    public var siteURL: String?
    public var references: [String: Reference]
    /// What feed and entry ids are made from: the hash of the workspace's first event when known
    /// (it never changes, whatever the workspace is renamed to), else the name.
    public var key: String?

    public init(workspace: String, timezone: String = "UTC", siteURL: String? = nil, references: [String: Reference] = [:],
                key: String? = nil) {
        self.key = key
        self.workspace = workspace
        self.time = DisplayTime(timezone)
        self.siteURL = siteURL
        self.references = references
    }

    /// The id fragment of this workspace's feed and entries: its key, else its name.
    public var slug: String {
        if let key { return key }
        let lowered = workspace.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(lowered).split(separator: "-").joined(separator: "-")
    }

    /// A link for a flag's subject: the reference's DOI or URL.
    public func link(for flag: Flag) -> (text: String, url: String)? {
        guard let reference = references[flag.subject] else { return nil }
        if let doi = reference.metadata.identifiers.first(where: { $0.scheme == .doi }) {
            // A DOI may hold any character: percent-encoded, it stays one link.
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: "\"<>#?%")
            let path = doi.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? doi.value
            return ("doi:\(doi.value)", "https://doi.org/\(path)")
        }
        if let url = reference.metadata.url, url.hasPrefix("http://") || url.hasPrefix("https://"), let parsed = URL(string: url),
           parsed.host != nil {
            return (url, parsed.absoluteString)
        }
        return nil
    }

    /// Where a flag is read on the published site, when there is one (flags.html lists every flag, resolved too).
    public func siteLink(for flag: Flag) -> String? { siteURL.map { "\($0)/flags.html#\(flag.id)" } }
}

/// Digest renderings: Markdown, one self-contained HTML page, JSON, and an Atom 1.0 feed.
/// Everything that comes from outside (titles of ingested documents, messages) is escaped.
public enum DigestRenderer {
    /// The anchor line every rendering carries.
    static func anchorText(_ digest: Digest) -> String? {
        digest.head.map { "Log head \(digest.isEmpty ? "when checked" : "at issue"): event \($0.sequence), hash \($0.hash) (check the log still holds it: panel audit verify --head \($0.sequence):\($0.hash))" }
    }

    /// Each issued flag's key (its version, or its repeat), by flag id: the digest lists flags' keys first.
    static func issuedKeys(_ digest: Digest) -> [String: String] {
        Dictionary(zip(digest.flags.map(\.id), digest.keys), uniquingKeysWith: { first, _ in first })
    }

    /// `new` for a first version, `changed` for a later one, `repeated` when a rule repeats it,
    /// `re-issued` when issued before and again now (`--since`).
    static func marker(_ flag: Flag, key: String?, in digest: Digest) -> String {
        if key?.contains(":r") == true { return "repeated" }
        if digest.reissued.contains(flag.id) { return "re-issued" }
        return flag.version == 1 ? "new" : "changed (v\(flag.version))"
    }

    /// What to do about a flag, as the command to run.
    static func actions(_ flag: Flag) -> String {
        "panel flags ack \(flag.id) --note \"...\" · panel flags silence \(flag.id) --until 7d --reason \"...\""
    }

    /// Markdown with HTML and Markdown syntax neutralised: `<img onerror=...>` stays text.
    public static func markdownEscape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "#", "|", "!": out += "\\" + String(character)
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    static func groups(_ flags: [Flag]) -> [(severity: Severity, rules: [(rule: String, title: String, flags: [Flag])])] {
        Severity.allCases.reversed().compactMap { severity in
            let here = flags.filter { $0.severity == severity }
            guard !here.isEmpty else { return nil }
            let rules = Dictionary(grouping: here, by: \.rule).sorted { $0.key < $1.key }.map { ($0.key, $0.value[0].title, $0.value.sorted { $0.id < $1.id }) }
            return (severity, rules)
        }
    }

    public static func markdown(_ digest: Digest, context: DigestContext = DigestContext(workspace: "panel")) -> String {
        let anchor = anchorText(digest).map { "\n\($0)\n" } ?? ""
        let keys = issuedKeys(digest)
        if digest.isEmpty { return "# Early-warning digest\n\n\(markdownEscape(digest.nothingNew)) (checked \(context.time.format(digest.issuedAt))).\n" + anchor }
        var out = "# Early-warning digest \(digest.id)\n\nIssued \(context.time.format(digest.issuedAt)).\n"
        for group in groups(digest.flags) {
            out += "\n## \(group.severity.rawValue.capitalized) (\(group.rules.reduce(0) { $0 + $1.flags.count }))\n"
            for rule in group.rules {
                out += "\n### \(markdownEscape(rule.title)) (`\(rule.rule)`)\n\n"
                for flag in rule.flags {
                    let ack = flag.state == .acknowledged ? "; acknowledged by \(markdownEscape(flag.acknowledgedBy ?? "?"))" : ""
                    let link = context.link(for: flag).map { " [\(markdownEscape($0.text))](<\($0.url)>)" } ?? ""
                    out += "- **\(marker(flag, key: keys[flag.id], in: digest))** \(markdownEscape(flag.message))\(link) — `\(flag.id)`\(ack)\n"
                    out += "  - act: `\(actions(flag))`\n"
                }
            }
        }
        if !digest.resolved.isEmpty {
            out += "\n## Resolved (\(digest.resolved.count))\n\n"
            for flag in digest.resolved {
                out += "- \(markdownEscape(flag.message)) (\(markdownEscape(flag.resolution ?? "resolved"))) — `\(flag.id)`\n"
            }
        }
        if !digest.reminders.isEmpty {
            out += "\n## Reminders (\(digest.reminders.count))\n\n"
            for reminder in digest.reminders { out += "- \(markdownEscape(reminder.text))\n" }
        }
        return out + anchor
    }

    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// One flag as an HTML list item: the message (escaped), its link, its id once, and (for members,
    /// not on the public site) what to do about it.
    static func htmlItem(_ flag: Flag, marker: String, context: DigestContext, actionable: Bool = true) -> String {
        let link = context.link(for: flag).map { " <a href=\"\(escape($0.url))\">\(escape($0.text))</a>" } ?? ""
        let ack = flag.state == .acknowledged ? " <span class=\"note\">acknowledged by \(escape(flag.acknowledgedBy ?? "?"))</span>" : ""
        return "<li id=\"\(escape(flag.id))\"><span class=\"marker \(marker.hasPrefix("new") ? "new" : "changed")\">\(escape(marker))</span> "
            + "\(escape(flag.message))\(link)\(ack) <code class=\"id\">\(escape(flag.id))</code>"
            + (actionable ? "<br><span class=\"act\">\(escape(actions(flag)))</span>" : "") + "</li>\n"
    }

    static let style = """
        body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.45}
        h2.critical{color:#9b0000}h2.warning{color:#8a4b00}h2.info{color:#00407a}h3{margin-bottom:.3rem}
        li{margin:.5rem 0}.marker{font-size:.8em;font-weight:600;text-transform:uppercase;padding:0 .3em;border:1px solid}
        .new{color:#9b0000}.changed{color:#444}.id,.act,.note{color:#555;font-size:.85em}a{color:#0645ad}
        table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem;text-align:left}
        @media print{a{color:#000}body{max-width:none}}
        """

    public static func html(_ digest: Digest, context: DigestContext = DigestContext(workspace: "panel")) -> String {
        let keys = issuedKeys(digest)
        var body = ""
        if digest.isEmpty { body += "<p>\(escape(digest.nothingNew)).</p>\n" }
        for group in groups(digest.flags) {
            let severity = group.severity.rawValue
            body += "<h2 class=\"\(severity)\">\(severity.capitalized) (\(group.rules.reduce(0) { $0 + $1.flags.count }))</h2>\n"
            for rule in group.rules {
                body += "<h3>\(escape(rule.title)) <code class=\"id\">\(escape(rule.rule))</code></h3>\n<ul>\n"
                for flag in rule.flags { body += htmlItem(flag, marker: marker(flag, key: keys[flag.id], in: digest), context: context) }
                body += "</ul>\n"
            }
        }
        if !digest.resolved.isEmpty {
            body += "<h2>Resolved (\(digest.resolved.count))</h2>\n<ul>\n"
            for flag in digest.resolved {
                body += "<li id=\"\(escape(flag.id))\">\(escape(flag.message)) <span class=\"note\">\(escape(flag.resolution ?? "resolved"))</span> <code class=\"id\">\(escape(flag.id))</code></li>\n"
            }
            body += "</ul>\n"
        }
        if !digest.reminders.isEmpty {
            body += "<h2>Reminders (\(digest.reminders.count))</h2>\n<ul>\n"
            for reminder in digest.reminders { body += "<li>\(escape(reminder.text))</li>\n" }
            body += "</ul>\n"
        }
        let title = digest.isEmpty ? "Early-warning digest" : "Early-warning digest \(digest.id)"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(style)</style>
            </head><body><main>
            <h1>\(escape(title))</h1>
            <p>\(digest.isEmpty ? "Checked" : "Issued") \(escape(context.time.format(digest.issuedAt))).</p>
            \(body)\(anchorText(digest).map { "<p class=\"note\">\(escape($0))</p>\n" } ?? "")</main></body></html>

            """
    }

    /// One Atom entry, as kept between runs.
    public struct FeedEntry: Sendable, Equatable {
        public var id: String
        public var title: String
        public var updated: String
        public var category: String
        /// Escaped HTML (`type="html"`).
        public var content: String
        public var link: String?
    }

    /// A message cut to a title's length at a word.
    static func shortened(_ text: String, to length: Int = 140) -> String {
        guard text.count > length else { return text }
        let cut = text.prefix(length)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
    }

    /// The digest's entries: ids stable per flag version (and repeat).
    public static func entries(_ digest: Digest, context: DigestContext) -> [FeedEntry] {
        let keys = issuedKeys(digest)
        let base = "urn:panel:\(context.slug)"
        var entries: [FeedEntry] = []
        for flag in digest.flags {
            let key = keys[flag.id] ?? DigestComposer.key(flag)
            let link = context.link(for: flag)
            let html = "<p>\(escape(flag.message))</p>" + (link.map { "<p><a href=\"\(escape($0.url))\">\(escape($0.text))</a></p>" } ?? "")
                + "<p><code>\(escape(actions(flag)))</code></p>"
            entries.append(FeedEntry(
                id: "\(base):\(key)", title: "[\(flag.severity.rawValue), \(marker(flag, key: key, in: digest))] \(shortened(flag.message))",
                updated: key.contains(":r") ? digest.issuedAt : flag.changedAt, category: flag.severity.rawValue, content: html,
                link: link?.url ?? context.siteLink(for: flag)))
        }
        for flag in digest.resolved {
            entries.append(FeedEntry(
                id: "\(base):\(DigestComposer.key(flag))", title: "[resolved] \(shortened(flag.message))", updated: flag.changedAt, category: "resolved",
                content: "<p>\(escape(flag.message))</p><p>\(escape(flag.resolution ?? "resolved"))</p>", link: context.siteLink(for: flag)))
        }
        for reminder in digest.reminders {
            entries.append(FeedEntry(
                id: "\(base):reminder:\(DigestComposer.key(reminder))", title: "[reminder] \(reminder.assessment) \(reminder.stage)",
                updated: digest.issuedAt, category: "reminder", content: "<p>\(escape(reminder.text))</p>",
                link: context.siteURL.map { "\($0)/\(reminder.assessment).html" }))
        }
        return entries
    }

    /// The entries of a feed written before (newest first), to keep across runs. A file that is not
    /// an Atom feed is an error, not an empty feed: overwriting it would lose its entries unsaid.
    public static func previousEntries(_ bytes: [UInt8], source: String) throws -> [FeedEntry] {
        let document = try PanelXMLParser().document(bytes: bytes, source: source)
        guard let root = document.root, root.localName == "feed", root.namespaceURI == "http://www.w3.org/2005/Atom" else {
            throw XMLParseError(source: source, reason: .rejectedByCaller,
                                diagnostic: XMLDiagnostic(severity: .error, line: 1, column: 1,
                                                          message: "not an Atom feed, so its entries cannot be kept; move it aside and run again"))
        }
        return root.elementChildren.filter { $0.localName == "entry" }.compactMap { entry in
            func text(_ name: String) -> String? { entry.elementChildren.first { $0.localName == name }?.stringValue }
            guard let id = text("id"), let title = text("title"), let updated = text("updated") else { return nil }
            let category = entry.elementChildren.first { $0.localName == "category" }?.attribute("term") ?? "info"
            let link = entry.elementChildren.first { $0.localName == "link" && ($0.attribute("rel") ?? "alternate") == "alternate" }?.attribute("href")
            return FeedEntry(id: id, title: title, updated: updated, category: category, content: text("content") ?? "", link: link)
        }
    }

    /// An Atom 1.0 feed (RFC 4287) as a subscription: a stable feed id per workspace, the last
    /// `keep` entries across runs (new ones first, an entry id never twice), `self` and
    /// `alternate` links when the site's URL is known, entry content as escaped HTML.
    public static func atom(_ digest: Digest, context: DigestContext, previous: [FeedEntry] = [], keep: Int = 50) -> String {
        let fresh = entries(digest, context: context)
        let freshIDs = Set(fresh.map(\.id))
        let all = Array((fresh + previous.filter { !freshIDs.contains($0.id) }).prefix(max(keep, 1)))
        let writer = XMLWriter()
        writer.startElement("feed", namespace: "http://www.w3.org/2005/Atom")
        writer.element("id", text: "urn:panel:\(context.slug):feed")
        writer.element("title", text: "\(context.workspace): early-warning flags")
        writer.element("updated", text: all.map(\.updated).max() ?? digest.issuedAt)
        if let site = context.siteURL {
            writer.element("link", attributes: [("rel", "self"), ("type", "application/atom+xml"), ("href", "\(site)/feed.atom")])
            writer.element("link", attributes: [("rel", "alternate"), ("type", "text/html"), ("href", "\(site)/index.html")])
        }
        if let anchor = anchorText(digest) { writer.element("subtitle", text: anchor) }
        writer.startElement("author")
        writer.element("name", text: "\(context.workspace) (panel)")
        writer.endElement()
        for entry in all {
            writer.startElement("entry")
            writer.element("id", text: entry.id)
            writer.element("title", text: entry.title)
            writer.element("updated", text: entry.updated)
            if let link = entry.link { writer.element("link", attributes: [("rel", "alternate"), ("type", "text/html"), ("href", link)]) }
            writer.element("category", attributes: [("term", entry.category)])
            writer.element("content", attributes: [("type", "html")], text: entry.content)
            writer.endElement()
        }
        writer.endElement()
        return writer.finish() ?? ""
    }
}
