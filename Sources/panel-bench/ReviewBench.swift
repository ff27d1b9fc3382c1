import ArgumentParser
import Foundation
import PanelCore
import PanelSQLite

/// The inbox at IPCC Working Group I scale, and the comment matrix export.
struct ReviewBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review files through the inbox, and comments export, at IPCC AR6 WGI scale.",
        discussion: """
            Builds a workspace with one assessment in review, --files registered and assigned external \
            reviewers, and --files review files of --comments comments each in the inbox (three in four \
            YAML, one in four CSV). Times 'panel inbox' and 'panel comments export' (CSV and JSON) as child \
            processes; as a reference in the same run, times reading and parsing the same files alone.
            """)

    @Option(help: "Review files (one reviewer each).") var files: Int = 2_000
    @Option(help: "Comments per file.") var comments: Int = 40
    @Option(help: "Workflow definitions (default: the checkout's workflows/).") var workflows: String?
    @Option(help: "Keep the workspace here instead of a temporary folder.") var scratch: String?
    @Option(help: ArgumentHelp("Also run on PostgreSQL (a schema of its own on this server), and compare.", valueName: "postgresql://USER@HOST:PORT/DATABASE"))
    var store: String?

    func run() throws {
        let manager = FileManager.default
        let root = scratch.map { URL(fileURLWithPath: $0) } ?? manager.temporaryDirectory.appendingPathComponent("panel-review-bench-\(getpid())")
        try? manager.removeItem(at: root)
        defer { if scratch == nil { try? manager.removeItem(at: root) } }
        let panel = try BenchWorkspace.panelBinary()
        let postgres = try store.map(BenchWorkspace.uniqueSchema)
        defer { if let postgres { try? BenchWorkspace.cleanUp(postgres) } }

        // The review files, written once and copied into each workspace's inbox.
        let reviews = root.appendingPathComponent("reviews")
        try manager.createDirectory(at: reviews, withIntermediateDirectories: true)
        let draftLines = Self.draftLines
        var bytes = 0
        var random = Corpus.Random(state: 11)
        for index in 1...files {
            let reviewer = String(format: "ext-%05d", index)
            let csv = index % 4 == 0
            let text = csv ? Self.csvReview(reviewer: reviewer, comments: comments, lines: draftLines, random: &random)
                : Self.yamlReview(reviewer: reviewer, comments: comments, lines: draftLines, random: &random)
            try Data(text.utf8).write(to: reviews.appendingPathComponent("review-\(reviewer).\(csv ? "csv" : "yaml")"))
            bytes += text.utf8.count
        }
        print(String(format: "generated: %d review files (%d comments, %.1f MB) from %d external reviewers", files, files * comments,
                     Double(bytes) / 1e6, files))

        // Reference: read and parse the same files, nothing else.
        let names = try manager.contentsOfDirectory(atPath: reviews.path).filter { $0.hasPrefix("review-") }.sorted()
        let parseStarted = Date()
        var parsedComments = 0
        for name in names {
            let path = reviews.appendingPathComponent(name).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            parsedComments += try ReviewFile.parse(text, file: path).comments.count
        }
        let parseSeconds = Date().timeIntervalSince(parseStarted)
        print("")
        print(String(format: "reference: read + parse only      %6.2f s  %7.0f files/s  (%d comments)", parseSeconds,
                     Double(names.count) / parseSeconds, parsedComments))

        var rates: [String: Double] = [:]
        for (label, url) in [("SQLite", nil)] + (postgres.map { [("PostgreSQL", $0)] } ?? []) {
            let folder = root.appendingPathComponent(label.lowercased())
            let workspace = try BenchWorkspace.make(at: folder, name: "review benchmark", workflows: workflows.map { URL(fileURLWithPath: $0) },
                                                    store: url)
            let store = try BenchWorkspace.open(workspace)
            _ = try Self.populate(store, workflows: try workspace.workflows(), reviewers: files)
            for name in names {
                try manager.copyItem(at: reviews.appendingPathComponent(name), to: workspace.inboxURL.appendingPathComponent(name))
            }
            let ws = ["--workspace", folder.path, "--now", "2026-04-05T09:00:00Z"]
            let intake = try ChildProcess.run(panel, ["inbox"] + ws + ["--as", "exp-01"])
            let processed = try manager.contentsOfDirectory(atPath: workspace.inboxURL.appendingPathComponent("processed").path).count
            let recorded = try store.comments(of: "A-2026-001").count
            let csvOut = folder.appendingPathComponent("matrix.csv").path
            let exportCSV = try ChildProcess.run(panel, ["comments", "export", "A-2026-001", "--as", "exp-01", "--out", csvOut] + ws)
            let exportJSON = try ChildProcess.run(panel, ["comments", "export", "A-2026-001", "--as", "exp-04", "--format", "json",
                                                          "--out", folder.appendingPathComponent("matrix.json").path] + ws)
            let exportedRows = try String(contentsOfFile: csvOut, encoding: .utf8).split(separator: "\n").count - 1
            rates[label] = Double(processed) / intake.seconds
            print("")
            print("[\(label)]")
            print(String(format: "panel inbox (whole process)       %6.2f s  %7.0f files/s  %d processed, %d comments recorded, exit %d  (target >= %d files/s)",
                         intake.seconds, Double(processed) / intake.seconds, processed, recorded, intake.status, label == "SQLite" ? 500 : 300))
            print(String(format: "  ratio inbox / parse-only         %6.2f x", intake.seconds / parseSeconds))
            print(String(format: "panel comments export (CSV)       %6.2f s  %d rows, peak RSS %.0f MB  (target < 2 s)", exportCSV.seconds, exportedRows, exportCSV.peakMB))
            print(String(format: "panel comments export (JSON, authors' view) %6.2f s  peak RSS %.0f MB", exportJSON.seconds, exportJSON.peakMB))
            if intake.status != 0 && intake.status != 2 { print(intake.output.suffix(600)) }
        }
        if let sqlite = rates["SQLite"], let postgres = rates["PostgreSQL"] {
            print(String(format: "\ninbox on PostgreSQL: %.2fx the SQLite rate", postgres / sqlite))
        }
    }

    static let draftLines = 2_000

    /// Roster, the reviewers, an assessment with a draft, in review, everyone assigned.
    static func populate(_ store: any PanelStore, workflows: [String: Workflow], reviewers count: Int) throws -> Int {
        let groups = RegionalGroup.allCases
        let members = (1...40).map { index in
            Member(id: String(format: "exp-%02d", index), name: "Member \(index)", nationality: "KE", group: groups[index % 5],
                   gender: .female, affiliation: "Institute \(index)", roles: index <= 2 ? [.coChair] : [.member])
        }
        let now = Timestamp.parse("2026-04-01T09:00:00Z")!
        try store.append(RosterDecisions.importRoster(members, current: [], actor: "secretariat", time: now, acceptingViolations: "generated benchmark roster").get())
        var events: [NewEvent] = []
        for index in 1...count {
            let reviewer = Member(id: String(format: "ext-%05d", index), name: "Reviewer \(index)", nationality: "BR",
                                  group: groups[index % 5], gender: index % 2 == 0 ? .female : .male, affiliation: "Lab \(index % 300)",
                                  roles: [], external: true)
            events += try ReviewDecisions.registerReviewer(reviewer, members: members, actor: "exp-01", now: now).get()
        }
        try store.append(events)
        let open = OpenAssessment(title: "Annual report chapter 3", kind: .risk, domain: .misinformation, workflow: "annual-report",
                                  authors: [AssessmentAuthor(member: "exp-03", role: .coordinatingLeadAuthor),
                                            AssessmentAuthor(member: "exp-04", role: .leadAuthor),
                                            AssessmentAuthor(member: "exp-05", role: .reviewEditor)], ratings: Ratings())
        try store.append(AssessmentDecisions.open(open, existing: [], workflows: workflows, members: members, actor: "exp-01", now: now).get())
        let lines = draftLines
        let text = (1...lines).map { "Line \($0) of the first-order draft, with its evidence and its caveats." }.joined(separator: "\n") + "\n"
        let draft = try DraftText.read(Array(text.utf8), file: "draft.md").get()
        let workflow = workflows["annual-report"]!
        try store.append(AssessmentDecisions.submitDraft(draft, to: try store.assessment("A-2026-001")!, workflow: workflow, members: members,
                                                         actor: "exp-03", now: now).get(), objects: [draft.hash: Array(text.utf8)])
        var assessment = try store.assessment("A-2026-001")!
        try store.append([NewEvent(StageAdvanced(assessment: assessment.id, from: assessment.stage, to: "first-order-draft", requirements: []),
                                   subject: assessment.id, actor: "exp-01", time: now)])
        assessment = try store.assessment("A-2026-001")!
        let ids = (1...count).map { String(format: "ext-%05d", $0) }
        try store.append(ReviewDecisions.assign(AssignmentRequest(who: .named(ids)), to: assessment, workflow: workflow,
                                                members: try store.members(), assessments: [], actor: "exp-01", now: now).get())
        return lines
    }

    static func yamlReview(reviewer: String, comments: Int, lines: Int, random: inout Corpus.Random) -> String {
        var text = "assessment: A-2026-001\ndraft: 1\nreviewer: \(reviewer)\nrecommendation: major-revisions\nconfidence: medium\n"
        text += "summary: |\n  \(Corpus.sentence(&random))\n  \(Corpus.sentence(&random))\ncomments:\n"
        for _ in 0..<comments {
            let from = random.int(1...(lines - 5))
            let kind = ["substantive", "editorial", "reference"][random.int(0...2)]
            text += "  - lines: \(from)-\(from + random.int(0...4))\n    kind: \(kind)\n    text: \"\(Corpus.sentence(&random)) \(Corpus.sentence(&random))\"\n"
        }
        return text
    }

    static func csvReview(reviewer: String, comments: Int, lines: Int, random: inout Corpus.Random) -> String {
        var text = "assessment,draft,reviewer,recommendation,from_line,to_line,kind,comment\n"
        for _ in 0..<comments {
            let from = random.int(1...(lines - 5))
            let kind = ["substantive", "editorial", "reference"][random.int(0...2)]
            text += "A-2026-001,1,\(reviewer),minor-revisions,\(from),\(from + random.int(0...4)),\(kind),\"\(Corpus.sentence(&random)), \(Corpus.sentence(&random))\"\n"
        }
        return text
    }
}
