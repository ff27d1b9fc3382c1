import Crypto
import Foundation
import GRDB
import Testing
@testable import PanelCore
@testable import PanelSQLite
@testable import PanelRelational
@testable import PanelPostgres

/// The stores the contract suite runs on: SQLite always, PostgreSQL when
/// `PANEL_TEST_POSTGRES` names a server (`.ci/run` starts one; CI fails when it cannot).
enum StoreKind: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["PANEL_TEST_POSTGRES"]
        if url == nil, ProcessInfo.processInfo.environment["CI"] != "true" {
            print("note: PANEL_TEST_POSTGRES is not set, so the store contract tests run on SQLite only (.ci/postgres start DIR PORT prints a URL)")
        }
        return url
    }()

    static var available: [StoreKind] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

/// A fresh workspace folder and store per test: a SQLite file, or a schema of
/// its own in the test server's database (dropped afterwards).
final class TemporaryStore: @unchecked Sendable {
    let kind: StoreKind
    let directory: URL
    let store: any PanelStore
    let objects: ObjectStore
    /// The URL of this test's PostgreSQL schema, or the SQLite file's path.
    let location: String

    init(_ kind: StoreKind = .sqlite) throws {
        self.kind = kind
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("panel-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        objects = ObjectStore(root: directory.appendingPathComponent("objects"))
        switch kind {
        case .sqlite:
            location = directory.appendingPathComponent("panel.sqlite").path
            store = try SQLiteStore(path: location)
        case .postgres:
            let server = try #require(StoreKind.postgresURL, "PANEL_TEST_POSTGRES is not set")
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            location = server + (server.contains("?") ? "&" : "?") + "schema=\(schema)"
            store = try PostgresStore(url: location)
        }
    }

    deinit {
        if let postgres = store as? PostgresStore {
            // Cleanup of a throwaway schema: a failure here leaves an empty schema on a throwaway server.
            try? postgres.dropSchema()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A second connection to the same store, as another process would open it.
    func reopen() throws -> any PanelStore {
        switch kind {
        case .sqlite: try SQLiteStore(path: location)
        case .postgres: try PostgresStore(url: location)
        }
    }

    /// Edits the database behind the store's back, as an attacker would.
    func tamper(_ sql: String) throws {
        if let postgres = store as? PostgresStore {
            try postgres.session.script(sql)
        } else {
            let queue = try DatabaseQueue(path: location)
            try queue.write { try $0.execute(sql: sql) }
        }
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

@Suite("The test PostgreSQL server")
struct PostgresServerTests {
    /// CI must not pass by skipping: there, the server has to be there and answer.
    @Test func ciRunsTheContractSuiteOnPostgreSQL() throws {
        guard ProcessInfo.processInfo.environment["CI"] == "true" else { return }
        let url = try #require(StoreKind.postgresURL, "CI=true but PANEL_TEST_POSTGRES is not set: .ci/run starts a server and sets it")
        _ = try PostgresStore(url: url)
    }

    /// A panel gets a schema of its own: one holding an application's tables is refused, and
    /// nothing of the panel's is created in it.
    @Test(.enabled(if: StoreKind.postgresURL != nil, "PANEL_TEST_POSTGRES is not set"))
    func aSchemaWithOtherTablesIsRefused() throws {
        let helper = try TemporaryStore(.postgres)
        let schema = "app_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try helper.tamper("CREATE SCHEMA \(schema); CREATE TABLE \(schema).app_users (id INT); CREATE TABLE \(schema).app_orders (id INT)")
        defer { try? helper.tamper("DROP SCHEMA \(schema) CASCADE") }
        let server = try #require(StoreKind.postgresURL)
        let url = server + (server.contains("?") ? "&" : "?") + "schema=\(schema)"
        let location = try PostgresLocation(url: url)
        #expect(throws: PostgresStoreError.location(
            "schema '\(schema)' of \(location) holds tables that are not a panel's (app_orders, app_users); "
            + "give the panel a schema of its own: add ?schema=NAME to the URL")) { try PostgresStore(location: location) }
        let session = try #require(helper.store as? PostgresStore).session
        let tables = try session.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1", [schema])
        #expect(try tables.map { try $0.string(0) } == ["app_orders", "app_users"])
    }
}

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The workflows that ship, by id.
    static func workflows(blinding: String? = nil) throws -> [String: Workflow] {
        var loaded: [String: Workflow] = [:]
        for name in ["annual-report", "rapid-assessment"] {
            let path = root.deletingLastPathComponent().appendingPathComponent("workflows/\(name).yaml").path
            var text = try String(contentsOfFile: path, encoding: .utf8)
            if let blinding { text = text.replacingOccurrences(of: "blinding: double", with: "blinding: \(blinding)") }
            loaded[name] = try WorkflowFile.parse(text, file: path)
        }
        return loaded
    }

    /// The shipped roster of 40 fictional experts.
    static func members() throws -> [Member] {
        try RosterFile.parse(String(contentsOfFile: path("panel/members.yaml"), encoding: .utf8), file: "members.yaml")
    }
}

@Suite("Event log")
struct EventLogTests {
    let time = Date(timeIntervalSince1970: 1_790_000_000)

    func seeded(_ count: Int, _ kind: StoreKind) throws -> TemporaryStore {
        let temporary = try TemporaryStore(kind)
        for index in 1...count {
            try temporary.store.append([NewEvent(WorkspaceInitialized(name: "n\(index)"), subject: "s", actor: "exp-01", time: time)])
        }
        return temporary
    }

    @Test(arguments: StoreKind.available) func appendedEventsChainAndVerify(kind: StoreKind) throws {
        let temporary = try seeded(5, kind)
        let events = try temporary.store.events(after: 0, limit: nil)
        #expect(events.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(events[0].previousHash == EventChain.genesis)
        #expect(events[1].previousHash == events[0].hash)
        let verifier = try temporary.store.verifyChain()
        #expect(verifier.firstBreak == nil)
        #expect(verifier.checked == 5)
    }

    @Test(arguments: StoreKind.available) func alteredRowIsCaught(kind: StoreKind) throws {
        let temporary = try seeded(5, kind)
        try temporary.tamper("UPDATE event SET payload = '{\"n\":42}' WHERE sequence = 3")
        #expect(try temporary.store.verifyChain().firstBreak?.sequence == 3)
    }

    @Test(arguments: StoreKind.available) func alteredActorIsCaught(kind: StoreKind) throws {
        let temporary = try seeded(5, kind)
        try temporary.tamper("UPDATE event SET actor = 'exp-99' WHERE sequence = 4")
        #expect(try temporary.store.verifyChain().firstBreak?.sequence == 4)
    }

    @Test(arguments: StoreKind.available) func removedRowIsCaught(kind: StoreKind) throws {
        let temporary = try seeded(5, kind)
        try temporary.tamper("DELETE FROM event WHERE sequence = 2")
        #expect(try temporary.store.verifyChain().firstBreak?.sequence == 2)
    }

    @Test(arguments: StoreKind.available) func removedLastRowIsCaught(kind: StoreKind) throws {
        let temporary = try seeded(5, kind)
        try temporary.tamper("DELETE FROM event WHERE sequence = 5")
        #expect(try temporary.store.verifyChain().firstBreak?.sequence == 5)
    }

    @Test(arguments: StoreKind.available) func reorderedRowsAreCaught(kind: StoreKind) throws {
        let temporary = try seeded(5, kind)
        try temporary.tamper("""
            UPDATE event SET sequence = -1 WHERE sequence = 2;
            UPDATE event SET sequence = 2 WHERE sequence = 3;
            UPDATE event SET sequence = 3 WHERE sequence = -1;
            """)
        #expect(try temporary.store.verifyChain().firstBreak?.sequence == 2)
    }

    /// Nothing is backdated: an event older than the log's last is refused, except by the moment two
    /// writers that read the clock at once and queued for the lock can be apart (recorded at the last time).
    @Test(arguments: StoreKind.available) func nothingIsBackdated(kind: StoreKind) throws {
        let temporary = try seeded(2, kind)
        let early = NewEvent(WorkspaceInitialized(name: "late"), subject: "s", actor: "exp-01", time: time.addingTimeInterval(-3_600))
        #expect(throws: StoreError.backdated(time: Timestamp.format(early.time), last: Timestamp.format(time), sequence: 2)) {
            try temporary.store.append([early])
        }
        let racing = NewEvent(WorkspaceInitialized(name: "racing"), subject: "s", actor: "exp-01", time: time.addingTimeInterval(-0.8))
        let recorded = try temporary.store.append([racing])
        #expect(recorded.map(\.time) == [Timestamp.format(time)])
        #expect(try temporary.store.verifyChain().firstBreak == nil)
    }

    @Test(arguments: StoreKind.available) func migrationsAreIdempotent(kind: StoreKind) throws {
        let temporary = try seeded(2, kind)
        let reopened = try temporary.reopen()
        #expect(try reopened.events(after: 0, limit: nil).count == 2)
    }
}

@Suite("Reference ingestion")
struct IngestTests {
    let clock = FixedClock(Date(timeIntervalSince1970: 1_790_000_000))

