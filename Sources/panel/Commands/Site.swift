import ArgumentParser
import Foundation
import PanelCore

struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Write a static site of the panel's work: every assessment, open flags, the latest digest, approved records.",
        discussion: """
            Self-contained pages (no JavaScript, no network) for the secretariat's web server: index.html with \
            every assessment (stage, days in it, deadline, a stage timeline, review progress), the open flags \
            by severity and the latest digest; one page per assessment, with its public review record once \
            approved (reviewers as the public sees them). A page is rewritten only when it changed.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "The folder to write (created if missing).") var out: String

    func run() throws {
        let context = try CommandContext.load(workspace)
        let folder = URL(fileURLWithPath: out)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CommandFailure.badInput("--out \(out): a file, not a folder; the site is a folder of pages")
        }
        let written = try Self.build(context: context, into: folder)
        Console.out("site: \(counted(written.total, "page")) in \(folder.path), \(written.changed) changed")
    }

    /// Builds the site into `folder`; returns how many pages it has and how many were (re)written.
    static func build(context: CommandContext, into folder: URL) throws -> (total: Int, changed: Int) {
        let store = context.store
        let workflows = try context.workflows
        let now = context.clock.now()
        let members = try context.members
        var entries: [SiteBuilder.Entry] = []
        for assessment in try context.assessments {
            let advanced = try store.events(about: assessment.id, type: StageAdvanced.type).compactMap { record in
                try record.payload(as: StageAdvanced.self).map { (stage: $0.to, at: record.time) }
            }
            let initial = workflows[assessment.workflow]?.initial ?? assessment.stage
            let comments = try store.comments(of: assessment.id)
            var record: ReviewRecord?
            if assessment.withdrawn == nil, workflows[assessment.workflow]?.stage(assessment.stage)?.final == true {
                let names = ReviewerNames(assessment: assessment, workflow: workflows[assessment.workflow], audience: .authors)
                record = ReviewRecord(assessment: assessment, reviews: try store.reviews(of: assessment.id), comments: comments,
                                      names: names, members: members)
            }
            entries.append(SiteBuilder.Entry(
                assessment: assessment, stages: [(initial, assessment.openedAt)] + advanced, record: record,
                comments: (comments.count, comments.filter { $0.response != nil }.count)))
        }
        let latest = try store.digests(limit: 1).first
        let latestAt = try latest.flatMap { try store.events(about: $0.id, type: DigestIssued.type).first?.time }
        let config = context.workspace.config
        let flags = Array(try store.flags().values)
        var references: [String: Reference] = [:]
        for flag in flags where flag.subject.hasPrefix("ref-") {
            if let reference = try store.reference(matching: flag.subject) { references[flag.subject] = reference }
        }
        var builder = SiteBuilder(
            title: config.name, entries: entries, workflows: workflows, flags: flags, silences: try store.silences(),
            latestDigest: latest, latestDigestAt: latestAt,
            hasDigestPage: FileManager.default.fileExists(atPath: folder.appendingPathComponent("digest.html").path),
            context: DigestContext(workspace: config.name, timezone: config.timezone, siteURL: config.siteURL, references: references,
                                   key: try context.feedKey()), now: now)
        builder.names = Dictionary(members.filter(\.isPanelMember).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var changed = 0
        let pages = builder.pages()
        // The site is public: it passes through the visibility policy as the public sees it (the
        // authors' view of every assessment), whoever builds it, so a chair's cron leaks no reviewer.
        let redactor = try context.publicRedactor()
        for (name, html) in pages.sorted(by: { $0.key < $1.key }) {
            let shown = redactor.apply(html)
            let path = folder.appendingPathComponent(name)
            if FileManager.default.contents(atPath: path.path) == Data(shown.utf8) { continue }
            try Data(shown.utf8).write(to: path, options: .atomic)
            changed += 1
        }
        return (pages.count, changed)
    }
}
