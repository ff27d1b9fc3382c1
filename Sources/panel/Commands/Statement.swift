import ArgumentParser
import Foundation
import PanelCore

struct StatementCommand: ParsableCommand {
    enum Decision: String, ExpressibleByArgument, CaseIterable {
        case approve, bracket, delete
        var value: StatementDecision {
            switch self {
            case .approve: .approved
            case .bracket: .bracketed
            case .delete: .deleted
            }
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "statement",
        abstract: "Record the plenary's decision on one summary statement, as read line by line (chairs).")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Assessment id.") var id: String
    @Argument(help: "Statement id, e.g. S3.") var statement: String
    @Argument(help: "approve, bracket or delete.") var decision: Decision
    @Option(help: "Why (required to bracket or delete).") var reason: String?

    func run() throws {
        let context = try CommandContext.load(workspace)
        try context.decide { state in
            let assessment = try state.assessment(id)
            return ReviewDecisions.decideStatement(
                statement, decision.value, reason: reason, on: assessment, workflow: try context.workflow(for: assessment),
                members: try state.members(), actor: context.actor, now: context.clock.now())
        }
        Console.out("\(id) \(statement): \(decision.value.rawValue)")
    }
}