    func ingester(_ temporary: TemporaryStore, format: String? = nil) throws -> ReferenceIngester {
        let config = try WorkspaceConfig.parse(String(contentsOfFile: Fixtures.path("panel.yaml"), encoding: .utf8), file: "panel.yaml")
        return try ReferenceIngester(
            store: temporary.store, objects: temporary.objects, registry: ReferenceAdapterRegistry(generic: config.mappings),
            clock: clock, actor: "cron", format: format)
    }

    @Test(arguments: StoreKind.available) func fixturesIngestOnceAndOnlyOnce(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let first = try ingester(temporary).ingest(paths: [Fixtures.path("references")])
        #expect(first.rejected == [])
        #expect(first.files == 10)
        #expect(first.added == 20)
        #expect(first.references.count == 20)
        #expect(first.duplicateNotes.map(\.reason) == ["same doi:10.5555/jaigs.2025.0142"])
        // One event per file that added something: the JATS copy of the Crossref article added nothing.
        let eventsAfterFirst = try temporary.store.events(after: 0, limit: nil).count
        #expect(eventsAfterFirst == 9)

        let second = try ingester(temporary).ingest(paths: [Fixtures.path("references")])
        #expect(second.added == 0)
        #expect(second.duplicates == 21)
        #expect(try temporary.store.events(after: 0, limit: nil).count == eventsAfterFirst)
        #expect(try temporary.store.referenceCount() == 20)
        #expect(try temporary.store.verifyChain().firstBreak == nil)
    }

