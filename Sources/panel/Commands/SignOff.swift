import ArgumentParser
import Foundation
import PanelCore

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
