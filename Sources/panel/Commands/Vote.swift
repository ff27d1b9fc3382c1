import ArgumentParser
import Foundation
import PanelCore

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
