import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PanelCore

struct DigestCommand: ParsableCommand {
    enum Style: String, ExpressibleByArgument, CaseIterable { case markdown, html, json, atom }

    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "For cron: evaluate the rules, then issue every flag and reminder not issued yet.",
        discussion: """
            Issues new and changed flags (by severity and rule), resolved flags, and reminders (overdue \
            reviews, deadlines within a week), and records what it issued: running it again issues nothing \
            and says so (exit 0). Silenced flags are withheld until their silence ends. A second digest \
            started while one runs waits up to --wait seconds, then exits 5. Crontab:
              0 7 * * * cd /srv/panel && panel digest --format html --out /srv/www/digest.html
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "markdown, html (one self-contained page), json or atom.") var format: Style = .markdown
    @Option(help: "Write to this file, atomically, instead of standard output.") var out: String?
    @ArgumentParser.Flag(help: "Compose and print, but record nothing.") var dryRun = false
    @Option(help: "Also re-issue what changed within this window, e.g. 7d or 24h.") var since: String?
    @Option(help: "Seconds to wait for another digest to finish.") var wait: Int = 0

    func validate() throws {
        if let since, Duration.seconds(since) == nil { throw ValidationError("--since must be a duration such as 7d or 24h, not '\(since)'") }
        if wait < 0 { throw ValidationError("--wait must be 0 or more seconds") }
    }

    static let busy = ExitCode(5)

    func run() throws {
        let context = try CommandContext.load(workspace)
        let lock = try DigestLock(path: context.workspace.storeURL.deletingLastPathComponent().appendingPathComponent("digest.lock").path)
        guard lock.acquire(waiting: wait) else {
            Console.error("another digest is running (\(lock.path)); try again later or pass --wait SECONDS")
            throw Self.busy
        }
        defer { lock.release() }
        let runner = try context.runner()
        let now = context.clock.now()
        let digest = try Console.run { () -> Digest in
            if !dryRun { try runner.evaluate() }
            return try runner.digest(since: since.flatMap(Duration.seconds).map { now.addingTimeInterval(-$0) }, dryRun: dryRun)
        }
        let text: String
        switch format {
        case .markdown: text = DigestRenderer.markdown(digest)
        case .html: text = DigestRenderer.html(digest)
        case .json: text = try Console.json(digest) + "\n"
        case .atom: text = DigestRenderer.atom(digest, workspace: context.workspace.config.name.lowercased().filter { $0.isLetter || $0.isNumber })
        }
        try Console.write(text, to: out)
        let summary = digest.isEmpty ? "nothing new since the last digest"
            : "\(digest.id): \(counted(digest.flags.count, "flag")), \(digest.resolved.count) resolved, \(counted(digest.reminders.count, "reminder"))\(dryRun ? " (dry run: nothing recorded)" : "")"
        FileHandle.standardError.write(Data("panel digest: \(summary)\(out.map { " → \($0)" } ?? "")\n".utf8))
    }
}

/// An exclusive lock file (flock), released when the process ends in any way.
final class DigestLock {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            Console.error("\(path): cannot open the lock file: \(String(cString: strerror(errno)))")
            throw Exit.failure
        }
    }

    deinit { close(descriptor) }

    func acquire(waiting seconds: Int) -> Bool {
        let deadline = Date().addingTimeInterval(Double(seconds))
        while true {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            if Date() >= deadline { return false }
            usleep(100_000)
        }
    }

    func release() { flock(descriptor, LOCK_UN) }
}
