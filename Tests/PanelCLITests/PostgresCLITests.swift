import Foundation
import PanelCore
import PanelPostgres
import PanelTestSupport
import Testing

/// The test server's URL, when there is one.
let testPostgresServer = ProcessInfo.processInfo.environment["PANEL_TEST_POSTGRES"]

/// The binary against a real PostgreSQL server (`PANEL_TEST_POSTGRES`, which `.ci/run` sets):
/// the demo, moving a panel between stores, and two machines sharing one database.
@Suite("panel on PostgreSQL", .serialized, .enabled(if: testPostgresServer != nil, "PANEL_TEST_POSTGRES is not set: the PostgreSQL command-line tests are skipped"))
struct PostgresCLITests {
    let cli = CLITests()

    /// A schema of its own on the test server, for one test.
    func database() throws -> String {
        let server = try #require(testPostgresServer)
        let schema = "cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        return server + (server.contains("?") ? "&" : "?") + "schema=\(schema)"
    }

    /// The `OK: N events, chain head H` line of `panel audit verify`.
    func verified(_ workspace: String) throws -> String {
        let verify = try cli.panel(["audit", "verify", "--workspace", workspace, "--as", "exp-01"])  // a chair: the head is theirs to see
        #expect(verify.status == 0, "\(workspace): \(verify.output)\(verify.error)")
        return verify.output.split(separator: ";").first.map(String.init) ?? ""
    }

