import ArgumentParser
import Foundation
import PanelCore

struct Inbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "Process every file in the inbox (for cron): record it and move it to processed/, or to rejected/ with NAME.reason.txt.",
        discussion: """
            Nothing is deleted; the same file twice is recorded once. Exit 2 when any file was rejected.

            To drop a file safely, write it under a name starting with a dot or ending in .part (or .tmp, \
            .partial, .crdownload, .download, .filepart, ~) and rename it when it is complete; such files, \
            and files modified less than --settle seconds ago, are left for the next run and listed. Symbolic links, named pipes \
            and devices are not read: they are set aside in rejected/ with the reason. Subfolders are not \
            read (references/, the reference drop folder, is left to 'refs inbox'). One run at a time \
            takes the inbox: a run started while another holds its lock (.panel.lock in it) does nothing \
            and exits 5. When processed/ or rejected/ refuses its files, every file is still reported, \
            the files it refused stay in the inbox for the next run (a recorded one is then already \
            received), and the run exits 1. When the store refuses or fails (a clock behind the log, a full \
            disk), the run stops there: what it moved before is reported, the files it did not record \
            stay in the inbox for the next run, and it exits 3 (refused) or 1.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Inbox folder (default: the workspace's inbox).") var directory: String?
    @ArgumentParser.Flag(help: "Nobody attends this run (cron): response matrices must be signed, as nobody's name can stand for them.")
    var unattended = false
    @OptionGroup var settle: SettleOption

    static func report(_ file: String, _ outcome: ReviewIntake.Outcome) {
        // The file's own name and path stay as given (the person running this holds the file);
        // everything else passes through the visibility policy.
        // On one line each: a newline in a file's name cannot split a line of the report or forge one.
        func show(_ text: String) {
            Console.out(Console.visible(reason: text.oneLine, about: file.oneLine), redacting: false)
        }
        switch outcome {
        case .recorded(let review, let comments): show("recorded   \(file): review \(review), \(counted(comments, "comment"))")
        case .responses(let assessment, let count): show("recorded   \(file): \(counted(count, "response")) on \(assessment)")
        case .alreadyReceived: show("already    \(file): already received")
        case .rejected(let reasons):
            show("rejected   \(file)")
            for reason in reasons { show("           \(reason)") }
        case .refused(let reasons):
            show("refused    \(file)")
            for reason in reasons { show("           \(reason)") }
        case .left(let reason): show("skipped    \(reason)")  // as `refs inbox` says it; the reason says when it is taken
        }
    }

    /// Exit 2 when any file was rejected as bad input, else 3 when any was refused, else 0.
    static func exit(for outcomes: [ReviewIntake.Outcome]) throws {
        if outcomes.contains(where: { if case .rejected = $0 { true } else { false } }) { throw FilesSetAside(code: Exit.badInput) }
        if outcomes.contains(where: { if case .refused = $0 { true } else { false } }) { throw FilesSetAside(code: Exit.refused) }
    }

    func run() throws {
        let context = try CommandContext.load(workspace)
        context.sweepDebris()
        let inbox = directory.map { URL(fileURLWithPath: $0) } ?? context.workspace.inboxURL
        let lock = try FileLock.dropFolder(inbox)
        defer { lock?.release() }
        let intake = context.intake(workflows: try context.workflows, unattended: unattended)
        let run = try Console.run { try intake.processInbox(inbox, settle: settle.seconds) }
        let results = run.files
        for (file, outcome, place) in results {
            Self.report(file, outcome)
            switch outcome {
            case .left: break
            case _ where place.isEmpty:
                Console.out("           gone from the inbox before it could be moved (moved or deleted by another process?)")
            case _ where place == file:
                // Its folder refused it (said on stderr below): it waits in the inbox for the next run.
                Console.out("           stays in the inbox: its folder refused it; the next run moves it")
            case .rejected, .refused:
                // Named in the folder as it was given (the workspace's inbox when none was).
                let folder = directory.map { $0.hasSuffix("/") && $0.count > 1 ? String($0.dropLast()) : $0 } ?? "inbox"
                let moved = folder + "/" + place
                Console.out("           → \(moved), the reason in \(moved).reason.txt".oneLine, keeping: moved.oneLine)
            default: break
            }
        }
        let rejected = results.filter { if case .rejected = $0.outcome { true } else { false } }.count
        let refused = results.filter { if case .refused = $0.outcome { true } else { false } }.count
        let left = results.filter { if case .left = $0.outcome { true } else { false } }.count
        let stayed = results.filter { if case .left = $0.outcome { false } else { $0.place == $0.file } }.count
        Console.out("\(results.count - rejected - refused - left) recorded or already received, \(rejected) rejected, \(refused) refused"
            + (left > 0 ? ", \(left) skipped" : "") + (stayed > 0 ? "; \(stayed) of them stay in the inbox, their folder refused them" : ""))
        // A folder that refused its files is the failure to fix (exit 1); the files stay for the next run.
        for refusal in run.unmovable { Console.error(refusal.description, keeping: [refusal.path]) }
        // So is a store that stopped the run (exit 3 when it refused): the files it met wait in the inbox.
        if let stopped = run.stopped { throw Refs.Ingest.failure(stopped, left: "left in the inbox") }
        if !run.unmovable.isEmpty { throw Exit.failure }
        try Self.exit(for: results.map(\.outcome))
    }
}
