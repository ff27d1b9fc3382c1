import ArgumentParser
import Foundation
import PanelCore

extension CommandContext {
    var workflows: [String: Workflow] {
        get throws {
            if let loaded = definitions.workflows { return loaded }
            let loaded = try Console.run { try workspace.workflows() }
            definitions.workflows = loaded
            return loaded
        }
    }

    var members: [Member] {
        get throws { try store.members() }
    }

    func assessment(_ id: String) throws -> Assessment {
        guard let assessment = try store.assessment(id) else {
            throw CommandFailure.badInput("no assessment '\(id)' (see: panel assessment list)")
        }
        return assessment
    }

    func workflow(for assessment: Assessment) throws -> Workflow {
        guard let workflow = try workflows[assessment.workflow] else {
            throw CommandFailure.failure("\(assessment.id) follows workflow '\(assessment.workflow)', which is not in \(workspace.workflowsURL.path)")
        }
        return workflow
    }
}

struct AssessmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assessment",
        abstract: "Assessments: open one, list them, show one.",
        subcommands: [New.self, List.self, Show.self])
}

extension AssessmentAuthor: ExpressibleByArgument {
    /// `MEMBER:ROLE`, e.g. `exp-03:coordinating-lead-author`.
    public init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let role = AssessmentRole(rawValue: parts[1]) else { return nil }
        self.init(member: parts[0], role: role)
    }
}

extension AssessmentKind: ExpressibleByArgument {}
extension RiskDomain: ExpressibleByArgument {}
extension Likelihood: ExpressibleByArgument {}
extension TimeHorizon: ExpressibleByArgument {}

