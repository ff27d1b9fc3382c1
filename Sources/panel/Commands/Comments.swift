import ArgumentParser
import Foundation
import PanelCore

struct Comments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comments",
        abstract: "The comment matrix: export it for the authors, import it with responses.", subcommands: [Export.self, Import.self])

    struct Export: ParsableCommand {
        enum Style: String, ExpressibleByArgument, CaseIterable { case csv, json }

        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export every comment with its response (reviewers blinded for authors as the workflow says).",
            discussion: "Columns: \(HelpText.list(CommentMatrix.columns, separator: ",")).")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Option(help: "csv or json.") var format: Style = .csv
        @Option(help: "chairs or authors (default: from --as).") var audience: Audience?
        @Option(help: "Write to this file (atomically) instead of standard output.") var out: String?

        func run() throws {
            let context = try CommandContext.load(workspace)
            let assessment = try context.assessment(id)
            let chosen = try Visibility.resolve(audience, for: context.identity, on: assessment, members: try context.members).get()
            let names = ReviewerNames(assessment: assessment, workflow: try context.workflow(for: assessment), audience: chosen)
            let rows = CommentMatrix.rows(try Console.run { try context.store.comments(of: id) }, assessment: assessment, names: names)
            let text = format == .csv ? CommentMatrix.csv(rows) : try Console.json(rows) + "\n"
            try Console.write(text, to: out)
            if let out { Console.out("\(rows.count) comments written to \(out)") }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Record the responses filled into a comment matrix (authors or chairs); any bad row and nothing is imported.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The matrix, as exported (CSV, or re-saved as .xlsx), with response and response_text filled in.")
        var file: String
        @Option(help: "The sheet to read in an .xlsx workbook (default: the first with comment_id as its first column).")
        var sheet: String?

        func run() throws {
            let context = try CommandContext.load(workspace)
            let intake = context.intake(workflows: try context.workflows)
            let outcome = try Console.run { try intake.submit(file, sheet: sheet) }
            Inbox.report(file, outcome)
            try Inbox.exit(for: [outcome])
        }
    }
}
