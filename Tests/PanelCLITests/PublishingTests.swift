import Foundation
import Testing

/// A headless Chromium, when the machine has one (`.ci/run` installs Debian's).
enum Browser {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static var available: Bool { path != nil }

    /// Runs the browser on a page; returns its standard output (the DOM with --dump-dom).
    static func run(_ arguments: [String]) throws -> String {
        guard let path else { throw CocoaError(.fileNoSuchFile) }
        let profile = "\(NSTemporaryDirectory())panel-chromium-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                             "--user-data-dir=\(profile)"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func screenshot(_ url: String, to path: String) throws -> Int {
        _ = try run(["--screenshot=\(path)", "--window-size=1200,1600", "--hide-scrollbars", url])
        return (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}

/// The cron job and what it publishes: a digest, a feed and a site, checked in a real browser.
@Suite("Publishing: cron, digest, feed, site", .serialized)
struct PublishingTests {
    let cli = CLITests()

    /// A workspace after the demo (assessments in every state, flags, an approved record).
    func demoWorkspace(_ root: URL) throws -> String {
        let ws = root.appendingPathComponent("ws").path
        let demo = try cli.panel(["demo", "--into", ws])
        try #require(demo.status == 0, "\(demo.error)")
        return ws
    }

    func modified(_ path: String) throws -> Date {
        try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
    }

    /// Two runs in a row: the first publishes, the second issues nothing and rewrites nothing.
    /// An unsigned response matrix in the inbox is set aside: nobody's name can stand for it. The run
    /// that set it aside still publishes, then exits 2 so cron reports it; the next run exits 0.
    @Test func cronRunsTwiceAndTheSecondChangesNothing() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = try demoWorkspace(root)
        let drop = root.appendingPathComponent("drop")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: cli.fixture("references-real-world/wd17-act.xml"), toPath: drop.appendingPathComponent("act.xml").path)
        try Data("<article><front><article-meta>".utf8).write(to: drop.appendingPathComponent("cut-short.xml"))
        let matrix = URL(fileURLWithPath: ws).appendingPathComponent("inbox/responses.csv")
        try Data("comment_id,assessment,response,response_text\nC00001,A-2026-002,noted,Seen.\n".utf8).write(to: matrix)
        let site = root.appendingPathComponent("site").path
        let env = ["PANEL_NOW": "2026-04-12T09:00:00Z"]
        let first = try cli.panel(["cron", "--workspace", ws, "--references", drop.path, "--site", site, "--settle", "0"], environment: env)
        #expect(first.status == 2, "\(first.output)\n\(first.error)")
        #expect(first.error.contains("panel: cron: done, but files were set aside with their reasons"), "\(first.error)")
        #expect(first.output.contains("1 reference ingested"), "\(first.output)")
        #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent("rejected/cut-short.xml").path))
        #expect(first.output.contains("an unsigned response matrix in an unattended run cannot say who answered"), "\(first.output)")
        #expect(FileManager.default.fileExists(atPath: ws + "/inbox/rejected/responses.csv"))
        for page in ["index.html", "digest.html", "feed.atom", "A-2026-002.html"] {
            #expect(FileManager.default.fileExists(atPath: site + "/" + page), "\(page)")
        }
        let stamps = try ["index.html", "digest.html", "feed.atom", "A-2026-002.html"].map { try modified(site + "/" + $0) }
        let feed = try Data(contentsOf: URL(fileURLWithPath: site + "/feed.atom"))
        Thread.sleep(forTimeInterval: 1.1)
        let second = try cli.panel(["cron", "--workspace", ws, "--references", drop.path, "--site", site, "--settle", "0"], environment: env)
        #expect(second.status == 0, "\(second.error)")
        #expect(FileManager.default.fileExists(atPath: drop.appendingPathComponent("processed/act.xml").path))
        #expect(second.output.contains("0 references ingested, 0 duplicate; 0 files read, 0 rejected;"), "\(second.output)")
        #expect(second.error.contains("panel digest: nothing new since the last digest"), "\(second.error)")
        #expect(second.output.contains("site: 5 pages in \(site), 0 changed"), "\(second.output)")
        #expect(try ["index.html", "digest.html", "feed.atom", "A-2026-002.html"].map { try modified(site + "/" + $0) } == stamps)
        #expect(try Data(contentsOf: URL(fileURLWithPath: site + "/feed.atom")) == feed)
        // Stops at the first failure: a drop folder that is not there, a workspace that is not one.
        let typo = try cli.panel(["cron", "--workspace", ws, "--references", drop.path + "-typo", "--site", site, "--settle", "0"], environment: env)
        #expect(typo.status == 2 && typo.error.contains("no such folder; nothing was ingested"), "\(typo.error)")
        let broken = try cli.panel(["cron", "--workspace", root.appendingPathComponent("nowhere").path, "--site", site, "--settle", "0"], environment: env)
        #expect(broken.status != 0)
    }