extension AssessmentCommand {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open an assessment under a workflow (co-chairs and vice-chairs).",
            discussion: """
                Authors and review editors are named as MEMBER:ROLE with ROLE one of \
                \(AssessmentRole.allCases.filter { $0 != .reviewer }.map(\.rawValue).joined(separator: ", ")).
                """)

        @OptionGroup var workspace: WorkspaceOptions

        @Option(help: "Title.") var title: String
        @Option(help: "risk, opportunity or impact.") var kind: AssessmentKind
        @Option(help: "One of: \(RiskDomain.allCases.map(\.rawValue).joined(separator: ", ")).") var domain: RiskDomain
        @Option(help: "Workflow id (e.g. annual-report, rapid-assessment).") var workflow: String
        @Option(name: .customLong("author"), help: ArgumentHelp("MEMBER:ROLE (repeat).", valueName: "MEMBER:ROLE"))
        var authors: [AssessmentAuthor] = []
        @Option(help: "Severity 1-5.") var severity: Int?
        @Option(help: "Calibrated likelihood: \(Likelihood.allCases.map(\.rawValue).joined(separator: ", ")).") var likelihood: Likelihood?
        @Option(help: "near-term, medium-term or long-term.") var horizon: TimeHorizon?
        @Option(name: .customLong("region"), help: "Region affected (repeat): a regional group or 'global'.") var regions: [String] = []

        func run() throws {
            let context = try CommandContext.load(workspace)
            let command = OpenAssessment(
                title: title, kind: kind, domain: domain, workflow: workflow, authors: authors,
                ratings: Ratings(severity: severity, likelihood: likelihood, horizon: horizon, regions: regions))
            let workflows = try context.workflows
            // The id is allocated inside the write: two chairs opening at once get two ids.
            let records = try context.decide { state in
                AssessmentDecisions.open(command, existing: try state.assessments(), workflows: workflows,
                                         members: try state.members(), actor: context.actor, now: context.clock.now())
            }
            if let opened = try records.first?.payload(as: AssessmentOpened.self)?.assessment {
                Console.out("opened \(opened.id) (\(opened.workflow), stage \(opened.stage)): \(opened.title)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List assessments.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let context = try CommandContext.load(workspace)
            let assessments = try Console.run { try context.store.assessments() }
            if output.format == .json {
                Console.out(try Console.json(assessments))
                return
            }
            if assessments.isEmpty { Console.out("no assessments (open one: panel assessment new)") }
            for assessment in assessments {
                Console.out("\(assessment.id)\t\(assessment.stage)\t\(assessment.kind.rawValue)\t\(assessment.domain.rawValue)\t\(assessment.title)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an assessment: stage, days in stage, authors, drafts, deadline, pending requirements.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "Assessment id, e.g. A-2026-001.") var id: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            let assessment = try context.assessment(id)
            let workflow = try context.workflow(for: assessment)
            let now = context.clock.now()
            let explanations = AssessmentDecisions.explain(assessment, workflow: workflow, members: try context.members, actor: nil, now: now)
            if output.format == .json {
                struct Shown: Encodable {
                    var assessment: Assessment
                    var daysInStage: Int
                    var deadline: String?
                    var transitions: [TransitionExplanation]
                }
                let deadline = workflow.stage(assessment.stage).flatMap { assessment.deadline(in: $0) }.map(Timestamp.format)
                Console.out(try Console.json(Shown(assessment: assessment, daysInStage: assessment.daysInStage(at: now),
                                               deadline: deadline, transitions: explanations)))
                return
            }
            Console.out("\(assessment.id)  \(assessment.title)")
            Console.out("  kind         \(assessment.kind.rawValue), \(assessment.domain.rawValue)")
            Console.out("  workflow     \(workflow.id): \(workflow.title)")
            Console.out("  stage        \(assessment.stage), \(assessment.daysInStage(at: now)) days (since \(assessment.stageEnteredAt))")
            if let stage = workflow.stage(assessment.stage), let deadline = assessment.deadline(in: stage) {
                let extended = assessment.extensions.isEmpty ? "" : " (extended \(assessment.extensions.reduce(0) { $0 + $1.days }) days)"
                Console.out("  deadline     \(Timestamp.format(deadline))\(extended)")
            }
            for role in AssessmentRole.allCases {
                let holders = assessment.members(with: role)
                if !holders.isEmpty { Console.out("  \(role.rawValue.padding(toLength: 25, withPad: " ", startingAt: 0)) \(holders.joined(separator: ", "))") }
            }
            let ratings = assessment.ratings
            Console.out("  ratings      severity \(ratings.severity.map(String.init) ?? "-"), likelihood \(ratings.likelihood?.rawValue ?? "-"), horizon \(ratings.horizon?.rawValue ?? "-"), regions \(ratings.regions.isEmpty ? "-" : ratings.regions.joined(separator: ", "))")
            for draft in assessment.drafts {
                Console.out("  draft \(draft.version)      \(draft.lines) lines, \(draft.statementCount) summary statements, \(draft.hash.prefix(12)), \(draft.submittedAt) by \(draft.submittedBy) (\(draft.stage))")
            }
            ExplainCommand.print(explanations)
        }
    }
}

struct DraftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft", abstract: "Drafts: submit a new version.", subcommands: [Submit.self])

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit a Markdown draft as the assessment's next immutable version.",
            discussion: "Summary statements are lines ending with a marker such as {#S1}; each id once per draft.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Argument(help: "Markdown file.") var file: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            guard let data = FileManager.default.contents(atPath: file) else {
                Console.error("\(file): cannot read the file")
                throw Exit.badInput
            }
            let bytes = [UInt8](data)
            let text: DraftText
            switch DraftText.read(bytes, file: file) {
            case .failure(let refusal):
                for reason in refusal.reasons { Console.error(reason) }
                throw Exit.badInput
            case .success(let read): text = read
            }
            let records = try context.decide(objects: [text.hash: bytes]) { state in
                let assessment = try state.assessment(id)
                return AssessmentDecisions.submitDraft(text, to: assessment, workflow: try context.workflow(for: assessment),
                                                       members: try state.members(), actor: context.actor, now: context.clock.now())
            }
            if let submitted = try records.first?.payload(as: DraftSubmitted.self) {
                let draft = submitted.draft
                Console.out("\(id) draft \(draft.version): \(draft.lines) lines, \(draft.statementCount) summary statements (\(submitted.statements.map(\.id).joined(separator: ", "))), \(draft.hash.prefix(12))")
            }
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Every assessment at a glance.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    struct Row: Encodable {
        var id: String
        var title: String
        var workflow: String
        var stage: String
        var daysInStage: Int
        var deadline: String?
        var drafts: Int
        var next: [String]
        var pending: Int
    }

    func run() throws {
        let context = try CommandContext.load(workspace)
        let (assessments, members) = try Console.run { (try context.store.assessments(), try context.store.members()) }
        let workflows = try context.workflows
        let now = context.clock.now()
        let rows = assessments.map { assessment -> Row in
            let workflow = workflows[assessment.workflow]
            let explanations = workflow.map { AssessmentDecisions.explain(assessment, workflow: $0, members: members, actor: nil, now: now) } ?? []
            let deadline = workflow?.stage(assessment.stage).flatMap { assessment.deadline(in: $0) }.map(Timestamp.format)
            return Row(id: assessment.id, title: assessment.title, workflow: assessment.workflow, stage: assessment.stage,
                       daysInStage: assessment.daysInStage(at: now), deadline: deadline, drafts: assessment.drafts.count,
                       next: explanations.map(\.to), pending: explanations.map { $0.unmet.count }.min() ?? 0)
        }
        if output.format == .json {
            Console.out(try Console.json(rows))
            return
        }
        if rows.isEmpty { Console.out("no assessments") }
        for row in rows {
            let next = row.next.isEmpty ? "final" : "→ \(row.next.joined(separator: "|")) (\(row.pending == 0 ? "ready" : "\(row.pending) pending"))"
            Console.out("\(row.id)  \(row.stage) \(row.daysInStage)d  \(next)  \(row.title)")
        }
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Why an assessment can or cannot advance: every requirement with its current and needed value.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Assessment id.") var id: String

    func run() throws {
        let context = try CommandContext.load(workspace)
        let assessment = try context.assessment(id)
        let explanations = AssessmentDecisions.explain(
            assessment, workflow: try context.workflow(for: assessment), members: try context.members,
            actor: context.actor, now: context.clock.now())
        if output.format == .json {
            Console.out(try Console.json(explanations))
        } else {
            Console.out("\(assessment.id) is in \(assessment.stage)")
            Self.print(explanations)
        }
    }

    static func print(_ explanations: [TransitionExplanation]) {
        if explanations.isEmpty { Console.out("  final stage: nothing follows") }
        for explanation in explanations {
            let state = explanation.ready ? "ready" : "\(explanation.unmet.count) of \(explanation.requirements.count) requirements unmet"
            let who = explanation.actorMayAct.map { $0 ? "; you may advance it" : "; you may not advance it" } ?? ""
            Console.out("  → \(explanation.to): \(state) (by \(explanation.by.joined(separator: ", "))\(who))")
            for status in explanation.requirements {
                Console.out("      [\(status.met ? "x" : " ")] \(status.requirement): \(status.current)\(status.met ? "" : ", needs \(status.needed)")")
            }
        }
    }
}

struct AdvanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advance",
        abstract: "Move an assessment to its next stage when every requirement holds; otherwise list what is missing (exit 3).")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Assessment id.") var id: String
    @Option(help: "Target stage, when the current stage has several ways out.") var to: String?
    @ArgumentParser.Flag(help: "Decide and report, but record nothing.") var dryRun = false

    func run() throws {
        let context = try CommandContext.load(workspace)
        if !dryRun {
            try advance(context)
            return
        }
        let assessment = try context.assessment(id)
        let decision = AssessmentDecisions.advance(
            assessment, to: to, workflow: try context.workflow(for: assessment), members: try context.members,
            actor: context.actor, now: context.clock.now())
        switch decision {
        case .failure(let refusal):
            Console.out("\(id) would not advance:")
            for reason in refusal.reasons { Console.out("  - \(reason)") }
            throw Exit.refused
        case .success(let events):
            var target = "?"
            if case .stageAdvanced(let advanced)? = events.first?.event { target = advanced.to }
            Console.out("\(id) would advance from \(assessment.stage) to \(target) (dry run: nothing recorded)")
        }
    }

    /// Reads the assessment, decides and records in one write: of two chairs
    /// advancing at once, the second decides on the stage the first left.
    private func advance(_ context: CommandContext) throws {
        var stage = ""
        do {
            let records = try context.decide { state in
                let assessment = try state.assessment(id)
                stage = assessment.stage
                return AssessmentDecisions.advance(
                    assessment, to: to, workflow: try context.workflow(for: assessment), members: try state.members(),
                    actor: context.actor, now: context.clock.now())
            }
            if let advanced = try records.first?.payload(as: StageAdvanced.self) {
                Console.out("\(id) advanced from \(advanced.from) to \(advanced.to)")
            }
        } catch let refusal as Refusal {
            Console.error("\(id) cannot advance from \(stage):")
            for reason in refusal.reasons { Console.error("  - \(reason)") }
            throw Exit.refused
        }
    }
}

struct ExtendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend", abstract: "Extend the current stage's deadline (co-chairs and vice-chairs).")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Assessment id.") var id: String
    @Option(help: "Days to add.") var days: Int
    @Option(help: "Why (recorded).") var reason: String

    func run() throws {
        let context = try CommandContext.load(workspace)
        try context.decide { state in
            let assessment = try state.assessment(id)
            return AssessmentDecisions.extend(
                assessment, days: days, reason: reason, workflow: try context.workflow(for: assessment),
                members: try state.members(), actor: context.actor, now: context.clock.now())
        }
        let updated = try context.assessment(id)
        if let stage = try context.workflow(for: updated).stage(updated.stage), let deadline = updated.deadline(in: stage) {
            Console.out("\(id): deadline of \(updated.stage) is now \(Timestamp.format(deadline))")
        }
    }
}
