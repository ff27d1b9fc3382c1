import Foundation

/// A static, self-contained site of the panel's work for the secretariat's web server: no
/// JavaScript, no network, inline CSS that prints well. Pure: state in, pages out; reviewers
/// appear as the authors' (public) audience sees them.
public struct SiteBuilder {
    /// One assessment with what its pages need beyond the fold.
    public struct Entry: Sendable {
        public var assessment: Assessment
        /// When it entered each stage, oldest first (the first is when it was opened).
        public var stages: [(stage: String, at: String)]
        /// The public review record, for an approved assessment.
        public var record: ReviewRecord?
        /// Comments received and answered.
        public var comments: (total: Int, answered: Int)

        public init(assessment: Assessment, stages: [(stage: String, at: String)], record: ReviewRecord?, comments: (total: Int, answered: Int)) {
            self.assessment = assessment
            self.stages = stages
            self.record = record
            self.comments = comments
        }
    }

    public var title: String
    public var entries: [Entry]
    public var workflows: [String: Workflow]
    public var flags: [Flag]
    public var silences: [Silence]
    public var latestDigest: DigestIssued?
    public var latestDigestAt: String?
    /// Whether `digest.html` sits beside the index (the cron job writes it there).
    public var hasDigestPage: Bool
    public var context: DigestContext
    public var now: Date
    /// Names of the panel's members, shown for their ids.
    public var names: [String: String] = [:]

    public init(title: String, entries: [Entry], workflows: [String: Workflow], flags: [Flag], silences: [Silence],
                latestDigest: DigestIssued?, latestDigestAt: String?, hasDigestPage: Bool, context: DigestContext, now: Date) {
        self.title = title
        self.entries = entries
        self.workflows = workflows
        self.flags = flags
        self.silences = silences
        self.latestDigest = latestDigest
        self.latestDigestAt = latestDigestAt
        self.hasDigestPage = hasDigestPage
        self.context = context
        self.now = now
    }

    static func escape(_ text: String) -> String { DigestRenderer.escape(text) }

    static let style = DigestRenderer.style + """
        .stage{font-size:.9em}.timeline{display:block;max-width:100%;height:auto;margin:.4rem 0}
        .progress{color:#333}nav a{margin-right:1rem}
        """