    @Test(arguments: StoreKind.available) func originalBytesAreKeptByContent(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let path = Fixtures.path("references/jats/autonomous-replication.xml")
        let report = try ingester(temporary).ingest(paths: [path])
        let reference = try #require(try temporary.store.reference(matching: report.references[0]))
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        switch kind {
        case .sqlite:
            // Beside the embedded store, an original is a file named by its hash, written once.
            #expect(try temporary.store.object(reference.object) == nil)
            #expect(try [UInt8](temporary.objects.read(reference.object)) == original)
        case .postgres:
            #expect(try temporary.store.object(reference.object) == original)
        }
        let event = try #require(try temporary.store.events(after: 0, limit: nil).last)
        #expect(try event.payload(as: ReferencesIngested.self)?.object == reference.object)
        // A whole document's references are stored with the file's address; a streamed collection's
        // get it when the file ends: either way every reference names its file's bytes.
        let collection = Fixtures.path("references/pubmed/pubmed-ai-health.xml")
        let streamed = try ingester(temporary).ingest(paths: [collection])
        #expect(streamed.added > 1)
        let address = SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: collection))).map { String(format: "%02x", $0) }.joined()
        for id in streamed.references {
            #expect(try temporary.store.reference(matching: id)?.object == address)
        }
        #expect(reference.object == SHA256.hash(data: Data(original)).map { String(format: "%02x", $0) }.joined())
    }

    /// Large originals: files in the object folder beside a SQLite store (as every original is); large
    /// objects in PostgreSQL, streamed in chunks (machines that share the database share no folder).
    @Test(arguments: StoreKind.available) func largeCollectionsAreKeptWhole(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        var small = temporary.objects
        small.inlineLimit = 1_000
        let path = Fixtures.path("references/pubmed/pubmed-ai-health.xml")
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let ingester = try ReferenceIngester(
            store: temporary.store, objects: small, registry: ReferenceAdapterRegistry(), clock: clock, actor: "cron")
        let report = ingester.ingest(paths: [path])
        let reference = try #require(try temporary.store.reference(matching: report.references[0]))
        switch kind {
        case .sqlite:
            #expect(try temporary.store.object(reference.object) == nil)
            #expect(try small.read(reference.object) == original)
        case .postgres:
            #expect(try temporary.store.object(reference.object) == [UInt8](original))
            #expect(!FileManager.default.fileExists(atPath: small.url(for: reference.object).path))
        }
        // Nothing is left in the temporary folder either way.
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: small.root.appendingPathComponent("tmp").path)) ?? []
        #expect(leftovers.isEmpty)
    }

    @Test(arguments: StoreKind.available) func badFilesAreRejectedWithPositionAndChangeNothing(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let report = try ingester(temporary).ingest(paths: [Fixtures.path("references-bad")])
        #expect(report.added == 0)
        let messages = report.rejected.map { $0.message.replacingOccurrences(of: Fixtures.path("references-bad") + "/", with: "") }
        #expect(messages == [
            "empty.xml:1:1: empty file: no XML document",
            "entity-declaration.xml:3:35: entity declarations are not allowed (found 'org')",
            "external-entity.xml:3:43: entity declarations are not allowed (found 'xxe')",
            "mismatched-tags.xml:12:111: Opening and ending tag mismatch: p line 12 and title",
            "not-xml.xml:1:1: not an XML document: no root element found",
            "truncated.xml:31:146: the file ends inside <p> with 4 elements still open (truncated?)",
            "unknown-root.xml:1:1: no adapter reads a <{urn:example:warehouse}inventory> document (known: jats, akn, pubmed, crossref, atom, rss, generic:incident-register; add a generic mapping in panel.yaml)",
        ])
        #expect(try temporary.store.referenceCount() == 0)
        #expect(try temporary.store.events(after: 0, limit: nil).isEmpty)
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: temporary.objects.root.appendingPathComponent("tmp").path)) ?? []
        #expect(leftovers.isEmpty)
    }

    @Test(arguments: StoreKind.available) func aDocumentWithNeitherTitleNorIdentifierIsNotStored(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let path = Fixtures.path("references-real-world/publisher-native-article.bad.xml")
        let report = try ingester(temporary).ingest(paths: [path])
        #expect(report.added == 0)
        #expect(report.rejected.map(\.message) == [
            "\(path):1:1: <article> with neither a title nor an identifier in front/article-meta (article-title, article-id): nothing to cite it by; if it is publisher-native XML (Nature, IOP, RSC), it needs a generic mapping in panel.yaml",
        ])
        #expect(try temporary.store.referenceCount() == 0)
    }

    @Test(arguments: StoreKind.available) func aRelativeNamespaceURIIsRefusedAtItsLine(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let path = Fixtures.path("references-real-world/relative-namespace.bad.xml")
        let report = try ingester(temporary).ingest(paths: [path])
        #expect(report.added == 0)
        #expect(report.rejected.map(\.message) == [
            "\(path):6: cannot canonicalise: <custom-meta-group> declares xmlns:sup=\"supplement/v1\", a relative namespace URI, which Canonical XML refuses; the namespace must be an absolute URI",
        ])
        #expect(try temporary.store.referenceCount() == 0)
    }

    @Test(arguments: StoreKind.available) func collectionBrokenHalfwayAddsNothing(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        var text = "<PubmedArticleSet>\n"
        for index in 1...3 {
            text += "<PubmedArticle><MedlineCitation><PMID>9900010\(index)</PMID><Article><ArticleTitle>T\(index)</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
        }
        text += "<PubmedArticle><MedlineCitation><PMID>1</PMID></Oops></PubmedArticleSet>"
        let path = try temporary.write("broken.xml", text)
        let report = try ingester(temporary).ingest(paths: [path])
        #expect(report.rejected.count == 1)
        #expect(report.rejected[0].message.hasPrefix(path + ":5:"))
        #expect(try temporary.store.referenceCount() == 0)
        #expect(try temporary.store.events(after: 0, limit: nil).isEmpty)
    }

    @Test(arguments: StoreKind.available) func repeatedRecordInOneCollectionIsAddedOnce(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let record = "<PubmedArticle><MedlineCitation><PMID>99000777</PMID><Article><ArticleTitle>Same</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
        let other = "<PubmedArticle><MedlineCitation><PMID>99000777</PMID><Article><ArticleTitle>Revised title</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
        let path = try temporary.write("twice.xml", "<PubmedArticleSet>\n" + record + record + other + "</PubmedArticleSet>")
        let report = try ingester(temporary).ingest(paths: [path])
        #expect(report.added == 1)
        #expect(report.duplicateNotes.map(\.reason) == ["same canonical XML", "same pmid:99000777"])
    }

    @Test(arguments: StoreKind.available) func forcedFormatMustFitTheDocument(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let report = try ingester(temporary, format: "pubmed").ingest(paths: [Fixtures.path("references/jats/autonomous-replication.xml")])
        #expect(report.rejected.first?.message.hasSuffix("--format pubmed does not read a <article> document") == true)
        #expect(throws: IngestError.self) { try ingester(temporary, format: "docbook") }
    }

    /// A feed item whose date is in no form the reader knows is stored undated, and the report
    /// says so, naming the file, the item and the text: never an undated reference unsaid.
    @Test(arguments: StoreKind.available) func anUnreadableFeedDateIsStoredUndatedWithAWarning(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        func item(_ n: Int, _ dates: String) -> String {
            "<item><title>Item \(n)</title><guid>https://example.org/item-\(n)</guid>\(dates)</item>"
        }
        let path = try temporary.write("news.rss", """
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>News</title>
            \(item(1, "<pubDate>Tue, 04 Nov 2025 09:30:00 +0000</pubDate>"))
            \(item(2, "<pubDate>sometime next week</pubDate>"))
            \(item(3, "<pubDate>soon</pubDate><dc:date>2025-11-06</dc:date>"))
            \(item(4, ""))
            </channel></rss>
            """)
        let report = try ingester(temporary).ingest(paths: [path])
        #expect(report.added == 4 && report.rejected.isEmpty)
        #expect(report.warnings == ["\(path): record 2: <pubDate> 'sometime next week' is not a date in a form this reader knows; stored undated"])
        let dates = try temporary.store.references(limit: 10, offset: 0).sorted { $0.recordIndex < $1.recordIndex }.map(\.metadata.published)
        #expect(dates == ["2025-11-04", nil, "2025-11-06", nil])
    }

    @Test(arguments: StoreKind.available) func missingPathIsReported(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let report = try ingester(temporary).ingest(paths: ["/nonexistent/refs"])
        #expect(report.rejected == [Rejection(source: "/nonexistent/refs", message: "/nonexistent/refs: no such file or directory", read: false)])
        #expect(report.files == 0)
    }

    @Test(arguments: StoreKind.available) func searchRanksFiltersAndSnippets(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        _ = try ingester(temporary).ingest(paths: [Fixtures.path("references")])
        let hits = try temporary.store.search(ReferenceQuery(try SearchExpression.parse("election disinformation")))
        #expect(hits.first?.reference.metadata.identifiers.contains(ReferenceIdentifier(.doi, "10.5555/jaigs.2025.0142")) == true)
        #expect(hits.first?.snippet.contains("[") == true)
        let pubmedOnly = try temporary.store.search(ReferenceQuery(try SearchExpression.parse("privacy"), format: .pubmed))
        #expect(!pubmedOnly.isEmpty)
        #expect(pubmedOnly.allSatisfy { $0.reference.format == .pubmed })
        let dated = try temporary.store.search(ReferenceQuery(try SearchExpression.parse("AI"), from: "2026", to: "2026"))
        #expect(dated.allSatisfy { $0.reference.metadata.published?.hasPrefix("2026") == true })
        let keyword = try temporary.store.search(ReferenceQuery(try SearchExpression.parse("deepfake OR election OR elections"), keyword: "elections"))
        #expect(!keyword.isEmpty)
        #expect(keyword.allSatisfy { $0.reference.metadata.keywords.contains { $0.lowercased() == "elections" } })
        let brazil = try temporary.store.search(ReferenceQuery(try SearchExpression.parse("candidate"), country: "BR"))
        #expect(brazil.map(\.reference.metadata.country) == ["BR"])
        #expect(try temporary.store.search(ReferenceQuery(try SearchExpression.parse("zebrafish"))).isEmpty)
        // What FTS5 would read as syntax is refused or searched as words: no store error reaches the user.
        for text in ["title:election", "NEAR(election disinformation)", "election^2 \"", "AND OR"] {
            if let expression = try? SearchExpression.parse(text) {
                _ = try temporary.store.search(ReferenceQuery(expression))
            }
        }
        #expect(try temporary.store.search(ReferenceQuery(try SearchExpression.parse("election -disinformation"))).allSatisfy {
            !$0.reference.metadata.title.lowercased().contains("disinformation")
        })
    }

    @Test(arguments: StoreKind.available) func lookupByAnyIdentifier(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        _ = try ingester(temporary).ingest(paths: [Fixtures.path("references")])
        #expect(try temporary.store.reference(matching: "pmid:99000002")?.format == .pubmed)
        #expect(try temporary.store.reference(matching: "99000002")?.format == .pubmed)
        #expect(try temporary.store.reference(matching: "https://doi.org/10.5555/JAIGS.2025.0142")?.format == .crossref)
        #expect(try temporary.store.reference(matching: "doi:10.5555/JAIGS.2025.0142")?.metadata.title.hasPrefix("Synthetic") == true)
        #expect(try temporary.store.reference(matching: "frbr:/akn/un/statement/resolution/unga/2025-08-26/79-325")?.format == .akn)
        let byID = try #require(try temporary.store.references(limit: 1, offset: 0).first)
        #expect(try temporary.store.reference(matching: byID.id)?.id == byID.id)
    }

    /// `--jobs N`: the same references with the same ids, the same rule matches, the same rejections and
    /// the same log, event for event and hash for hash, whatever N, with files streamed and prepared mixed.
    @Test func parallelIngestGivesTheSameResultForAnyNumberOfJobs() throws {
        let repository = Fixtures.root.deletingLastPathComponent()
        let rules = try RuleFile.load(["reference-rules.yaml"].map { repository.appendingPathComponent("workflows/rules/\($0)").path })
        let paths = ["references", "references-real-world", "references-bad"].map(Fixtures.path)
        func run(jobs: Int) throws -> (events: [EventRecord], references: [String], matches: [RuleMatch], report: IngestReport, originals: [String]) {
            let temporary = try TemporaryStore()
            let config = try WorkspaceConfig.parse(String(contentsOfFile: Fixtures.path("panel.yaml"), encoding: .utf8), file: "panel.yaml")
            let ingester = try ReferenceIngester(
                store: temporary.store, objects: temporary.objects, registry: ReferenceAdapterRegistry(generic: config.mappings),
                clock: clock, actor: "cron", rules: ReferenceRuleSet(rules))
            ingester.jobs = jobs
            ingester.preparedFileLimit = 6_000  // the larger fixtures are streamed by the writer, the rest prepared by workers
            ingester.batchFiles = 4  // several transactions
            var report = ingester.ingest(paths: paths)
            report.seconds = 0
            var matches: [RuleMatch] = []
            try temporary.store.forEachRuleMatch { matches.append($0) }
            // The originals kept as files (workers write those of the files they prepare), and no temporary left.
            let manager = FileManager.default
            let originals = (manager.enumerator(atPath: temporary.objects.root.appendingPathComponent("sha256").path)?.allObjects as? [String] ?? [])
                .filter { $0.count > 3 }.sorted()
            let leftovers = (try? manager.contentsOfDirectory(atPath: temporary.objects.root.appendingPathComponent("tmp").path)) ?? []
            #expect(leftovers.isEmpty, "jobs \(jobs): \(leftovers)")
            return (try temporary.store.events(after: 0, limit: nil), try temporary.store.references(limit: 1_000, offset: 0).map(\.id),
                    matches, report, originals)
        }
        let single = try run(jobs: 1)
        #expect(single.references.count == 36 && !single.matches.isEmpty && single.report.rejected.count == 11, "\(single.report.rejected)")
        #expect(single.originals.count > 20)
        for jobs in [2, 3, 8] {
            let parallel = try run(jobs: jobs)
            #expect(parallel.events == single.events, "jobs \(jobs)")
            #expect(parallel.references == single.references, "jobs \(jobs)")
            #expect(parallel.matches == single.matches, "jobs \(jobs)")
            #expect(parallel.report == single.report, "jobs \(jobs)")
            #expect(parallel.originals == single.originals, "jobs \(jobs)")
        }
    }

    /// A feed polled on a quiet day has no items: nothing stored, a warning, and no rejection (the
    /// daily job does not fail for it). A JATS file with nothing in it is still rejected.
    @Test(arguments: StoreKind.available) func anEmptyFeedIsAQuietDayNotABadFile(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("empty-feeds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rss = folder.appendingPathComponent("quiet.rss.xml")
        try Data("<rss version=\"2.0\"><channel><title>Ministry</title><link>https://m.example.org/</link><description>News</description></channel></rss>".utf8).write(to: rss)
        let atom = folder.appendingPathComponent("quiet.atom.xml")
        try Data("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Office</title><id>urn:x</id><updated>2026-01-01T00:00:00Z</updated></feed>".utf8).write(to: atom)
        let report = try ingester(temporary).ingest(paths: [rss.path, atom.path])
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        #expect(report.added == 0 && report.files == 2)
        #expect(report.warnings == ["\(rss.path): an empty rss feed (no items): nothing to store",
                                    "\(atom.path): an empty atom feed (no items): nothing to store"])
        #expect(try temporary.store.events(after: 0, limit: nil).isEmpty, "nothing recorded for nothing")
        let article = folder.appendingPathComponent("empty-article.xml")
        try Data("<article><front><article-meta></article-meta></front></article>".utf8).write(to: article)
        #expect(try ingester(temporary).ingest(paths: [article.path]).rejected.count == 1)
    }

    @Test(arguments: StoreKind.available) func theAkomaNtosoNamespaceADocumentUsedIsKept(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        _ = try ingester(temporary).ingest(paths: [Fixtures.path("references-real-world/wd17-act.xml")])
        let act = try #require(try temporary.store.reference(matching: "frbr:/akn/gh/act/2025/14"))
        #expect(act.metadata.namespace == "http://docs.oasis-open.org/legaldocml/ns/akn/3.0/WD17")
        // Its heading and text touch in the file (`<heading>Purpose</heading><content><p>Public…`):
        // each is still a word the index finds.
        for word in ["purpose", "public"] {
            let hits = try temporary.store.search(ReferenceQuery(try SearchExpression.parse(word)))
            #expect(hits.map(\.reference.id) == [act.id], "\(word)")
        }
    }
}

