import ArgumentParser
import Foundation
import PanelCore

extension ReviewCommand {
    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close",
            abstract: "Close the current review window early, so the authors may submit a new draft (chairs).",
            discussion: "While reviews are due, the draft under review is frozen: reviewers' line numbers refer to it.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Option(help: "Why (recorded).") var reason: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            var stage = ""
            try context.decide { state in
                let assessment = try state.assessment(id)
                stage = assessment.stage
                return ProcedureDecisions.closeReviewWindow(assessment, reason: reason, members: try state.members(),
                                                            actor: context.actor, now: context.clock.now())
            }
            Console.out("\(id): review window of \(stage) closed; the authors may submit a new draft")
        }
    }

    struct Extend: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "extend",
            abstract: "Give one reviewer more time (chairs and the assessment's review editors).")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Option(help: "The reviewer.") var reviewer: String
        @Option(help: "Days to add to the reviewer's due date.") var days: Int
        @Option(help: "Why (recorded).") var reason: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            let records = try context.decide { state in
                ProcedureDecisions.extendReviewer(try state.assessment(id), reviewer: reviewer, days: days, reason: reason,
                                                  members: try state.members(), actor: context.actor, now: context.clock.now())
            }
            if let extended = try records.first?.payload(as: ReviewerExtended.self) {
                Console.out("\(id): \(reviewer)'s review is now due \(extended.deadline)")
            }
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reopen",
            abstract: "Reopen the responses of the current stage after sign-off (chairs); the review editors' sign-offs are withdrawn.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Option(help: "Why (recorded).") var reason: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            let records = try context.decide { state in
                ProcedureDecisions.reopenResponses(try state.assessment(id), reason: reason, members: try state.members(),
                                                   actor: context.actor, now: context.clock.now())
            }
            let editors = try records.compactMap { try $0.payload(as: SignOffWithdrawn.self)?.editor }
            Console.out("\(id): responses reopened; sign-off withdrawn (\(editors.joined(separator: ", ")))")
        }
    }
}
