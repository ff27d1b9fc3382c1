import ArgumentParser
import Foundation
import PanelCore

extension AssessmentCommand {
    struct Team: ParsableCommand {
        enum Change: String, ExpressibleByArgument, CaseIterable { case add, remove }

        static let configuration = CommandConfiguration(
            commandName: "team",
            abstract: "Add or remove authors and review editors of an assessment (co-chairs and vice-chairs).",
            discussion: """
                Name people as MEMBER:ROLE with ROLE one of \
                \(HelpText.authorRoles). Refused when it \
                would break a rule: someone who reviewed the assessment cannot join its team, a review editor may \
                not be conflicted or an author, and a coordinating lead author must remain.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Argument(help: "add or remove.") var change: Change
        @Argument(help: "MEMBER:ROLE (one or more).", transform: AssessmentAuthor.parse) var people: [AssessmentAuthor]
        @Option(help: "Why (recorded).") var reason: String?

        func run() throws {
            let context = try CommandContext.load(workspace)
            try context.decide { state in
                ProcedureDecisions.changeTeam(
                    try state.assessment(id), add: change == .add ? people : [], remove: change == .remove ? people : [], reason: reason,
                    members: try state.members(), actor: context.actor, now: context.clock.now())
            }
            let team = try context.assessment(id).authors.map { "\($0.member):\($0.role.rawValue)" }.joined(separator: ", ")
            Console.out("\(id): \(change == .add ? "added" : "removed") \(people.map(\.member).joined(separator: ", ")); team now \(team)")
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw",
            abstract: "Withdraw an assessment (co-chairs and vice-chairs): a final state, no more advances, flags or reminders.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Option(help: "Why (recorded, and shown in status and the record).") var reason: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            try context.decide { state in
                let assessment = try state.assessment(id)
                return ProcedureDecisions.withdraw(assessment, reason: reason, workflow: try context.workflow(for: assessment),
                                                   members: try state.members(), actor: context.actor, now: context.clock.now())
            }
            Console.out("\(id) withdrawn: \(reason)")
        }
    }
}