@Suite("Projections match the fold of the log")
struct ProjectionTests {
    static let time = Date(timeIntervalSince1970: 1_790_000_000)

    /// A store holding the shipped roster, and the annual-report workflow.
    static func withRoster(_ kind: StoreKind) throws -> (TemporaryStore, [Member], Workflow) {
        let temporary = try TemporaryStore(kind)
        let members = try RosterFile.parse(String(contentsOfFile: Fixtures.path("panel/members.yaml"), encoding: .utf8), file: "m.yaml")
        try temporary.store.append(try RosterDecisions.importRoster(members, current: [], actor: "secretariat", time: time).get())
        let workflowPath = Fixtures.root.deletingLastPathComponent().appendingPathComponent("workflows/annual-report.yaml").path
        return (temporary, members, try WorkflowFile.parse(String(contentsOfFile: workflowPath, encoding: .utf8), file: workflowPath))
    }

    @Test(arguments: StoreKind.available) func rosterAndAssessmentTablesEqualTheReplayedLog(kind: StoreKind) throws {
        let (temporary, members, workflow) = try Self.withRoster(kind)
        let time = Self.time
        let open = OpenAssessment(title: "T", kind: .risk, domain: .misinformation, workflow: "annual-report",
                                  authors: [AssessmentAuthor(member: "exp-03", role: .coordinatingLeadAuthor)], ratings: Ratings())
        try temporary.store.append(try AssessmentDecisions.open(open, existing: [], workflows: ["annual-report": workflow],
                                                               members: members, actor: "exp-01", now: time).get())
        let text = try DraftText.read(Array("# Draft\n- finding {#S1}\n".utf8), file: "d.md").get()
        let assessment = try #require(try temporary.store.assessment("A-2026-001"))
        try temporary.store.append(try AssessmentDecisions.submitDraft(text, to: assessment, workflow: workflow, members: members,
                                                                      actor: "exp-03", now: time).get(),
                                   objects: [text.hash: Array("# Draft\n- finding {#S1}\n".utf8)])
        let log = try temporary.store.events(after: 0, limit: nil)
        let fold = try PanelState.replay(log)
        #expect(try temporary.store.members() == fold.members)
        #expect(try temporary.store.assessments() == fold.assessments)
        #expect(try temporary.store.verifyState() == [])
        #expect(try temporary.store.object(text.hash) == Array("# Draft\n- finding {#S1}\n".utf8))
        #expect(try temporary.store.verifyChain().firstBreak == nil)
    }

