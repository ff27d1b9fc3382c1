import ArgumentParser
import Foundation
import PanelCore

struct Respond: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "respond", abstract: "Record the authors' response to one comment.")

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
