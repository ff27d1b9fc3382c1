import ArgumentParser
import Foundation
import PanelCore

struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "The unattended job: ingest the reference drop folder, process the inbox, issue the digest and feed, write the site.",
        discussion: """
            Steps, in order, stopping at the first failure (exit non-zero): 1. 'refs inbox' of the drop folder \
            --references, by default the workspace's inbox/references/ (each file moves to processed/, or to \
            rejected/ with its reason; without --references and without that folder, the step is skipped, \
            and says so); \
            2. the inbox, unattended: reviews and responses are recorded as their signers' (an unsigned \
            response matrix is set aside, since nobody's name can stand for it); rejected files go to \
            inbox/rejected/ with their reasons; 3. the digest, written to SITE/digest.html, and the feed, \
            SITE/feed.atom (nothing new: neither is rewritten); 4. the site in SITE (pages rewritten only \
            when they changed). A file rejected in step 1 or 2 does not stop the job, but the run that set it \
            aside ends with that step's exit code (2 rejected, 3 refused) so cron reports it; the file, moved \
            to rejected/, is not read again, so the next run exits 0. A store that refuses or fails (a clock \
            behind the log, a full disk) stops the job: no file is set aside for it, and the files stay for \
            the next run. A run that finds another still taking a drop folder exits 5. Running it twice in a \
            row issues and rewrites nothing. Crontab:
              */30 * * * * panel cron --workspace /srv/panel --references /srv/panel/drop --site /srv/www/panel
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: "The folder publishers' and registries' XML is dropped into (default: the workspace's inbox/references/).")
    var references: String?
    @Option(help: "The folder the site, digest.html and feed.atom are written to.") var site: String
    @OptionGroup var jobs: JobsOption
    @OptionGroup var settle: SettleOption

    func run() throws {
        // What cron writes is published: the public's view, whoever runs it.
        CommandContext.publishing = true
        let options = WorkspaceOptions.arguments(workspace)
        var isDirectory: ObjCBool = false
        if let references, !FileManager.default.fileExists(atPath: references, isDirectory: &isDirectory) || !isDirectory.boolValue {
            Console.error("--references \(references): no such folder; nothing was ingested (check the crontab line)")
            throw Exit.badInput
        }
        if FileManager.default.fileExists(atPath: site, isDirectory: &isDirectory), !isDirectory.boolValue {
            Console.error("--site \(site): a file, not a folder; the site, digest.html and feed.atom go in a folder")
            throw Exit.badInput
        }
        var setAside: ExitCode?
        // The workspace's own drop folder unless another is named; never skipped unsaid.
        let drop = try references ?? Console.run { try CommandContext.locate(workspace) }.referenceDropURL.path
        if references != nil || FileManager.default.fileExists(atPath: drop, isDirectory: &isDirectory) && isDirectory.boolValue {
            Console.out("== references: \(drop)")
            setAside = try tolerated { try Refs.DropInbox.parse(options + [drop, "--jobs", String(jobs.count), "--settle", String(settle.seconds)]).run() }
        } else {
            Console.out("== references: skipped (no --references, and no drop folder at \(drop))")
        }
        Console.out("== inbox")
        let inbox = try tolerated { try Inbox.parse(options + ["--unattended", "--settle", String(settle.seconds)]).run() }
        setAside = setAside ?? inbox
        let folder = URL(fileURLWithPath: site)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        Console.out("== digest")
        try DigestCommand.parse(options + ["--format", "html", "--out", folder.appendingPathComponent("digest.html").path,
                                           "--feed", folder.appendingPathComponent("feed.atom").path, "--wait", "60"]).run()
        Console.out("== site")
        try SiteCommand.parse(options + ["--out", site]).run()
        if let setAside {
            // Published and done, but someone has a file to look at: cron reports a non-zero exit.
            Console.error("cron: done, but files were set aside with their reasons (see above); they are not read again")
            throw setAside
        }
    }

    /// Rejected files (exit 2) and refused ones (exit 3) are reported and set aside: the job goes on,
    /// and ends with the code (or that of an earlier step that set files aside). Anything else (a
    /// store that refuses, a clock behind the log, a busy folder) stops it.
    private func tolerated(_ step: () throws -> Void) throws -> ExitCode? {
        do {
            try step()
            return nil
        } catch let setAside as FilesSetAside {
            Console.out("(some files were set aside with their reasons; continuing)")
            return setAside.code
        }
    }
}
