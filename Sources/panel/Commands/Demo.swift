import ArgumentParser
import Foundation
import PanelCore

/// The README's main job, on the shipped fixtures, in a fresh workspace:
/// every step is the real command, run in-process, printing what it prints.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the main job on the shipped fixtures in a fresh workspace, showing each step.",
        discussion: "Creates a workspace (a temporary folder unless --into is given) and runs ingest, search, show and audit there.")

    @Option(help: ArgumentHelp("The fixtures folder of a panel checkout.", valueName: "DIR"))
    var fixtures: String = "fixtures"

    @Option(help: ArgumentHelp("Create the workspace here (must not exist yet) and keep it.", valueName: "DIR"))
    var into: String?

    @Option(help: ArgumentHelp("Keep the demo's store in this PostgreSQL database instead of the embedded SQLite file (postgresql://USER@HOST:PORT/DATABASE?schema=NAME; a schema of its own, new).", valueName: "URL"))
    var store: String?

    func run() throws {
        let manager = FileManager.default
        let fixturesURL = URL(fileURLWithPath: fixtures).standardizedFileURL
        guard manager.fileExists(atPath: fixturesURL.appendingPathComponent("references").path) else {
            Console.error("\(fixtures): no fixtures/references here; run from a panel checkout or pass --fixtures DIR")
            throw Exit.badInput
        }
        let directory = into ?? manager.temporaryDirectory.appendingPathComponent("panel-demo-\(UUID().uuidString.prefix(8))").path
        let references = fixturesURL.appendingPathComponent("references").path
        let bad = fixturesURL.appendingPathComponent("references-bad").path
        let ws = ["--workspace", directory]

        step("Create a workspace with the fixtures' panel.yaml (it maps the incident-register format)")
        var config = fixturesURL.appendingPathComponent("panel.yaml").path
        var temporaryConfig: String?
        // The workspace keeps its own copy of panel.yaml: the temporary one goes once it is made.
        defer { if let temporaryConfig { try? manager.removeItem(atPath: temporaryConfig) } }
        if let store {
            // The fixtures' panel.yaml with its store line pointing at the database.
            let text = try String(contentsOfFile: config, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix("store:") ? "store: \"\(store)\"" : String($0) }
            config = manager.temporaryDirectory.appendingPathComponent("panel-demo-\(UUID().uuidString.prefix(8)).yaml").path
            try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: config))
            temporaryConfig = config
        }
        try Init.parse([directory, "--config", config, "--now", "2026-03-01T09:00:00Z"]).run()
        Console.out("""
            This is a demo workspace: its panel.yaml says 'identity: declared' (--as is believed, and every \
            event records that it was declared) and 'clock: settable' (--now is honoured). A real \
            workspace ('panel init') knows people by their OS login and keeps the system clock.
            """)

        let roster = fixturesURL.appendingPathComponent("panel/members.yaml").path
        let draft = fixturesURL.appendingPathComponent("drafts/disinformation-v1.md").path
        let opened = "2026-03-02T09:00:00Z"
        let later = "2026-03-17T09:00:00Z"

        step("Import the roster (40 fictional experts) and check it against resolution A/RES/79/325")
        try Members.Import.parse(ws + [roster, "--now", opened]).run()
        try Members.Check.parse(ws).run()

        step("Validate the workflows the workspace uses")
        try WorkflowCommand.Validate.parse(ws).run()

        step("Co-chair exp-01 opens an assessment under the annual-report workflow")
        try AssessmentCommand.New.parse(ws + [
            "--as", "exp-01", "--now", opened, "--title", "AI-enabled disinformation in electoral processes",
            "--kind", "risk", "--domain", "misinformation", "--workflow", "annual-report",
            "--author", "exp-03:coordinating-lead-author", "--author", "exp-08:lead-author", "--author", "exp-15:lead-author",
            "--author", "exp-22:review-editor", "--author", "exp-31:review-editor",
            "--severity", "4", "--likelihood", "likely", "--horizon", "near-term", "--region", "global",
        ]).run()

        step("The coordinating lead author submits the first draft")
        try DraftCommand.Submit.parse(ws + ["A-2026-001", draft, "--as", "exp-03", "--now", opened]).run()

        step("Advancing the same day is refused: scoping needs 14 days (exit 3)")
        do {
            try Console.run { try AdvanceCommand.parse(ws + ["A-2026-001", "--as", "exp-01", "--now", opened]).run() }
        } catch let code as ExitCode where code == Exit.refused {
            Console.out("(exit code 3: refused, as expected)")
        }
        try ExplainCommand.parse(ws + ["A-2026-001", "--as", "exp-01", "--now", opened]).run()

        step("Fifteen days later every requirement holds, and the co-chair advances it")
        try AdvanceCommand.parse(ws + ["A-2026-001", "--as", "exp-01", "--now", later]).run()
        try StatusCommand.parse(ws + ["--now", later]).run()

        try reviewCycle(ws: ws, directory: directory, fixtures: fixturesURL)

        let ingestDay = ["--now", "2026-04-10T09:00:00Z"]
        step("Ingest every reference document under \(references); the early-warning rules check each new document")
        try Refs.Ingest.parse(ws + ingestDay + [references, "--quiet"]).run()

        step("Ingest the same folder again: nothing is added twice")
        try Refs.Ingest.parse(ws + ingestDay + [references, "--quiet"]).run()

        step("Ingest hostile and broken files: each is rejected with its reason, nothing is stored")
        do {
            try Console.run { try Refs.Ingest.parse(ws + [bad, "--quiet"]).run() }
        } catch let code as ExitCode where code == Exit.badInput {
            Console.out("(exit code 2: files were rejected, as expected)")
        }

        try globalDialogue(ws: ws, fixtures: fixturesURL, at: ingestDay)

        step("Search: election disinformation")
        try Refs.Search.parse(ws + ["election disinformation", "--limit", "3"]).run()

        step("Search PubMed records only: privacy")
        try Refs.Search.parse(ws + ["privacy", "--source", "pubmed", "--limit", "3"]).run()

        step("Show one reference by its DOI")
        try Refs.Show.parse(ws + ["10.5555/jaigs.2025.0142"]).run()

        step("The flags the rules raised")
        try FlagsCommand.List.parse(ws + ingestDay).run()

        step("The cron job's digest: rules evaluated, every new flag and reminder issued once")
        try DigestCommand.parse(ws + ingestDay).run()

        step("The same digest again: nothing is issued twice")
        try DigestCommand.parse(ws + ingestDay).run()

        step("Verify the tamper-evident event log")
        try Audit.Verify.parse(ws).run()

        step("Done")
        Console.out("Workspace kept at \(directory); explore it with: panel --help, e.g.")
        Console.out("  swift run panel refs list --workspace \(directory)")
        Console.out("  swift run panel log --workspace \(directory)")
    }

    /// The experts' side, on a rapid assessment: assignment, reviews through the
    /// inbox (one rejected), the comment matrix and responses, sign-off,
    /// line-by-line approval, votes, approval, and the review record.
    private func reviewCycle(ws: [String], directory: String, fixtures: URL) throws {
        let manager = FileManager.default
        func at(_ day: Int) -> [String] { ["--now", String(format: "2026-04-%02dT09:00:00Z", day)] }

        step("Co-chair exp-01 opens a rapid assessment (an urgent early warning) and its lead author submits the draft")
        try AssessmentCommand.New.parse(ws + at(1) + [
            "--as", "exp-01", "--title", "Autonomous replication in open-weight agent systems", "--kind", "risk",
            "--domain", "ai-system-safety", "--workflow", "rapid-assessment", "--author", "exp-04:coordinating-lead-author",
            "--author", "exp-17:lead-author", "--author", "exp-26:review-editor", "--severity", "4",
            "--likelihood", "about-as-likely-as-not", "--horizon", "near-term", "--region", "global",
        ]).run()
        try DraftCommand.Submit.parse(ws + at(1) + ["A-2026-002", fixtures.appendingPathComponent("drafts/replication-v1.md").path, "--as", "exp-04"]).run()
        try AdvanceCommand.parse(ws + at(1) + ["A-2026-002", "--as", "exp-04"]).run()

        step("""
            The secretariat registers the focal points of three member states (Kenya, Germany, India): governments \
            comment on the draft alongside the experts, and their comments are published by state
            """)
        for (state, name) in [("KE", "Achieng Otieno"), ("DE", "Jonas Becker"), ("IN", "Meera Iyer")] {
            try Governments.Add.parse(ws + at(1) + ["--state", state, "--name", name, "--as", "exp-01"]).run()
        }

        step("Assign reviewers: an author is refused; then three eligible experts from three regional groups")
        do {
            try Console.run { try ReviewCommand.Assign.parse(ws + at(1) + ["A-2026-002", "--reviewer", "exp-17", "--as", "exp-01"]).run() }
        } catch let code as ExitCode where code == Exit.refused {
            Console.out("(exit code 3: refused, as expected)")
        }
        try ReviewCommand.Assign.parse(ws + at(1) + ["A-2026-002", "--reviewer", "exp-12", "exp-19", "exp-35", "--as", "exp-01"]).run()

        step("""
            Reviews arrive in the inbox (YAML and the IPCC CSV layout). exp-12 signed hers with her SSH key \
            (ssh-keygen -Y sign -n panel-review) and is recorded with the key's fingerprint; a copy changed after \
            signing is rejected; one review points at lines the draft does not have. Three governments' comments \
            come the same way
            """)
        let inbox = URL(fileURLWithPath: directory).appendingPathComponent("inbox")
        for relative in ["reviews/exp-12-replication.yaml", "reviews/exp-12-replication.yaml.sig",
                         "reviews/signatures/exp-12-altered.yaml", "reviews/signatures/exp-12-altered.yaml.sig",
                         "reviews/exp-19-replication.csv", "reviews/bad/exp-35-lines-out-of-range.yaml",
                         "reviews/governments/gov-ke-replication.yaml", "reviews/governments/gov-de-replication.csv",
                         "reviews/governments/gov-in-replication.yaml"] {
            let source = fixtures.appendingPathComponent(relative)
            try manager.copyItem(at: source, to: inbox.appendingPathComponent(source.lastPathComponent))
        }
        do {
            // The demo copied the files itself, so they are complete: no settling time.
            try Console.run { try Inbox.parse(ws + at(5) + ["--settle", "0"]).run() }
        } catch let code as ExitCode where code == Exit.badInput {
            Console.out("(exit code 2: two files rejected; they are in inbox/rejected/ with their reasons beside them)")
        }

        step("The authors get the comment matrix (double-blind: reviewers are R1, R2; governments are named, with their state)")
        let matrix = URL(fileURLWithPath: directory).appendingPathComponent("matrix-A-2026-002.csv")
        try Comments.Export.parse(ws + at(6) + ["A-2026-002", "--as", "exp-04", "--out", matrix.path]).run()
        let exported = try String(contentsOf: matrix, encoding: .utf8).split(separator: "\n")
        Console.out((exported.prefix(3) + exported.filter { $0.contains(",KE,") || $0.contains(",DE,") }.prefix(2)).joined(separator: "\n"))

        step("They fill in a response to every comment and bring the matrix back")
        let context = try CommandContext.load(WorkspaceOptions.parse(ws))
        let assessment = try context.assessment("A-2026-002")
        let names = ReviewerNames(assessment: assessment, workflow: try context.workflow(for: assessment), audience: .authors)
        var rows = CommentMatrix.rows(try context.store.comments(of: "A-2026-002"), assessment: assessment, names: names)
        for index in rows.indices {
            let substantive = rows[index].kind == .substantive
            rows[index].response = substantive ? .accepted : .noted
            rows[index].responseText = substantive ? "Revised in the text as suggested." : "Will be addressed in the final edit."
        }
        let answered = URL(fileURLWithPath: directory).appendingPathComponent("responses-A-2026-002.csv")
        try Data(CommentMatrix.csv(rows).utf8).write(to: answered)
        try Comments.Import.parse(ws + at(7) + [answered.path, "--as", "exp-04"]).run()

        step("Who took part: expert reviewers and member states by regional group and development status")
        try StatusCommand.parse(ws + at(8) + ["--detail", "A-2026-002"]).run()

        step("The review editor signs off, and the assessment moves to approval")
        try SignOffCommand.parse(ws + at(8) + ["A-2026-002", "--as", "exp-26"]).run()
        try AdvanceCommand.parse(ws + at(8) + ["A-2026-002", "--as", "exp-04"]).run()

        step("The plenary reads the summary line by line: S2 is bracketed, which blocks approval")
        try StatementCommand.parse(ws + at(9) + ["A-2026-002", "S1", "approve", "--as", "exp-01"]).run()
        try StatementCommand.parse(ws + at(9) + ["A-2026-002", "S2", "bracket", "--reason", "no agreement on the likelihood term", "--as", "exp-01"]).run()
        try StatementCommand.parse(ws + at(9) + ["A-2026-002", "S3", "approve", "--as", "exp-06"]).run()
        for member in 1...21 {
            let id = String(format: "exp-%02d", member)
            let arguments = member == 21 ? ["A-2026-002", "object", "--reason", "S2 overstates the evidence", "--as", id] : ["A-2026-002", "approve", "--as", id]
            try VoteCommand.parse(ws + at(9) + arguments).run()
        }
        do {
            try Console.run { try AdvanceCommand.parse(ws + at(9) + ["A-2026-002", "--to", "approved", "--as", "exp-01"]).run() }
        } catch let code as ExitCode where code == Exit.refused {
            Console.out("(exit code 3: refused while S2 is bracketed)")
        }

        step("S2 is agreed after revision in the room; the assessment is approved")
        try StatementCommand.parse(ws + at(10) + ["A-2026-002", "S2", "approve", "--as", "exp-01"]).run()
        try AdvanceCommand.parse(ws + at(10) + ["A-2026-002", "--to", "approved", "--as", "exp-01"]).run()

        step("The review record, as published for authors and the public (reviewers blinded)")
        let record = URL(fileURLWithPath: directory).appendingPathComponent("record-A-2026-002")
        try ExportCommand.parse(ws + at(10) + ["A-2026-002", "--dir", record.path, "--as", "exp-04"]).run()
        let markdown = try String(contentsOf: record.appendingPathComponent("record.md"), encoding: .utf8)
        let head = markdown.range(of: "\n## Participation").map { markdown[..<$0.lowerBound] } ?? markdown[...]
        Console.out(head.split(separator: "\n", omittingEmptySubsequences: false).prefix(30).joined(separator: "\n") + "\n")
        for section in ["## Participation", "## Government comments by state"] {
            if let start = markdown.range(of: section) {
                let rest = markdown[start.lowerBound...]
                let end = rest.dropFirst(3).range(of: "\n## ")?.lowerBound ?? rest.endIndex
                Console.out(String(rest[..<end]))
            }
        }
    }

    /// A chapter for the Global Dialogue: a call for evidence, calibrated language linted,
    /// citations resolved against the references just ingested.
    private func globalDialogue(ws: [String], fixtures: URL, at day: [String]) throws {
        step("Co-chair exp-01 opens an annual-report chapter on compute concentration; its scoping stage calls for evidence")
        try AssessmentCommand.New.parse(ws + day + [
            "--as", "exp-01", "--title", "Concentration of AI compute and developing economies", "--kind", "risk",
            "--domain", "socioeconomic-environmental", "--workflow", "annual-report",
            "--author", "exp-05:coordinating-lead-author", "--author", "exp-09:lead-author", "--author", "exp-33:lead-author",
            "--severity", "3", "--likelihood", "very-likely",
        ]).run()
        try Stakeholders.Add.parse(ws + day + ["--id", "stk-001", "--name", "Ana Souza", "--organisation", "Instituto Eleições Limpas",
                                               "--sector", "civil-society", "--country", "BR", "--as", "exp-01"]).run()
        try EvidenceCommand.Submit.parse(ws + day + [fixtures.appendingPathComponent("evidence/stk-001-compute-prices.yaml").path, "--as", "stk-001"]).run()
        try EvidenceCommand.Submit.parse(ws + day + [fixtures.appendingPathComponent("evidence/gov-ke-compute-access.yaml").path, "--as", "gov-ke"]).run()
        try EvidenceCommand.List.parse(ws + ["A-2026-003"]).run()

        step("The first draft's summary statements are linted against the IPCC AR5 uncertainty guidance (exit 2: findings)")
        try DraftCommand.Submit.parse(ws + day + ["A-2026-003", fixtures.appendingPathComponent("drafts/compute-concentration-v1.md").path, "--as", "exp-05"]).run()
        do {
            try Console.run { try DraftCommand.Lint.parse(ws + ["A-2026-003"]).run() }
        } catch let code as ExitCode where code == Exit.badInput {
            Console.out("(exit code 2: the lint found what to fix)")
        }

        step("The revised draft is calibrated and cites references; four resolve against the store, one is not ingested yet")
        try DraftCommand.Submit.parse(ws + day + ["A-2026-003", fixtures.appendingPathComponent("drafts/compute-concentration-v2.md").path, "--as", "exp-05"]).run()
        try DraftCommand.Lint.parse(ws + ["A-2026-003"]).run()
        try AssessmentCommand.Show.parse(ws + day + ["A-2026-003"]).run()
    }

    private func step(_ title: String) {
        Console.out("\n== \(title)")
    }
}
