import ArgumentParser
import Foundation
import PanelCore

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Why an assessment can or cannot advance: every requirement with its current and needed value.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Assessment id.") var id: String

    func run() throws {
        let context = try CommandContext.load(workspace, access: .readOnly, prefetchingWorkflows: true)
        let assessment = try context.assessment(id)
        let explanations = AssessmentDecisions.explain(
            assessment, workflow: try context.workflow(for: assessment), members: try context.members,
            actor: context.actor, now: context.clock.now(), citations: try context.store.read { try $0.citations(of: assessment) })
        if output.format == .json {
            Console.out(try Console.json(explanations))
        } else {
            Console.out("\(assessment.id) is in \(assessment.stage)\(assessment.withdrawn.map { " (withdrawn: \($0))" } ?? "")")
            Self.print(explanations)
            // Sign-offs of this stage that no longer stand, and why.
            let withdrawals = try context.store.events(about: id, type: SignOffWithdrawn.type)
            for record in withdrawals {
                if let withdrawn = try record.payload(as: SignOffWithdrawn.self), withdrawn.stage == assessment.stage {
                    Console.out("  sign-off by \(withdrawn.editor) withdrawn on \(record.time): \(withdrawn.reason)")
                }
            }
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