    /// `status` asks for statements only where a stage reads them; the rest of each assessment is read whole.
    @Test(arguments: StoreKind.available) func statementsAreReadOnlyWhereAsked(kind: StoreKind) throws {
        let (temporary, members, workflow) = try Self.withRoster(kind)
        let time = Self.time
        for title in ["First", "Second"] {
            // Each assessment's own statements, so that statements given to the wrong one show.
            let draft = Array("# Draft\n- It is likely that \(title) holds (high confidence). {#S1}\n- \(title) perhaps. {#S2}\n".utf8)
            let open = OpenAssessment(title: title, kind: .risk, domain: .misinformation, workflow: "annual-report",
                                      authors: [AssessmentAuthor(member: "exp-03", role: .coordinatingLeadAuthor)], ratings: Ratings())
            let opened = try temporary.store.append(try AssessmentDecisions.open(open, existing: try temporary.store.assessments(),
                                                                                 workflows: ["annual-report": workflow], members: members,
                                                                                 actor: "exp-01", now: time).get())
            let id = try #require(opened.first?.subject)
            let text = try DraftText.read(draft, file: "d.md").get()
            try temporary.store.append(try AssessmentDecisions.submitDraft(text, to: try #require(try temporary.store.assessment(id)),
                                                                          workflow: workflow, members: members, actor: "exp-03", now: time).get(),
                                       objects: [text.hash: draft])
        }
        let whole = try temporary.store.assessments()
        #expect(whole.map(\.statements.count) == [2, 2])
        let read = try temporary.store.assessments(withStatements: { $0.title == "Second" })
        #expect(read[1] == whole[1])
        #expect(read[0].statementsOmitted)
        var first = read[0]
        first.restore(statements: whole[0].statements)
        #expect(first == whole[0])
        #expect(try temporary.store.assessments(withStatements: { _ in false }).allSatisfy(\.statementsOmitted))
        // Asked of the first only, then of one by id: each gets its own statements.
        let firstOnly = try temporary.store.assessments(withStatements: { $0.title == "First" })
        #expect(firstOnly[0] == whole[0])
        #expect(firstOnly[1].statementsOmitted)
        #expect(whole[0].statements != whole[1].statements)
        #expect(try temporary.store.assessment(whole[1].id) == whole[1])
    }

