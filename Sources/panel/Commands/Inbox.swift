import ArgumentParser
import Foundation
import PanelCore

struct Inbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Process every file in the inbox (for cron): record it and move it to processed/, or to rejected/ with NAME.reason.txt.",
        discussion: "Nothing is deleted; the same file twice is recorded once. Exit 2 when any file was rejected.")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Inbox folder (default: the workspace's inbox).") var directory: String?

    static func report(_ file: String, _ outcome: ReviewIntake.Outcome) {
        switch outcome {
        case .recorded(let review, let comments): Console.out("recorded   \(file): review \(review), \(counted(comments, "comment"))")
        case .responses(let assessment, let count): Console.out("recorded   \(file): \(counted(count, "response")) on \(assessment)")
        case .alreadyReceived: Console.out("already    \(file): already received")
        case .rejected(let reasons):
            Console.out("rejected   \(file)")
            for reason in reasons { Console.out("           \(reason)") }
        case .refused(let reasons):
            Console.out("refused    \(file)")
            for reason in reasons { Console.out("           \(reason)") }
        }
    }

    /// Exit 2 when any file was rejected as bad input, else 3 when any was refused, else 0.
    static func exit(for outcomes: [ReviewIntake.Outcome]) throws {
        if outcomes.contains(where: { if case .rejected = $0 { true } else { false } }) { throw Exit.badInput }
        if outcomes.contains(where: { if case .refused = $0 { true } else { false } }) { throw Exit.refused }
    }

    func run() throws {
        let context = try CommandContext.load(workspace)
        context.sweepDebris()
        let inbox = directory.map { URL(fileURLWithPath: $0) } ?? context.workspace.inboxURL
        let intake = context.intake(workflows: try context.workflows)
        let results = try Console.run { try intake.processInbox(inbox) }
        for (file, outcome, place) in results {
            Self.report(file, outcome)
            switch outcome {
            case .rejected, .refused: Console.out("           → inbox/\(place), the reason in inbox/\(place).reason.txt")
            default: break
            }
        }
        let rejected = results.filter { if case .rejected = $0.outcome { true } else { false } }.count
        let refused = results.filter { if case .refused = $0.outcome { true } else { false } }.count
        Console.out("\(results.count - rejected - refused) recorded or already received, \(rejected) rejected, \(refused) refused")
        try Self.exit(for: results.map(\.outcome))
    }
}
