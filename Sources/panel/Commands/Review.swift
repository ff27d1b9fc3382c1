import ArgumentParser
import Foundation
import PanelCore

extension RegionalGroup: ExpressibleByArgument {}
extension Gender: ExpressibleByArgument {}
extension VoteChoice: ExpressibleByArgument {}
extension ResponseKind: ExpressibleByArgument {}
extension Audience: ExpressibleByArgument {}

struct Reviewers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "External expert reviewers (not panel members).", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an external expert reviewer (chairs).")

        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: "Id, e.g. ext-014.") var id: String
        @Option(help: "Full name.") var name: String
        @Option(help: "ISO 3166-1 alpha-2 code.") var nationality: String
        @Option(help: "UN regional group.") var group: RegionalGroup
        @Option(help: "female, male or non-binary.") var gender: Gender
        @Option(help: "Affiliation.") var affiliation: String
        @Option(name: .customLong("expertise"), help: "Expertise tag (repeat).") var expertise: [String] = []
        @Option(name: .customLong("conflict-organisation"), help: "Declared conflict with an organisation (repeat).") var organisations: [String] = []
        @Option(name: .customLong("conflict-member"), help: "Declared conflict with a member (repeat).") var conflictMembers: [String] = []
        @Option(name: .customLong("conflict-assessment"), help: "Declared conflict with an assessment (repeat).") var conflictAssessments: [String] = []

        func validate() throws {
            if id.range(of: #"^[a-z][a-z0-9-]*$"#, options: .regularExpression) == nil {
                throw ValidationError("--id must be lower-case letters, digits and dashes, not '\(id)'")
            }
            if nationality.range(of: #"^[A-Z]{2}$"#, options: .regularExpression) == nil {
                throw ValidationError("--nationality must be an ISO 3166-1 alpha-2 code such as KE, not '\(nationality)'")
            }
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let reviewer = Member(
                id: id, name: name, nationality: nationality, group: group, gender: gender, affiliation: affiliation,
                expertise: expertise, roles: [],
                conflicts: Conflicts(organisations: organisations, members: conflictMembers, assessments: conflictAssessments),
                external: true)
            try context.decide { state in
                ReviewDecisions.registerReviewer(reviewer, members: try state.members(), actor: context.actor, now: context.clock.now())
            }
            Console.out("registered external reviewer \(id) (\(name))")
        }
    }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Reviews: assign reviewers, submit review files, list reviews.",
        subcommands: [Assign.self, Submit.self, List.self])

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign reviewers in the current stage: automatically, or by name.",
            discussion: """
                --auto picks eligible reviewers deterministically: never an author or review editor, never \
                someone with a declared conflict (the assessment, an author, an author's organisation), by \
                default never someone sharing an author's affiliation; the workflow's minimum of regional \
                groups first, then the least loaded. The count defaults to what the stage's min-reviews still needs. \
                Deadlines come from the stage's review window.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @ArgumentParser.Flag(help: "Choose reviewers automatically.") var auto = false
        @Option(help: "How many to choose with --auto.") var count: Int?
        @Option(name: .customLong("reviewer"), parsing: .upToNextOption, help: "Assign these reviewers.") var reviewers: [String] = []
        @Option(help: "Most open reviews one reviewer may carry.") var maxLoad: Int = 5
        @ArgumentParser.Flag(help: "Allow reviewers who share an affiliation with an author.") var allowSameAffiliation = false

        func validate() throws {
            if auto == !reviewers.isEmpty { throw ValidationError("use either --auto or --reviewer M...") }
            if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let request = AssignmentRequest(who: auto ? .automatic(count: count) : .named(reviewers), maxLoad: maxLoad,
                                            allowSameAffiliation: allowSameAffiliation)
            let records = try context.decide { state in
                let assessment = try state.assessment(id)
                return ReviewDecisions.assign(
                    request, to: assessment, workflow: try context.workflow(for: assessment), members: try state.members(),
                    assessments: try state.assessments(), actor: context.actor, now: context.clock.now())
            }
            if let assigned = try records.first?.payload(as: ReviewersAssigned.self) {
                Console.out("\(id) \(assigned.stage): assigned \(assigned.reviewers.joined(separator: ", ")) (reviews due \(assigned.deadline))")
            }
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate and record review files (YAML or CSV) or response matrices; the files stay where they are.",
            discussion: "The same file twice is recorded once. Exit 2 when any file was rejected.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Review files.") var files: [String]

        func run() throws {
            let context = try CommandContext.load(workspace)
            context.sweepDebris()
            let intake = ReviewIntake(store: context.store, workflows: try context.workflows, clock: context.clock, actor: context.actor)
            var rejected = false
            for file in files {
                let outcome = try Console.run { try intake.submit(file) }
                if case .rejected = outcome { rejected = true }
                Inbox.report(file, outcome)
            }
            if rejected { throw Exit.badInput }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an assessment's reviews (reviewers as your audience may see them).")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Assessment id.") var id: String
        @Option(help: "chairs or authors (default: from --as).") var audience: Audience?

        func run() throws {
            let context = try CommandContext.load(workspace)
            let assessment = try context.assessment(id)
            let members = try context.members
            let names = ReviewerNames(assessment: assessment, workflow: try context.workflow(for: assessment),
                                      audience: audience ?? Audience.of(context.actor, on: assessment, members: members))
            let reviews = try Console.run { try context.store.reviews(of: id) }.map { review -> Review in
                var shown = review
                shown.reviewer = names.label(review.reviewer, stage: review.stage)
                return shown
            }
            if output.format == .json {
                Console.out(try Console.json(reviews))
                return
            }
            if reviews.isEmpty { Console.out("no reviews of \(id)") }
            for review in reviews {
                Console.out("\(review.reviewer)\t\(review.stage)\tdraft \(review.draft)\t\(review.recommendation.rawValue)\t\(review.comments.count) comments\(review.late ? "\tlate" : "")")
            }
        }
    }
}

struct Inbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Process every file in the inbox (for cron): record it and move it to processed/, or to rejected/ with NAME.reason.txt.",
        discussion: "Nothing is deleted; the same file twice is recorded once. Exit 2 when any file was rejected.")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Inbox folder (default: the workspace's inbox).") var directory: String?

    static func report(_ file: String, _ outcome: ReviewIntake.Outcome) {
        switch outcome {
        case .recorded(let review, let comments): Console.out("recorded   \(file): review \(review), \(comments) comments")
        case .responses(let assessment, let count): Console.out("recorded   \(file): \(count) responses on \(assessment)")
        case .alreadyReceived: Console.out("already    \(file): already received")
        case .rejected(let reasons):
            Console.out("rejected   \(file)")
            for reason in reasons { Console.out("           \(reason)") }
        }
    }

    func run() throws {
        let context = try CommandContext.load(workspace)
        context.sweepDebris()
        let inbox = directory.map { URL(fileURLWithPath: $0) } ?? context.workspace.inboxURL
        let intake = ReviewIntake(store: context.store, workflows: try context.workflows, clock: context.clock, actor: context.actor)
        let results = try Console.run { try intake.processInbox(inbox) }
        for (file, outcome) in results { Self.report(file, outcome) }
        let rejected = results.filter { if case .rejected = $0.outcome { true } else { false } }.count
        Console.out("\(results.count - rejected) recorded or already received, \(rejected) rejected")
        if rejected > 0 { throw Exit.badInput }
    }
}

struct Comments: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The comment matrix: export it for the authors, import it with responses.", subcommands: [Export.self, Import.self])

    struct Export: ParsableCommand {
        enum Style: String, ExpressibleByArgument, CaseIterable { case csv, json }

        static let configuration = CommandConfiguration(
            abstract: "Export every comment with its response (reviewers blinded for authors as the workflow says).",
            discussion: "Columns: \(CommentMatrix.columns.joined(separator: ",")).")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Option(help: "csv or json.") var format: Style = .csv
        @Option(help: "chairs or authors (default: from --as).") var audience: Audience?
        @Option(help: "Write to this file (atomically) instead of standard output.") var out: String?

        func run() throws {
            let context = try CommandContext.load(workspace)
            let assessment = try context.assessment(id)
            let members = try context.members
            let chosen = audience ?? Audience.of(context.actor, on: assessment, members: members)
            if chosen == .chairs && Audience.of(context.actor, on: assessment, members: members) != .chairs {
                Console.error("\(context.actor) may not see reviewers' identities; only chairs and review editors may")
                throw Exit.refused
            }
            let names = ReviewerNames(assessment: assessment, workflow: try context.workflow(for: assessment), audience: chosen)
            let rows = CommentMatrix.rows(try Console.run { try context.store.comments(of: id) }, assessment: assessment, names: names)
            let text = format == .csv ? CommentMatrix.csv(rows) : try Console.json(rows) + "\n"
            if let out {
                try Console.run { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) }
                Console.out("\(rows.count) comments written to \(out)")
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the responses filled into a comment matrix (authors or chairs); any bad row and nothing is imported.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The matrix, as exported, with response and response_text filled in.") var file: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            let intake = ReviewIntake(store: context.store, workflows: try context.workflows, clock: context.clock, actor: context.actor)
            let outcome = try Console.run { try intake.submit(file) }
            Inbox.report(file, outcome)
            if case .rejected = outcome { throw Exit.badInput }
        }
    }
}

struct Respond: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record the authors' response to one comment.")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Assessment id.") var id: String
    @Argument(help: "Comment id, e.g. C00012.") var comment: String
    @Option(help: "accepted, accepted-in-part, rejected or noted.") var response: ResponseKind
    @Option(help: "What was done, or why not.") var text: String = ""

    func run() throws {
        let context = try CommandContext.load(workspace)
        let entry = ResponseEntry(comment: comment, kind: response, text: text, location: SourceLocation(file: "--", line: 1, column: 1))
        try context.decide { state in
            ReviewDecisions.respond([entry], assessment: try state.assessment(id), comments: try state.comments(of: id),
                                    members: try state.members(), actor: context.actor, now: context.clock.now())
                .mapError { Refusal($0.problems.map(\.message)) }
        }
        Console.out("\(id) \(comment): \(response.rawValue)")
    }
}

struct SignOffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signoff",
        abstract: "A review editor states that every comment of the current stage got appropriate consideration.")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Assessment id.") var id: String

    func run() throws {
        let context = try CommandContext.load(workspace)
        var stage = ""
        try context.decide { state in
            let assessment = try state.assessment(id)
            stage = assessment.stage
            return ReviewDecisions.signOff(assessment, comments: try state.comments(of: id), members: try state.members(),
                                           actor: context.actor, now: context.clock.now())
        }
        Console.out("\(id): signed off \(stage) by \(context.actor)")
    }
}

struct VoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vote", abstract: "A member's vote on the assessment in a voting stage.")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Assessment id.") var id: String
    @Argument(help: "approve, object or abstain.") var choice: VoteChoice
    @Option(help: "Why (required to object).") var reason: String?

    func run() throws {
        let context = try CommandContext.load(workspace)
        try context.decide { state in
            let assessment = try state.assessment(id)
            return ReviewDecisions.vote(choice, reason: reason, on: assessment, workflow: try context.workflow(for: assessment),
                                        members: try state.members(), actor: context.actor, now: context.clock.now())
        }
        Console.out("\(id): \(context.actor) votes \(choice.rawValue)")
    }
}

struct StatementCommand: ParsableCommand {
    enum Decision: String, ExpressibleByArgument, CaseIterable {
        case approve, bracket, delete
        var value: StatementDecision {
            switch self {
            case .approve: .approved
            case .bracket: .bracketed
            case .delete: .deleted
            }
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "statement",
        abstract: "Record the plenary's decision on one summary statement, as read line by line (chairs).")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Assessment id.") var id: String
    @Argument(help: "Statement id, e.g. S3.") var statement: String
    @Argument(help: "approve, bracket or delete.") var decision: Decision
    @Option(help: "Why (required to bracket or delete).") var reason: String?

    func run() throws {
        let context = try CommandContext.load(workspace)
        try context.decide { state in
            let assessment = try state.assessment(id)
            return ReviewDecisions.decideStatement(
                statement, decision.value, reason: reason, on: assessment, workflow: try context.workflow(for: assessment),
                members: try state.members(), actor: context.actor, now: context.clock.now())
        }
        Console.out("\(id) \(statement): \(decision.value.rawValue)")
    }
}
