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
        // Sign-offs of this stage that no longer stand, and why.
        var withdrawals: [Explained.Withdrawal] = []
        for record in try context.store.events(about: id, type: SignOffWithdrawn.type) {
            if let withdrawn = try record.payload(as: SignOffWithdrawn.self), withdrawn.stage == assessment.stage {
                withdrawals.append(Explained.Withdrawal(editor: withdrawn.editor, at: record.time, reason: withdrawn.reason))
            }
        }
        if output.format == .json {
            Console.out(try Console.json(Explained(assessment: assessment.id, stage: assessment.stage, withdrawn: assessment.withdrawn,
                                                   transitions: explanations, withdrawnSignOffs: withdrawals)))
        } else {
            Console.out("\(assessment.id) is in \(assessment.stage)\(assessment.withdrawn.map { " (withdrawn: \($0))" } ?? "")")
            Self.print(explanations)
            for withdrawal in withdrawals {
                Console.out("  sign-off by \(withdrawal.editor) withdrawn on \(withdrawal.at): \(withdrawal.reason)")
            }
        }
    }

    /// `--format json`: what the text says, the assessment and its stage with each way on.
    struct Explained: Encodable {
        struct Withdrawal: Encodable {
            var editor: String
            var at: String
            var reason: String
        }
        var assessment: String
        var stage: String
        var withdrawn: String?
        var transitions: [TransitionExplanation]
        var withdrawnSignOffs: [Withdrawal]
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
