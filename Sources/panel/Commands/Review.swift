import ArgumentParser
import Foundation
import PanelCore

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Reviews: assign reviewers, submit review files, list reviews.",
        subcommands: [Assign.self, Submit.self, List.self, Extend.self, Close.self, Reopen.self])

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assign",
            abstract: "Assign reviewers in the current stage: automatically, or by name.",
            discussion: """
                --auto picks eligible reviewers deterministically: never an author or review editor, never \
                someone with a declared conflict (the assessment, an author, an author's organisation), by \
                default never someone sharing an author's affiliation, and not the co-chairs or vice-chairs \
                unless --include-chairs; the workflow's minimum of regional groups first, then reviewers whose \
                expertise tags fit the assessment's domain, then the least loaded. --explain says why each was \
                chosen. The count defaults to what the stage's min-reviews still needs. Deadlines come from the \
                stage's review window.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @ArgumentParser.Flag(help: "Choose reviewers automatically.") var auto = false
        @Option(help: "How many to choose with --auto.") var count: Int?
        @Option(name: .customLong("reviewer"), parsing: .upToNextOption, help: "Assign these reviewers.") var reviewers: [String] = []
        @Option(help: "Most open reviews one reviewer may carry.") var maxLoad: Int = 5
        @ArgumentParser.Flag(help: "Allow reviewers who share an affiliation with an author.") var allowSameAffiliation = false
        @ArgumentParser.Flag(help: "Let --auto choose co-chairs and vice-chairs too.") var includeChairs = false
        @ArgumentParser.Flag(help: "Say why each reviewer was chosen.") var explain = false

        func validate() throws {
            if auto == !reviewers.isEmpty { throw ValidationError("use either --auto or --reviewer M...") }
            if includeChairs && !auto { throw ValidationError("--include-chairs goes with --auto") }
            if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let request = AssignmentRequest(who: auto ? .automatic(count: count) : .named(reviewers), maxLoad: maxLoad,
                                            allowSameAffiliation: allowSameAffiliation, includeChairs: includeChairs)
            let records = try context.decide { state in
                let assessment = try state.assessment(id)
                return ReviewDecisions.assign(
                    request, to: assessment, workflow: try context.workflow(for: assessment), members: try state.members(),
                    assessments: try state.assessments(), actor: context.actor, now: context.clock.now())
            }
            if let assigned = try records.first?.payload(as: ReviewersAssigned.self) {
                Console.out("\(id) \(assigned.stage): assigned \(assigned.reviewers.joined(separator: ", ")) (reviews due \(assigned.deadline))")
                if explain {
                    let assessment = try context.assessment(id)
                    for reason in ReviewDecisions.assignmentReasons(assigned.reviewers, for: assessment, members: try context.members,
                                                                    assessments: try context.store.assessments()) {
                        Console.out("  \(reason)")
                    }
                }
            }
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit",
            abstract: "Validate and record review files (YAML, CSV or an .xlsx workbook) or response matrices; the files stay where they are.",
            discussion: """
                The same file twice is recorded once. Exit 2 when any file was rejected.
                A workbook is read from its first sheet with a review's columns (assessment, draft, reviewer, \
                recommendation, From Line, To Line, kind, comment; title rows above the header are skipped), \
                or from the sheet named with --sheet.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Review files.") var files: [String]
        @Option(help: "The sheet to read in .xlsx workbooks (default: the first with a review's or a matrix's columns).")
        var sheet: String?

        func run() throws {
            let context = try CommandContext.load(workspace)
            context.sweepDebris()
            let intake = context.intake(workflows: try context.workflows)
            var outcomes: [ReviewIntake.Outcome] = []
            for file in files {
                let outcome = try intake.submit(file, sheet: sheet)
                outcomes.append(outcome)
                Inbox.report(file, outcome)
            }
            try Inbox.exit(for: outcomes)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List an assessment's reviews (reviewers as your audience may see them).")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Assessment id.") var id: String
        @Option(help: "chairs or authors (default: from --as).") var audience: Audience?

        func run() throws {
            let context = try CommandContext.load(workspace)
            let assessment = try context.assessment(id)
            let chosen = try Visibility.resolve(audience, for: context.identity, on: assessment, members: try context.members).get()
            let names = ReviewerNames(assessment: assessment, workflow: try context.workflow(for: assessment), audience: chosen)
            let reviews = try Console.run { try context.store.reviews(of: id) }.map { review -> Review in
                var shown = review
                shown.reviewer = names.label(review.reviewer, stage: review.stage)
                // The file's hash would identify the reviewer: the file can be rebuilt from what
                // the authors see, once for each member's id, until the hash comes out.
                if chosen == .authors && shown.reviewer != review.reviewer { shown.file = Log.withheld }
                return shown
            }
            if output.format == .json {
                Console.out(try Console.json(reviews))
                return
            }
            if reviews.isEmpty { Console.out("no reviews of \(id)") }
            for review in reviews {
                Console.out("\(review.reviewer)\t\(review.stage)\tdraft \(review.draft)\t\(review.recommendation.rawValue)\t\(counted(review.comments.count, "comment"))\(review.late ? "\tlate" : "")")
            }
        }
    }
}
