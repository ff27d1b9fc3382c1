import ArgumentParser
import Foundation
import PanelCore

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
