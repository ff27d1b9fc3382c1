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
            reviews, deadlines within a week), and records what it issued: running it again issues nothing, \
            takes no digest number and leaves an existing --out as it was (unless --always; one not there yet \
            is written, so a new site has it), and says so (exit 0). \
            Silenced flags are withheld until their silence ends; flags about approved or withdrawn assessments \
            are inhibited. A second digest started while one runs waits up to --wait seconds, then exits 5; \
            --dry-run records nothing and never waits. With --format atom and --out, the feed keeps the last \
            --keep entries across runs (a subscription). Times are shown in panel.yaml's timezone. For cron, \
            see 'panel cron'.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "markdown, html (one self-contained page), json or atom.") var format: Style = .markdown
    @Option(help: "Write to this file, atomically, instead of standard output.") var out: String?
    @ArgumentParser.Flag(help: "Compose and print, but record nothing (and never wait for the lock).") var dryRun = false
    @ArgumentParser.Flag(help: "Write --out even when there is nothing new.") var always = false
    @Option(help: "Entries an Atom feed keeps across runs.") var keep: Int = 50
    @Option(help: "Also add this digest to the Atom feed in this file (kept across runs), whatever --format is.") var feed: String?
    @Option(help: "Also re-issue what changed within this window, e.g. 7d or 24h.") var since: String?
    @Option(help: "Seconds to wait for another digest to finish.") var wait: Int = 0

    func validate() throws {
        if let since, Duration.seconds(since) == nil { throw ValidationError("--since must be a duration such as 7d or 24h, not '\(since)'") }
        if wait < 0 { throw ValidationError("--wait must be 0 or more seconds") }
        if keep < 1 { throw ValidationError("--keep must be 1 or more entries") }
    }

    static let busy = ExitCode(5)

    func run() throws {
        let context = try CommandContext.load(workspace)
        // A dry run records nothing, so it needs no lock and never waits on a real digest.
        let lock = dryRun ? nil : try StoreFactory.digestLock(context.workspace, store: context.store)
        if let lock, try !lock.acquire(waiting: wait) {
            Console.error("another digest is running (\(lock.name)); try again later or pass --wait SECONDS")
            throw Self.busy
        }
        defer { lock?.release() }
        let runner = try context.runner()
        let now = context.clock.now()
        // The log's head seals what the policy withholds: only a reader who sees every name, or
        // the published digest (the anchor it exists to carry), shows it.
        let anchored = try CommandContext.publishing || context.redactor().isEmpty
        var summaryNote = ""
        let digest = try Console.run { () -> Digest in
            if !dryRun { try runner.evaluate() }
            // Pages and the feed are written inside the digest's transaction, before it is recorded:
            // a write that fails leaves the digest unrecorded, to be issued again next time.
            return try runner.digest(since: since.flatMap(Duration.seconds).map { now.addingTimeInterval(-$0) }, dryRun: dryRun) { digest in
                var shown = digest
                if !anchored { shown.head = nil }
                summaryNote = try write(shown, context: context)
            }
        }
        let summary = digest.isEmpty ? digest.nothingNew.prefix(1).lowercased() + digest.nothingNew.dropFirst()
            : "\(digest.id): \(counted(digest.flags.count, "flag")), \(digest.resolved.count) resolved, \(counted(digest.reminders.count, "reminder"))\(dryRun ? " (dry run: nothing recorded)" : "")"
        Console.emit("panel digest: \(summary)\(summaryNote)\n", to: STDERR_FILENO)
    }

    /// Writes the digest where asked; returns what to add to the summary line.
    private func write(_ digest: Digest, context: CommandContext) throws -> String {
        // Nothing new: a file that exists stays as it is (the last real digest's page, the feed);
        // one that does not exist yet is written, so a new site has it.
        func needed(_ path: String?) -> Bool {
            guard let path else { return false }
            return !digest.isEmpty || always || !FileManager.default.fileExists(atPath: path)
        }
        let digestContext = try context.digestContext(for: digest)
        func atom(_ path: String?) throws -> String {
            var previous: [DigestRenderer.FeedEntry] = []
            if let path, let bytes = FileManager.default.contents(atPath: path) {
                do {
                    previous = try DigestRenderer.previousEntries([UInt8](bytes), source: path)
                } catch {
                    // The parse error names the file, line and column.
                    throw CommandFailure.badInput("\(error)")
                }
            }
            return DigestRenderer.atom(digest, context: digestContext, previous: previous, keep: keep)
        }
        var notes: [String] = []
        if out == nil || needed(out) {
            let text: String
            switch format {
            case .markdown: text = DigestRenderer.markdown(digest, context: digestContext)
            case .html: text = DigestRenderer.html(digest, context: digestContext)
            case .json: text = try Console.json(digest) + "\n"
            case .atom: text = try atom(out)
            }
            try Console.write(text, to: out)
            if let out { notes.append(" → \(out)") }
        } else if let out {
            notes.append("; \(out) left as it was")
        }
        if let feed {
            if dryRun {
                notes.append("; the feed \(feed) is not touched by a dry run")
            } else if needed(feed) {
                try Console.write(try atom(feed), to: feed)
                notes.append(" → \(feed)")
            } else {
                notes.append("; \(feed) left as it was")
            }
        }
        return notes.joined()
    }
}

extension CommandContext {
    /// The workspace's time zone and site, and the references the digest's flags are about.
    func digestContext(for digest: Digest) throws -> DigestContext {
        let config = workspace.config
        var references: [String: Reference] = [:]
        for flag in digest.flags + digest.resolved where flag.subject.hasPrefix("ref-") {
            if let reference = try store.reference(matching: flag.subject) { references[flag.subject] = reference }
        }
        return DigestContext(workspace: config.name, timezone: config.timezone, siteURL: config.siteURL, references: references,
                             key: try feedKey())
    }

    /// The first 16 hex digits of the workspace's first event's hash: a name for its feed that never changes.
    func feedKey() throws -> String? {
        try store.events(after: 0, limit: 1).first.map { String($0.hash.prefix(16)) }
    }
}