    func page(_ title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>\(Self.style)</style>
        <link rel="alternate" type="application/atom+xml" title="Early-warning flags" href="feed.atom">
        </head><body>
        <nav aria-label="Site"><a href="index.html">All assessments</a><a href="flags.html">All flags</a>\(hasDigestPage ? "<a href=\"digest.html\">Latest digest</a>" : "")<a href="feed.atom">Feed (Atom)</a></nav>
        <main>
        \(body)
        <p class="note">Generated \(Self.escape(context.time.format(now))) by panel from the panel's event log.</p>
        </main></body></html>

        """
    }

    /// Every page, by file name.
    public func pages() -> [String: String] {
        var pages = ["index.html": index(), "flags.html": flagsPage()]
        for entry in entries { pages["\(entry.assessment.id).html"] = assessmentPage(entry) }
        return pages
    }

    func index() -> String {
        var body = "<h1>\(Self.escape(title))</h1>\n<h2>Assessments (\(entries.count))</h2>\n"
        if entries.isEmpty { body += "<p>No assessments yet.</p>\n" }
        for entry in entries { body += summary(entry, heading: "h3", link: true) }
        let open = flags.filter { [.open, .acknowledged].contains($0.state(at: now, silences: silences)) }
        body += "<h2>Open early-warning flags (\(open.count))</h2>\n"
        if open.isEmpty { body += "<p>None.</p>\n" }
        for group in DigestRenderer.groups(open) {
            let severity = group.severity.rawValue
            body += "<h3 class=\"\(severity)\">\(severity.capitalized) (\(group.rules.reduce(0) { $0 + $1.flags.count }))</h3>\n"
            for rule in group.rules {
                body += "<h4>\(Self.escape(rule.title)) <code class=\"id\">\(Self.escape(rule.rule))</code></h4>\n<ul>\n"
                for flag in rule.flags {
                    body += DigestRenderer.htmlItem(flag, marker: flag.state == .acknowledged ? "acknowledged" : "open", context: context, actionable: false)
                }
                body += "</ul>\n"
            }
        }
        body += "<h2>Latest digest</h2>\n"
        if let digest = latestDigest {
            let when = latestDigestAt.map { " issued \(Self.escape(context.time.format($0)))" } ?? ""
            let text = "\(digest.id)\(when): \(counted(digest.flags, "flag")), \(digest.resolved) resolved, \(counted(digest.reminders, "reminder"))"
            body += hasDigestPage ? "<p><a href=\"digest.html\">\(Self.escape(text))</a></p>\n" : "<p>\(Self.escape(text))</p>\n"
        } else {
            body += "<p>No digest issued yet.</p>\n"
        }
        return page(title, body: body)
    }

    /// Every flag, open and resolved, each with its anchor (the feed links here).
    func flagsPage() -> String {
        var body = "<h1>Early-warning flags</h1>\n"
        for state in [FlagState.open, .acknowledged, .silenced, .resolved] {
            let here = flags.filter { $0.state(at: now, silences: silences) == state }.sorted { ($1.severity, $0.rule, $0.id) < ($0.severity, $1.rule, $1.id) }
            body += "<h2>\(state.rawValue.capitalized) (\(here.count))</h2>\n"
            if here.isEmpty { body += "<p>None.</p>\n"; continue }
            body += "<ul>\n"
            for flag in here {
                let link = context.link(for: flag).map { " <a href=\"\(Self.escape($0.url))\">\(Self.escape($0.text))</a>" } ?? ""
                let resolution = flag.resolution.map { " <span class=\"note\">\(Self.escape($0))</span>" } ?? ""
                body += "<li id=\"\(Self.escape(flag.id))\"><strong>\(Self.escape(flag.severity.rawValue))</strong> \(Self.escape(flag.title)): "
                    + "\(Self.escape(flag.message))\(link)\(resolution) <code class=\"id\">\(Self.escape(flag.id))</code></li>\n"
            }
            body += "</ul>\n"
        }
        return page("Early-warning flags", body: body)
    }

    /// A statement's Markdown emphasis (`*likely*`) as HTML, everything else escaped.
    static func emphasis(_ text: String) -> String {
        let escaped = escape(text)
        return escaped.replacing(/\*([^*]+)\*/) { "<em>\($0.output.1)</em>" }
    }

    /// An assessment's line on the index (or the head of its own page).
    func summary(_ entry: Entry, heading: String, link: Bool) -> String {
        let assessment = entry.assessment
        let workflow = workflows[assessment.workflow]
        let stage = workflow?.stage(assessment.stage)
        let name = "\(assessment.id): \(assessment.title)"
        var out = "<\(heading) id=\"\(assessment.id)\">" + (link ? "<a href=\"\(assessment.id).html\">\(Self.escape(name))</a>" : Self.escape(name)) + "</\(heading)>\n"
        var facts = ["stage <strong>\(Self.escape(stage?.title ?? assessment.stage))</strong>, \(counted(assessment.daysInStage(at: now), "day")) in it"]
        if let stage, let deadline = assessment.deadline(in: stage) { facts.append("deadline \(Self.escape(context.time.format(deadline)))") }
        if let withdrawn = assessment.withdrawn { facts.append("withdrawn: \(Self.escape(withdrawn))") }
        out += "<p class=\"stage\">\(facts.joined(separator: "; "))</p>\n"
        out += timeline(entry)
        let here = assessment.currentAssignments
        let received = Set(assessment.expertReviews.filter { $0.stage == assessment.stage }.map(\.reviewer))
        let governments = assessment.governmentReviews.filter { $0.stage == assessment.stage }.count
        let reviews = stage?.allows(.review) == true || !here.isEmpty
            ? "Reviews received \(received.count) of \(here.count) assigned in this stage"
            : "\(counted(assessment.expertReviews.count, "expert review")) received in all"
        out += "<p class=\"progress\">\(reviews)"
            + (governments > 0 ? "; \(counted(governments, "member state")) commented" : "")
            + "; comments answered \(entry.comments.answered) of \(entry.comments.total).</p>\n"
        return out
    }

    /// The workflow's stages as an inline SVG: those passed, the current one, those ahead.
    func timeline(_ entry: Entry) -> String {
        let assessment = entry.assessment
        guard let workflow = workflows[assessment.workflow] else { return "" }
        let stages = workflow.stages.filter { !$0.final || $0.id == assessment.stage }
        let entered = Dictionary(entry.stages.map { ($0.stage, $0.at) }, uniquingKeysWith: { _, last in last })
        let step = 150, height = 64, width = max(step * stages.count, step)
        let currentIndex = stages.firstIndex { $0.id == assessment.stage } ?? 0
        var parts: [String] = []
        var described: [String] = []
        for (index, stage) in stages.enumerated() {
            let x = index * step + 12
            let state = index < currentIndex ? "passed" : index == currentIndex ? "current" : "ahead"
            let fill = state == "passed" ? "#2e6b30" : state == "current" ? "#00407a" : "#ffffff"
            if index > 0 { parts.append("<line x1=\"\(x - step + 12)\" y1=\"16\" x2=\"\(x)\" y2=\"16\" stroke=\"#777\" stroke-width=\"2\"/>") }
            parts.append("<circle cx=\"\(x)\" cy=\"16\" r=\"\(state == "current" ? 9 : 7)\" fill=\"\(fill)\" stroke=\"#333\" stroke-width=\"1.5\"/>")
            parts.append("<text x=\"\(x)\" y=\"42\" font-size=\"12\" text-anchor=\"start\" fill=\"#1a1a1a\"\(state == "current" ? " font-weight=\"bold\"" : "")>\(Self.escape(stage.id))</text>")
            let date = entered[stage.id].map { context.time.format($0).prefix(10) }.map(String.init)
            if let date, state != "ahead" { parts.append("<text x=\"\(x)\" y=\"58\" font-size=\"11\" fill=\"#444\">\(date)</text>") }
            described.append("\(stage.title) (\(state)\(date.map { ", entered \($0)" } ?? ""))")
        }
        let label = "Stages of \(assessment.id): " + described.joined(separator: "; ")
        return "<svg class=\"timeline\" role=\"img\" aria-label=\"\(Self.escape(label))\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<title>\(Self.escape(label))</title>" + parts.joined() + "</svg>\n"
    }

    func assessmentPage(_ entry: Entry) -> String {
        let assessment = entry.assessment
        var body = summary(entry, heading: "h1", link: false)
        body += "<h2>Team</h2>\n<ul>\n"
        for role in AssessmentRole.allCases where role != .reviewer {
            let holders = assessment.members(with: role)
            if !holders.isEmpty {
                body += "<li>\(Self.escape(role.rawValue)): \(Self.escape(holders.map { id in names[id].map { "\($0) (\(id))" } ?? id }.joined(separator: ", ")))</li>\n"
            }
        }
        body += "</ul>\n"
        if !assessment.statements.isEmpty {
            body += "<h2>Summary statements (latest draft)</h2>\n<ul>\n"
            for statement in assessment.statements {
                let decision = assessment.statementDecisions[statement.id]?.rawValue ?? "pending"
                body += "<li><strong>\(Self.escape(statement.id))</strong> [\(Self.escape(decision))] \(Self.emphasis(statement.text))</li>\n"
            }
            body += "</ul>\n"
        }
        if let record = entry.record { body += recordSection(record) }
        return page("\(assessment.id): \(assessment.title)", body: body)
    }

    /// The public review record (blinding applied when it was made).
    func recordSection(_ record: ReviewRecord) -> String {
        var out = "<h2>Review record</h2>\n"
        if !record.participation.isEmpty {
            out += "<table><caption>Who took part</caption><thead><tr><th scope=\"col\">stage</th><th scope=\"col\">expert reviewers</th><th scope=\"col\">member states</th><th scope=\"col\">comments</th></tr></thead><tbody>\n"
            for stage in record.participation {
                out += "<tr><td>\(Self.escape(stage.stage))</td><td>\(Self.escape(stage.reviewers.summary))</td><td>\(Self.escape(stage.states.summary))</td><td>\(Self.escape(stage.comments.summary))</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        for review in record.reviews {
            out += "<h3>\(Self.escape(review.reviewer)), \(Self.escape(review.stage)), draft \(review.draft): \(Self.escape(review.recommendation.rawValue))</h3>\n<ul>\n"
            for comment in review.comments {
                let lines = comment.fromLine == comment.toLine ? "line \(comment.fromLine)" : "lines \(comment.fromLine)-\(comment.toLine)"
                let response = comment.response.map { "<em>\(Self.escape($0.rawValue))</em>: \(Self.escape(comment.responseText ?? ""))" } ?? "<em>no response</em>"
                out += "<li>\(Self.escape(comment.commentID)) \(lines), \(Self.escape(comment.kind.rawValue)): \(Self.escape(comment.comment))<br>\(response)</li>\n"
            }
            out += "</ul>\n"
        }
        return out
    }
}