    /// A store with one assessment ("Earlier") and a draft submitted for each of `texts`.
    static func assessmentWithDrafts(_ kind: StoreKind, _ texts: [String]) throws -> (TemporaryStore, String) {
        let (temporary, members, workflow) = try withRoster(kind)
        let open = OpenAssessment(title: "Earlier", kind: .risk, domain: .misinformation, workflow: "annual-report",
                                  authors: [AssessmentAuthor(member: "exp-03", role: .coordinatingLeadAuthor)], ratings: Ratings())
        let opened = try temporary.store.append(try AssessmentDecisions.open(open, existing: [], workflows: ["annual-report": workflow],
                                                                             members: members, actor: "exp-01", now: time).get())
        let id = try #require(opened.first?.subject)
        for text in texts {
            let draft = Array("# Draft\n\(text)".utf8)
            let read = try DraftText.read(draft, file: "d.md").get()
            try temporary.store.append(try AssessmentDecisions.submitDraft(read, to: try #require(try temporary.store.assessment(id)),
                                                                          workflow: workflow, members: members, actor: "exp-03", now: time).get(),
                                       objects: [read.hash: draft])
        }
        return (temporary, id)
    }

    /// The earlier layout: statements and drafts inside the record, no column or table, the migrations not yet applied.
    static func putBackTheEarlierLayout(_ temporary: TemporaryStore, kind: StoreKind) throws {
        switch kind {
        case .sqlite:
            try temporary.tamper("""
                UPDATE assessment SET record = json_set(record, '$.statements', json(statements), '$.drafts', (
                    SELECT json_group_array(json(d)) FROM (
                        SELECT json_object('version', version, 'hash', hash, 'lines', lines, 'statementCount', statement_count,
                                           'stage', stage, 'submittedAt', submitted_at, 'submittedBy', submitted_by,
                                           'citations', json(citations)) AS d
                        FROM draft WHERE draft.assessment = assessment.id ORDER BY position)));
                ALTER TABLE assessment DROP COLUMN statements;
                DROP TABLE draft;
                DELETE FROM grdb_migrations WHERE identifier IN ('v12-assessment-statements', 'v13-drafts');
                """)
        case .postgres:
            try temporary.tamper("""
                UPDATE assessment SET record = jsonb_set(jsonb_set(record::jsonb, '{statements}', statements::jsonb), '{drafts}', (
                    SELECT jsonb_agg(jsonb_build_object('version', version, 'hash', hash, 'lines', lines, 'statementCount', statement_count,
                                                        'stage', stage, 'submittedAt', submitted_at, 'submittedBy', submitted_by,
                                                        'citations', citations::jsonb) ORDER BY position)
                    FROM draft WHERE draft.assessment = assessment.id))::text;
                ALTER TABLE assessment DROP COLUMN statements;
                DROP TABLE draft;
                DELETE FROM panel_migration WHERE name IN ('pg3-assessment-statements', 'pg4-drafts')
                """)
        }
    }