    /// A feed that cannot be written leaves the digest unrecorded: its flags go out next time,
    /// not lost between a page that was replaced and a feed that never had them.
    @Test func aDigestThatCannotBePublishedIsNotRecorded() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = try demoWorkspace(root)
        let env = ["PANEL_NOW": "2026-04-12T09:00:00Z", "PANEL_WORKSPACE": ws]
        let listed = try JSONSerialization.jsonObject(with: Data(try cli.panel(["flags", "list", "--format", "json"], environment: env).output.utf8)) as? [[String: Any]]
        let id = try #require(listed?.first?["id"] as? String)
        #expect(try cli.panel(["flags", "resolve", id, "--note", "done", "--as", "exp-01"], environment: env).status == 0)
        let feed = root.appendingPathComponent("feed.atom")
        try FileManager.default.createDirectory(at: feed, withIntermediateDirectories: true)
        let page = root.appendingPathComponent("digest.html").path
        let failed = try cli.panel(["digest", "--format", "html", "--out", page, "--feed", feed.path], environment: env)
        #expect(failed.status != 0)
        try FileManager.default.removeItem(at: feed)
        let again = try cli.panel(["digest", "--format", "html", "--out", page, "--feed", feed.path], environment: env)
        #expect(again.status == 0 && again.error.contains("0 flags, 1 resolved"), "\(again.error)")
        #expect(try String(contentsOf: feed, encoding: .utf8).contains("[resolved]"))
        // A dry run never touches the feed.
        let before = try Data(contentsOf: feed)
        #expect(try cli.panel(["digest", "--dry-run", "--since", "30d", "--feed", feed.path], environment: env).error.contains("is not touched by a dry run"))
        #expect(try Data(contentsOf: feed) == before)
    }

    /// The digest, the site's index and an assessment page, rendered by Chromium: the DOM holds
    /// the expected text and links, and the screenshot is not blank (compared with a blank page
    /// shot in the same run).
    @Test(.enabled(if: Browser.available, "no Chromium on this machine: install Debian's chromium (.ci/run does) to run the browser test"))
    func theDigestAndTheSiteRenderInABrowser() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = try demoWorkspace(root)
        let site = root.appendingPathComponent("site").path
        let env = ["PANEL_NOW": "2026-04-12T09:00:00Z"]
        // The demo issued its digest; a resolved flag makes the next one worth a page.
        let flags = try cli.panel(["flags", "list", "--format", "json", "--workspace", ws], environment: env)
        let listed = try JSONSerialization.jsonObject(with: Data(flags.output.utf8)) as? [[String: Any]]
        let id = try #require(listed?.first?["id"] as? String)
        #expect(try cli.panel(["flags", "resolve", id, "--note", "covered by A-2026-002", "--as", "exp-01", "--workspace", ws], environment: env).status == 0)
        #expect(try cli.panel(["cron", "--workspace", ws, "--site", site, "--settle", "0"], environment: env).status == 0)

        let index = try Browser.run(["--dump-dom", "file://\(site)/index.html"])
        #expect(index.contains("A-2026-002: Autonomous replication in open-weight agent systems"), "\(index.prefix(500))")
        #expect(index.contains("href=\"A-2026-002.html\"") && index.contains("href=\"digest.html\""))
        #expect(index.contains("role=\"img\"") && index.contains("aria-label=\"Stages of A-2026-001"))
        #expect(index.contains("https://doi.org/"), "reference flags link to their DOI")
        #expect(!index.contains("<script"))
        let page = try Browser.run(["--dump-dom", "file://\(site)/A-2026-002.html"])
        #expect(page.contains("Review record") && page.contains("Kenya") && !page.contains("exp-12"), "states named, experts blinded")
        let digest = try Browser.run(["--dump-dom", "file://\(site)/digest.html"])
        #expect(digest.contains("Resolved (1)"), "\(digest.prefix(800))")

        let blank = try Browser.screenshot("about:blank", to: root.appendingPathComponent("blank.png").path)
        for name in ["index.html", "A-2026-002.html", "digest.html"] {
            let size = try Browser.screenshot("file://\(site)/\(name)", to: root.appendingPathComponent("\(name).png").path)
            #expect(blank > 0 && size > 3 * blank, "\(name): a screenshot of \(size) bytes against \(blank) for a blank page")
        }
    }
}
