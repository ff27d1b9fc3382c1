import ArgumentParser
import Foundation
import PanelCore

/// The README's main job, on the shipped fixtures, in a fresh workspace:
/// every step is the real command, run in-process, printing what it prints.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the main job on the shipped fixtures in a fresh workspace, showing each step.",
        discussion: "Creates a workspace (a temporary folder unless --into is given) and runs ingest, search, show and audit there.")

    @Option(help: ArgumentHelp("The fixtures folder of a panel checkout.", valueName: "DIR"))
    var fixtures: String = "fixtures"

    @Option(help: ArgumentHelp("Create the workspace here (must not exist yet) and keep it.", valueName: "DIR"))
    var into: String?

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
        try Init.parse([directory, "--config", fixturesURL.appendingPathComponent("panel.yaml").path]).run()

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
            try AdvanceCommand.parse(ws + ["A-2026-001", "--as", "exp-01", "--now", opened]).run()
        } catch let code as ExitCode where code == Exit.refused {
            Console.out("(exit code 3: refused, as expected)")
        }
        try ExplainCommand.parse(ws + ["A-2026-001", "--as", "exp-01", "--now", opened]).run()

        step("Fifteen days later every requirement holds, and the co-chair advances it")
        try AdvanceCommand.parse(ws + ["A-2026-001", "--as", "exp-01", "--now", later]).run()
        try StatusCommand.parse(ws + ["--now", later]).run()

        step("Ingest every reference document under \(references)")
        try Refs.Ingest.parse(ws + [references, "--quiet"]).run()

        step("Ingest the same folder again: nothing is added twice")
        try Refs.Ingest.parse(ws + [references, "--quiet"]).run()

        step("Ingest hostile and broken files: each is rejected with its reason, nothing is stored")
        do {
            try Refs.Ingest.parse(ws + [bad, "--quiet"]).run()
        } catch let code as ExitCode where code == Exit.badInput {
            Console.out("(exit code 2: files were rejected, as expected)")
        }

        step("Search: election disinformation")
        try Refs.Search.parse(ws + ["election disinformation", "--limit", "3"]).run()

        step("Search PubMed records only: privacy")
        try Refs.Search.parse(ws + ["privacy", "--source", "pubmed", "--limit", "3"]).run()

        step("Show one reference by its DOI")
        try Refs.Show.parse(ws + ["10.5555/jaigs.2025.0142"]).run()

        step("Verify the tamper-evident event log")
        try Audit.Verify.parse(ws).run()

        step("Done")
        Console.out("Workspace kept at \(directory); explore it with: panel --help, e.g.")
        Console.out("  swift run panel refs list --workspace \(directory)")
        Console.out("  swift run panel log --workspace \(directory)")
    }

    private func step(_ title: String) {
        Console.out("\n== \(title)")
    }
}