    /// A record of the earlier layout that a draft row cannot be made from (a draft without its
    /// hash) stops the move with a message naming the assessment, the draft and what it lacks.
    @Test(arguments: StoreKind.available) func aDraftTheEarlierRecordCannotMoveIsNamed(kind: StoreKind) throws {
        let (temporary, id) = try Self.assessmentWithDrafts(kind, ["- X. {#S1}\n", "- Y. {#S1}\n"])
        try Self.putBackTheEarlierLayout(temporary, kind: kind)
        switch kind {
        case .sqlite: try temporary.tamper("UPDATE assessment SET record = json_remove(record, '$.drafts[1].hash')")
        case .postgres: try temporary.tamper("UPDATE assessment SET record = (record::jsonb #- '{drafts,1,hash}')::text")
        }
        do {
            _ = try temporary.reopen()
            Issue.record("a draft without its hash was moved")
        } catch let error as StoreError {
            #expect(error.description.hasPrefix("the store's assessment row '\(id)' cannot be moved to this version's layout: its draft 2 has no 'hash'"))
        }
    }

    /// What the move to the draft table needs is checked with the columns' types: a wrong kind is
    /// named as such, not left to a constraint or to a later read.
    @Test(arguments: [
        ("{\"drafts\":[{\"version\":1.5,\"hash\":\"h\",\"lines\":1,\"statementCount\":1,\"stage\":\"s\",\"submittedAt\":\"t\",\"submittedBy\":\"m\"}]}",
         "its draft 1 has 'version' of the wrong kind (a whole number expected)"),
        ("{\"drafts\":[{\"version\":true,\"hash\":\"h\",\"lines\":1,\"statementCount\":1,\"stage\":\"s\",\"submittedAt\":\"t\",\"submittedBy\":\"m\"}]}",
         "its draft 1 has 'version' of the wrong kind (a whole number expected)"),
        ("{\"drafts\":[{\"version\":1,\"hash\":\"h\",\"lines\":1,\"statementCount\":1,\"stage\":\"s\",\"submittedAt\":\"t\",\"submittedBy\":\"m\"},{\"version\":2,\"hash\":\"h\",\"lines\":[1],\"statementCount\":1,\"stage\":\"s\",\"submittedAt\":\"t\",\"submittedBy\":\"m\"}]}",
         "its draft 2 has 'lines' of the wrong kind (a whole number expected)"),
        ("{\"drafts\":[{\"version\":1,\"lines\":1,\"statementCount\":1,\"stage\":\"s\",\"submittedAt\":\"t\",\"submittedBy\":\"m\"}]}",
         "its draft 1 has no 'hash'"),
        ("{\"drafts\":[{\"version\":1,\"hash\":7,\"lines\":1,\"statementCount\":1,\"stage\":\"s\",\"submittedAt\":\"t\",\"submittedBy\":\"m\"}]}",
         "its draft 1 has 'hash' of the wrong kind (text expected)"),
        ("{\"drafts\":{}}", "its record's drafts are not a list"),
        ("{\"drafts\":[3]}", "its draft 1 is not a JSON object"),
        ("not json", "its record is not JSON"),
    ])
    func aDraftOfTheWrongKindIsNamed(record: String, detail: String) throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE assessment (position INTEGER PRIMARY KEY, id TEXT, record TEXT)")
            try db.execute(sql: "INSERT INTO assessment (id, record) VALUES ('A-1', '{\"title\":\"fine, no drafts\"}'), ('A-2', ?)", arguments: [record])
            #expect(throws: StoreError.unmigratable(table: "assessment", key: "A-2", detail: detail)) {
                try LayoutChecks.draftsCanMove(GRDBSession(db: db))
            }
        }
    }

    /// Rows are read from SQLite's statement as it steps: every kind of value comes back as stored,
    /// control characters and text outside ASCII and empty blobs included, and arguments bind.
    @Test func rowsReadEveryKindOfValueAsStored() throws {
        let queue = try DatabaseQueue()
        let values: [SQLValue] = [.null, .integer(.min), .integer(.max), .integer(0), .real(-0.5), .real(1e300), .text(""),
                                  .text("a\u{1}b\tc é 中 🙂"), .blob([]), .blob([0, 255, 0, 7])]
        try queue.write { db in
            let session = GRDBSession(db: db)
            try session.execute("CREATE TABLE kinds (position INTEGER PRIMARY KEY, value)")
            for value in values { try session.execute("INSERT INTO kinds (value) VALUES (?)", [value]) }
            let rows = try session.rows("SELECT position, value FROM kinds ORDER BY position")
            #expect(rows.map { $0[1] } == values)
            #expect(try rows.map { try $0.int(0) } == Array(1...values.count))
            #expect(try session.rows("SELECT value FROM kinds WHERE value = ?", [SQLValue.text("a\u{1}b\tc é 中 🙂")]).count == 1)
            #expect(try session.rows("SELECT value FROM kinds WHERE 0").isEmpty)
        }
    }

    /// A store written before the statements had a column and the drafts a table of their own
    /// (both were in the record) moves them there when next opened, and reads the same assessments.
    @Test(arguments: StoreKind.available) func statementsAndDraftsMoveOutOfTheRecordOfAnEarlierStore(kind: StoreKind) throws {
        let (temporary, id) = try Self.assessmentWithDrafts(
            kind, ["- It is likely that X (high confidence). {#S1}\n- Y perhaps. {#S2}\n", "- X, as in [@doi:10.5555/x]. {#S1}\n"])
        let before = try temporary.store.assessments()
        #expect(before.map(\.statements.count) == [1])
        #expect(before.map(\.drafts.count) == [2])
        #expect(before.first?.drafts.last?.citations?.map(\.key) == ["doi:10.5555/x"])
        try Self.putBackTheEarlierLayout(temporary, kind: kind)
        let reopened = try temporary.reopen()
        #expect(try reopened.assessments() == before)
        #expect(try reopened.assessments(withStatements: { _ in true }) == before)
        #expect(try reopened.assessment(id) == before.first)
        #expect(try reopened.verifyState() == [])
        // And the record no longer holds them: an outline is read without scanning them.
        if kind == .sqlite {
            let (record, drafts) = try DatabaseQueue(path: temporary.location).read { db in
                (try String.fetchOne(db, sql: "SELECT record FROM assessment"), try Int.fetchOne(db, sql: "SELECT count(*) FROM draft"))
            }
            #expect(record?.contains("\"statements\"") == false)
            #expect(record?.contains("\"drafts\":[]") == true)
            #expect(drafts == 2)
        }
    }
}

