import ArgumentParser
import Foundation
import PanelCore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Every assessment at a glance; with --detail ID, who took part in its review stages.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Participation figures of one assessment: reviewers, member states and comments by regional group and development status.")
    var detail: String?

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
        var withdrawn: String?
    }

    func run() throws {
        let context = try CommandContext.load(workspace, access: .readOnly, prefetchingWorkflows: true)
        if let detail { return try Self.detail(detail, context: context, format: output.format) }
        let (workflows, members) = (try context.workflows, try context.members)
        // Statements only where the stage's requirements read them: they are most of each record.
        let assessments = try context.store.assessments(withStatements: { workflows[$0.workflow]?.readsStatements(at: $0.stage) ?? true })
        context.definitions.outlines = assessments
        let now = context.clock.now()
        let citations = try context.store.read { reader in
            try Dictionary(uniqueKeysWithValues: assessments.map { ($0.id, try reader.citations(of: $0)) })
        }
        let rows = assessments.map { assessment -> Row in
            let workflow = workflows[assessment.workflow]
            let explanations = workflow.map {
                AssessmentDecisions.explain(assessment, workflow: $0, members: members, actor: nil, now: now, citations: citations[assessment.id] ?? CitationResolution())
            } ?? []
            let deadline = workflow?.stage(assessment.stage).flatMap { assessment.deadline(in: $0) }.map(Timestamp.format)
            return Row(id: assessment.id, title: assessment.title, workflow: assessment.workflow, stage: assessment.stage,
                       daysInStage: assessment.daysInStage(at: now), deadline: deadline, drafts: assessment.drafts.count,
                       next: assessment.withdrawn == nil ? explanations.map(\.to) : [],
                       pending: explanations.map { $0.unmet.count }.min() ?? 0, withdrawn: assessment.withdrawn)
        }
        if output.format == .json {
            Console.out(try Console.json(rows))
            return
        }
        if rows.isEmpty { Console.out("no assessments") }
        for row in rows {
            let next = row.withdrawn.map { "withdrawn (\($0))" }
                ?? (row.next.isEmpty ? "final" : "→ \(row.next.joined(separator: "|")) (\(row.pending == 0 ? "ready" : "\(row.pending) pending"))")
            Console.out("\(row.id)  \(row.stage) \(row.daysInStage)d  \(next)  \(row.title)")
        }
    }

    /// Who took part in each review stage of one assessment, in figures: no reviewer is named, and
    /// for a reader who may not see a blinded stage's reviewers, no breakdown singles one out.
    static func detail(_ id: String, context: CommandContext, format: OutputFormat) throws {
        let assessment = try context.assessment(id)
        let members = try context.members
        let audience = Visibility.audience(for: context.identity, on: assessment, members: members)
        let names = ReviewerNames(assessment: assessment, workflow: try context.workflow(for: assessment), audience: audience)
        let figures = Participation.figures(assessment, comments: try context.store.comments(of: id), members: members,
                                            hiding: names.hidesReviewers(of:))
        let evidence = Participation.evidence(assessment)
        if format == .json {
            struct Detail: Encodable { var assessment: String; var stage: String; var participation: [StageParticipation]; var evidence: EvidenceFigures? }
            return Console.out(try Console.json(Detail(assessment: id, stage: assessment.stage, participation: figures, evidence: evidence)))
        }
        Console.out("\(id)  \(assessment.stage)  \(assessment.title)")
        if figures.isEmpty { Console.out("  no reviews or government comments yet") }
        for stage in figures {
            Console.out("  \(stage.stage)")
            Console.out("    expert reviewers  \(stage.reviewers.summary)")
            Console.out("    member states     \(stage.states.summary)")
            Console.out("    comments          \(stage.comments.summary)")
        }
        if let evidence {
            let sectors = evidence.bySector.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            Console.out("  evidence            \(counted(evidence.total, "submission")): \(sectors)\(evidence.developingShare.map { "; \(Int(($0 * 100).rounded()))% from developing countries" } ?? "")")
        }
    }
}
