import ArgumentParser
import Foundation
import PanelCore

struct AssessmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assessment",
        abstract: "Assessments: open one, list them, show one.",
        subcommands: [New.self, List.self, Show.self, Team.self, Withdraw.self])
}

extension AssessmentCommand {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Open an assessment under a workflow (co-chairs and vice-chairs).",
            discussion: """
                Authors and review editors are named as MEMBER:ROLE with ROLE one of \
                \(HelpText.authorRoles).
                """)

        @OptionGroup var workspace: WorkspaceOptions

        @Option(help: "Title.") var title: String
        @Option(help: "risk, opportunity or impact.") var kind: AssessmentKind
        @Option(help: "One of: \(RiskDomain.allCases.map(\.rawValue).joined(separator: ", ")).") var domain: RiskDomain
        @Option(help: "Workflow id (e.g. annual-report, rapid-assessment).") var workflow: String
        @Option(name: .customLong("author"), help: ArgumentHelp("MEMBER:ROLE (repeat).", valueName: "MEMBER:ROLE"),
                transform: AssessmentAuthor.parse)
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
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List assessments.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let context = try CommandContext.load(workspace)
            // The JSON listing is every assessment whole; the table reads outlines.
            let assessments = try output.format == .json ? context.assessments : context.outlines
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
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show an assessment: stage, days in stage, authors, drafts, deadline, pending requirements.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "Assessment id, e.g. A-2026-001.") var id: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            let assessment = try context.assessment(id)
            let workflow = try context.workflow(for: assessment)
            let now = context.clock.now()
            let (citations, cited) = try context.cited(by: assessment)
            let explanations = AssessmentDecisions.explain(assessment, workflow: workflow, members: try context.members, actor: nil, now: now,
                                                           citations: citations)
            if output.format == .json {
                struct Shown: Encodable {
                    var assessment: Assessment
                    var daysInStage: Int
                    var deadline: String?
                    var transitions: [TransitionExplanation]
                    var cites: [CitedReference]
                }
                let deadline = workflow.stage(assessment.stage).flatMap { assessment.deadline(in: $0) }.map(Timestamp.format)
                let audience = Visibility.audience(for: context.identity, on: assessment, members: try context.members)
                let shown = Visibility.shown(assessment, names: ReviewerNames(assessment: assessment, workflow: workflow, audience: audience))
                Console.out(try Console.json(Shown(assessment: shown, daysInStage: assessment.daysInStage(at: now),
                                               deadline: deadline, transitions: explanations, cites: cited)))
                return
            }
            Console.out("\(assessment.id)  \(assessment.title)")
            Console.out("  kind         \(assessment.kind.rawValue), \(assessment.domain.rawValue)")
            Console.out("  workflow     \(workflow.id): \(workflow.title)")
            Console.out("  stage        \(assessment.stage), \(counted(assessment.daysInStage(at: now), "day")) (since \(assessment.stageEnteredAt))")
            if let stage = workflow.stage(assessment.stage), let deadline = assessment.deadline(in: stage) {
                let extended = assessment.extensions.isEmpty ? "" : " (extended \(counted(assessment.extensions.reduce(0) { $0 + $1.days }, "day")))"
                Console.out("  deadline     \(Timestamp.format(deadline))\(extended)")
            }
            for role in AssessmentRole.allCases {
                let holders = assessment.members(with: role)
                if !holders.isEmpty { Console.out("  \(role.rawValue.padding(toLength: 25, withPad: " ", startingAt: 0)) \(holders.joined(separator: ", "))") }
            }
            let ratings = assessment.ratings
            Console.out("  ratings      severity \(ratings.severity.map(String.init) ?? "-"), likelihood \(ratings.likelihood?.rawValue ?? "-"), horizon \(ratings.horizon?.rawValue ?? "-"), regions \(ratings.regions.isEmpty ? "-" : ratings.regions.joined(separator: ", "))")
            // Assignments with their due dates, reviewers as this reader may see them.
            let audience = Visibility.audience(for: context.identity, on: assessment, members: try context.members)
            let names = ReviewerNames(assessment: assessment, workflow: workflow, audience: audience)
            let reviewed = Set(assessment.reviews.map { "\($0.stage):\($0.reviewer)" })
            for assignment in assessment.assignments {
                let state = reviewed.contains("\(assignment.stage):\(assignment.reviewer)") ? "review received (was due \(assignment.deadline))"
                    : (Timestamp.parse(assignment.deadline).map { $0 < now } ?? false) ? "overdue since \(assignment.deadline)"
                    : "due \(assignment.deadline)"
                Console.out("  reviewer     \(names.label(assignment.reviewer, stage: assignment.stage)) (\(assignment.stage)): \(state)")
            }
            for draft in assessment.drafts {
                Console.out("  draft \(draft.version)      \(draft.lines) lines, \(draft.statementCount) summary statements, \(draft.hash.prefix(12)), \(draft.submittedAt) by \(draft.submittedBy) (\(draft.stage))")
            }
            for entry in cited { Console.out("  cites        \(entry.shown)") }
            ExplainCommand.print(explanations)
        }
    }
}