@Suite("A SQLite store opened to read")
struct ReadOnlyStoreTests {
    /// What a read-only command finds equals what the pool reads, and a write is refused as this
    /// program's fault (not as a permissions problem), with nothing appended.
    @Test func readsTheSameAndRefusesToWrite() throws {
        let (temporary, id) = try ProjectionTests.assessmentWithDrafts(.sqlite, ["- X. {#S1}\n", "- Y. {#S1}\n"])
        let store = try SQLiteStore(path: temporary.location, access: .readOnly)
        #expect(store.access == .readOnly)
        #expect(try store.assessments() == temporary.store.assessments())
        #expect(try store.members() == temporary.store.members())
        #expect(try store.assessment(id) == temporary.store.assessment(id))
        let head = try store.recordedHead()
        #expect(head == (try temporary.store.recordedHead()))
        let event = NewEvent(WorkspaceInitialized(name: "late"), subject: "s", actor: "exp-01", time: ProjectionTests.time)
        #expect(throws: StoreError.database(path: temporary.location, detail: "this command opened the store only to read, and may not write to it")) {
            try store.append([event])
        }
        #expect(try temporary.store.recordedHead() == head)
        // The pool beside it still writes, and the read-only handle sees the write.
        try temporary.store.append([event])
        #expect(try store.recordedHead()?.sequence == head.map { $0.sequence + 1 })
    }

    /// A store whose schema is not current is migrated even by a command that only reads: it is
    /// then opened to write, and reads the same as a store opened so.
    @Test func aStoreToMigrateIsOpenedToWriteAndMigrated() throws {
        let (temporary, _) = try ProjectionTests.assessmentWithDrafts(.sqlite, ["- X. {#S1}\n"])
        let before = try temporary.store.assessments()
        try ProjectionTests.putBackTheEarlierLayout(temporary, kind: .sqlite)
        let store = try SQLiteStore(path: temporary.location, access: .readOnly)
        #expect(store.access == .readWrite)
        #expect(try store.assessments() == before)
        #expect(try SQLiteStore(path: temporary.location, access: .readOnly).access == .readOnly)
    }

    /// After the last connection closed (SQLite then removes the WAL files), a read-only open still reads.
    @Test func opensWithoutTheWALFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("panel-readonly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("panel.sqlite").path
        do {
            let store = try SQLiteStore(path: path)
            try store.append([NewEvent(WorkspaceInitialized(name: "n"), subject: "s", actor: "exp-01", time: ProjectionTests.time)])
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        let store = try SQLiteStore(path: path, access: .readOnly)
        #expect(store.access == .readOnly)
        #expect(try store.recordedHead()?.sequence == 1)
    }

    /// A store that cannot be opened is described by what the command wanted of it: a command
    /// that only reads is not told that the file could not be opened for writing.
    @Test func aRefusalSaysWhatTheOpenWasFor() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("panel-missing-\(UUID().uuidString)/panel.sqlite").path
        #expect(throws: StoreError.database(path: path, detail: "the file cannot be opened to read (permissions on it, or on its folder, where SQLite keeps its -wal and -shm files?)")) {
            try SQLiteStore(path: path, access: .readOnly)
        }
        #expect(throws: StoreError.database(path: path, detail: "the file cannot be opened for writing (permissions?)")) {
            try SQLiteStore(path: path, access: .readWrite)
        }
        // Refused the write its upgrade needs (as only a user without write access is: not one
        // these tests can be), a command that reads is told why it needed to write.
        #expect(SQLiteStore.describe(DatabaseError(resultCode: .SQLITE_READONLY), purpose: .upgrade)
                == "the store was written by an earlier panel and must be upgraded first, which needs write access to it and its folder (permissions?)")
    }
}