    /// The whole demo on PostgreSQL seals the same log, event for event, as on SQLite.
    @Test func theDemoOnPostgreSQLSealsTheSameLogAsOnSQLite() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let sqlite = root.appendingPathComponent("sqlite").path, postgres = root.appendingPathComponent("postgres").path
        let first = try cli.panel(["demo", "--into", sqlite])
        #expect(first.status == 0, "\(first.error)")
        let second = try cli.panel(["demo", "--into", postgres, "--store", try database()])
        #expect(second.status == 0, "\(second.error)")
        #expect(try verified(sqlite) == verified(postgres))
        #expect(try verified(postgres).hasPrefix("OK: 11"))
    }

    /// The digest lock is the database's: a digest on another machine (here, another connection
    /// holding the advisory lock) makes this one wait, then give up with exit 5, recording nothing.
    @Test func aDigestElsewhereHoldsTheLock() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = try database()
        let workspace = root.appendingPathComponent("ws").path
        #expect(try cli.panel(["demo", "--into", workspace, "--store", url]).status == 0)
        let elsewhere = try PostgresStore(url: url)
        let before = try elsewhere.recordedHead()
        #expect(try elsewhere.tryLock("digest"))
        let busy = try cli.panel(["digest", "--wait", "1", "--workspace", workspace])
        #expect(busy.status == 5 && busy.error.contains("another digest is running (advisory lock 'digest'"), "\(busy.error)")
        #expect(try elsewhere.recordedHead() == before)
        try elsewhere.unlock("digest")
        #expect(try cli.panel(["digest", "--workspace", workspace]).status == 0)
    }

    /// Events are stamped by the database server's clock, whatever this machine's says.
    @Test func theClockIsTheDatabases() throws {
        let store = try PostgresStore(url: try database())
        defer { try? store.dropSchema() }
        let server = try store.now()
        let clock = try store.clock()
        #expect(abs(clock.now().timeIntervalSince(server)) < 1)
    }

    /// SQLite → PostgreSQL → SQLite keeps the chain head, the references and the state.
    @Test func aPanelRoundTripsThroughPostgreSQL() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let original = root.appendingPathComponent("original").path
        #expect(try cli.panel(["demo", "--into", original]).status == 0)
        let head = try verified(original)
        let url = try database()
        let there = try cli.panel(["store", "copy", "--to", url, "--workspace", original, "--as", "exp-01"])
        #expect(there.status == 0, "\(there.error)")
        #expect(there.output.hasPrefix("Copied 113 events, 20 references"), "\(there.output)")

        // A second workspace on the copy; then back into a new SQLite file.
        let moved = root.appendingPathComponent("moved")
        try FileManager.default.createDirectory(at: moved, withIntermediateDirectories: true)
        let config = try String(contentsOfFile: original + "/panel.yaml", encoding: .utf8)
            .replacingOccurrences(of: "store: .panel/panel.sqlite", with: "store: \"\(url)\"")
        try Data(config.utf8).write(to: moved.appendingPathComponent("panel.yaml"))
        try FileManager.default.copyItem(atPath: original + "/workflows", toPath: moved.appendingPathComponent("workflows").path)
        #expect(try verified(moved.path) == head)
        let search = try cli.panel(["refs", "search", "election disinformation", "--format", "json", "--workspace", moved.path])
        #expect(search.status == 0 && search.output.contains("10.5555/jaigs.2025.0142"), "\(search.error)")

        let back = root.appendingPathComponent("back.sqlite").path
        let home = try cli.panel(["store", "copy", "--to", back, "--workspace", moved.path, "--as", "exp-01"])
        #expect(home.status == 0, "\(home.error)")
        let returned = root.appendingPathComponent("returned")
        try FileManager.default.createDirectory(at: returned, withIntermediateDirectories: true)
        try Data(config.replacingOccurrences(of: "store: \"\(url)\"", with: "store: \(back)").utf8)
            .write(to: returned.appendingPathComponent("panel.yaml"))
        try FileManager.default.copyItem(atPath: original + "/workflows", toPath: returned.appendingPathComponent("workflows").path)
        #expect(try verified(returned.path) == head)
        let status = ["status", "--format", "json", "--as", "exp-01"]
        #expect(try cli.panel(status + ["--workspace", returned.path]).output == cli.panel(status + ["--workspace", original]).output)

        // Copying into a store that already holds a panel is refused and changes nothing.
        let again = try cli.panel(["store", "copy", "--to", url, "--workspace", original, "--as", "exp-01"])
        #expect(again.status == 3 && again.error.contains("already holds a panel (113 events)"), "\(again.error)")
    }

    /// Two workspaces in separate folders, nothing shared but the database URL, each running the
    /// inbox, digests, an advance and ingests at the same time: nothing is recorded or issued twice,
    /// both verify, both see the same state.
    @Test func twoMachinesOneDatabase() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = try database()
        let first = root.appendingPathComponent("machine-1"), second = root.appendingPathComponent("machine-2")
        #expect(try cli.panel(["demo", "--into", first.path, "--store", url]).status == 0)
        try FileManager.default.createDirectory(at: second.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: first.appendingPathComponent("panel.yaml"), to: second.appendingPathComponent("panel.yaml"))
        try FileManager.default.copyItem(at: first.appendingPathComponent("workflows"), to: second.appendingPathComponent("workflows"))
        let assigned = try cli.panel(["review", "assign", "A-2026-001", "--reviewer", "exp-12", "exp-19", "exp-35", "--as", "exp-01",
                                      "--workspace", first.path])
        #expect(assigned.status == 0, "\(assigned.error)")

        // The same three reviews land in both inboxes; each machine has references of its own and three in common.
        let reviewers = ["exp-12", "exp-19", "exp-35"]
        for machine in [first, second] {
            for reviewer in reviewers {
                try Data("""
                    assessment: A-2026-001
                    draft: 1
                    reviewer: \(reviewer)
                    recommendation: minor-revisions
                    summary: Reviewed by \(reviewer).
                    comments:
                      - lines: 1-2
                        kind: substantive
                        text: A point from \(reviewer).

                    """.utf8).write(to: machine.appendingPathComponent("inbox/\(reviewer).yaml"))
            }
        }
        func collection(_ name: String, pmids: ClosedRange<Int>) throws -> String {
            let records = pmids.map { "<PubmedArticle><MedlineCitation><PMID>\($0)</PMID><Article><ArticleTitle>Deepfake election study \($0)</ArticleTitle></Article></MedlineCitation></PubmedArticle>" }
            let path = root.appendingPathComponent(name).path
            try Data(("<PubmedArticleSet>\n" + records.joined(separator: "\n") + "\n</PubmedArticleSet>\n").utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        let shared = try collection("shared.xml", pmids: 88_000_001...88_000_003)
        let own = [try collection("one.xml", pmids: 88_100_001...88_100_004), try collection("two.xml", pmids: 88_200_001...88_200_004)]

        let outcomes = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let workspace = [first, second][index].path
            let steps: [[String]] = [
                ["refs", "ingest", shared], ["inbox", "--as", "exp-01", "--settle", "0"], ["digest", "--wait", "30"],
                ["advance", "A-2026-003", "--as", "exp-01"], ["refs", "ingest", own[index]], ["digest", "--wait", "30"],
                ["refs", "ingest", shared], ["inbox", "--as", "exp-01", "--settle", "0"], ["digest", "--wait", "30"],
            ]
            for step in steps {
                do {
                    let result = try cli.panel(step + ["--workspace", workspace])
                    outcomes.mutate { $0.append("\(index) \(step[0]) \(result.status) \(result.error.prefix(200))") }
                } catch {
                    outcomes.mutate { $0.append("\(index) \(step[0]) failed to run: \(error)") }
                }
            }
        }
        // Every step ran; advance may be refused (exit 3) on the machine that came second, nothing else fails.
        let unexpected = outcomes.value.filter { line in
            let parts = line.split(separator: " ")
            return !(parts[2] == "0" || (parts[1] == "advance" && parts[2] == "3"))
        }
        #expect(unexpected.isEmpty, "\(unexpected)")

        let store = try PostgresStore(url: url)
        let reviews = try store.reviews(of: "A-2026-001")
        #expect(reviews.map(\.reviewer).sorted() == reviewers)
        #expect(try store.referenceCount() == 20 + 3 + 8)
        let advanced = try store.events(about: "A-2026-003", type: StageAdvanced.type)
            .filter { try $0.payload(as: StageAdvanced.self)?.to == "first-order-draft" }
        #expect(advanced.count == 1)
        // No notification key issued by two digests.
        let keys = try store.digests(limit: 100).flatMap(\.keys)
        #expect(keys.count == Set(keys).count)
        #expect(try verified(first.path) == verified(second.path))
        let status = ["status", "--format", "json", "--as", "exp-01"]
        #expect(try cli.panel(status + ["--workspace", first.path]).output == cli.panel(status + ["--workspace", second.path]).output)
    }
}
