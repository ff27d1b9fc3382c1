import ArgumentParser
import Foundation
import PanelCore

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
        var withdrawn: String?
    }

    func run() throws {
        let context = try CommandContext.load(workspace)
        let (assessments, members) = (try context.assessments, try context.members)
        let workflows = try context.workflows
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
}
