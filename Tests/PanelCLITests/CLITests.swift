import Foundation
import GRDB
import Testing

/// End to end through the built `panel` binary, in temporary workspaces.
@Suite("panel command line", .serialized)
struct CLITests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        // The test bundle sits beside the products in .build/<config>/.
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("panel")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/panel")
    }

    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    @discardableResult
    func panel(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? Self.repository
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PANEL_WORKSPACE")
        env.removeValue(forKey: "PANEL_ACTOR")
        env["PANEL_NOW"] = "2026-11-30T09:00:00Z"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      output: String(decoding: outData, as: UTF8.self),
                      error: String(decoding: errData, as: UTF8.self))
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("panel-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func fixture(_ relative: String) -> String {
        Self.repository.appendingPathComponent("fixtures").appendingPathComponent(relative).path
    }

    /// Output that cannot be written (here a full disk) ends the command with exit 1 and says why;
    /// it used to crash in FileHandle with a backtrace.
    @Test func outputThatCannotBeWrittenIsAFailureNotACrash() throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["workflow", "validate", Self.repository.appendingPathComponent("workflows/annual-report.yaml").path]
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let err = Pipe()
        process.standardOutput = full
        process.standardError = err
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(String(decoding: errData, as: UTF8.self) == "panel: cannot write the output: No space left on device\n")
    }

    /// Help texts that list what the code knows (CSV columns, roles) list it, in order.
    @Test func helpListsTheColumnsAndRolesTheCodeReads() throws {
        func help(_ command: [String]) throws -> String {
            let result = try panel(command + ["--help"])
            #expect(result.status == 0)
            return result.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        #expect(try help(["members", "import"]).contains(
            "the columns id,name,nationality,group,gender,affiliation,expertise,roles,conflict_organisations,conflict_members,conflict_assessments,login,signing_keys (lists"))
        #expect(try help(["assessment", "new"]).contains("ROLE one of coordinating-lead-author, lead-author, contributing-author, review-editor."))
        #expect(try help(["comments", "export"]).contains(
            "Columns: comment_id,assessment,draft,reviewer,state,from_line,to_line,kind,comment,response,response_text."))
    }

    /// libxml2 (and ICU, which it loads) is opened when XML is first read, not at start-up: the
    /// dynamic loader's list of what the binary needs does not name it (ingesting, which does read
    /// XML, is tested throughout).
    @Test func libxml2IsNotLoadedAtStartUp() throws {
        let result = try panel(["--version"], environment: ["LD_TRACE_LOADED_OBJECTS": "1"])
        #expect(result.output.contains("libsqlite3"), "the loader's list: \(result.output)")
        #expect(!result.output.contains("libxml2"), "the loader's list: \(result.output)")
        #expect(!result.output.contains("libicu"), "the loader's list: \(result.output)")
    }

    @Test func binaryExists() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the package first: \(Self.binary.path)")
    }

    /// `--jobs N` from the command line: the same references and ids as one thread; a count out of
    /// range (a negative one too, which reads like an option) is a usage error that says the range.
    @Test func jobsIngestAsOneThreadDoes() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        func ingested(_ jobs: String) throws -> [String] {
            let ws = root.appendingPathComponent("ws-\(jobs)").path
            #expect(try panel(["init", ws, "--config", fixture("panel.yaml")]).status == 0)
            let run = try panel(["refs", "ingest", fixture("references"), "--jobs", jobs, "--json", "--workspace", ws])
            #expect(run.status == 0, "\(run.error)")
            let report = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
            return try #require(report?["references"] as? [String])
        }
        let one = try ingested("1")
        #expect(one.count == 20)
        #expect(try ingested("2") == one)
        for bad in ["0", "-1", "65"] {
            let refused = try panel(["refs", "ingest", fixture("references"), "--jobs", bad, "--workspace", root.path])
            #expect(refused.status == 64, "--jobs \(bad): \(refused.error)")
            #expect(refused.error.contains("--jobs must be between 1 and 64, not \(bad)"), "\(refused.error)")
        }
        // Its value missing, the option after it (here one hoisted from before the subcommand) is not taken for it.
        let missing = try panel(["--workspace", root.path, "refs", "ingest", fixture("references"), "--jobs"])
        #expect(missing.status == 64)
        #expect(missing.error.contains("its value (a whole number from 1 to 64) is missing"), "\(missing.error)")
        let word = try panel(["refs", "ingest", fixture("references"), "--jobs", "two", "--workspace", root.path])
        #expect(word.status == 64 && word.error.contains("not a whole number from 1 to 64"), "\(word.error)")
        // --settle alike: a negative number is out of range, not a missing value.
        let settle = try panel(["refs", "inbox", "--settle", "-1", "--workspace", root.path])
        #expect(settle.status == 64 && settle.error.contains("--settle must be between 0 and 86400 seconds, not -1"), "\(settle.error)")
    }

    @Test func initIngestSearchShowVerify() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = root.appendingPathComponent("ws").path

        let created = try panel(["init", ws, "--config", fixture("panel.yaml")])
        #expect(created.status == 0, "\(created.error)")
        for item in ["panel.yaml", "inbox", ".panel/panel.sqlite", ".panel/objects"] {
            #expect(FileManager.default.fileExists(atPath: ws + "/" + item), "\(item)")
        }

        let again = try panel(["init", ws])
        #expect(again.status == 2)
        #expect(again.error == "panel: \(ws): a workspace already exists here (panel.yaml); nothing was changed\n")

        let ingest = try panel(["refs", "ingest", fixture("references"), "--workspace", ws])
        #expect(ingest.status == 0, "\(ingest.output)\(ingest.error)")
        #expect(ingest.output.contains("20 references ingested, 1 duplicate; 10 files read, 0 rejected, 1 skipped;"))
        #expect(ingest.output.contains("skipped    \(fixture("references"))/README.md: not an XML file name (.akn .atom .jats .nxml .rdf .rss .xml); name it on the command line to read it\n"))
        #expect(ingest.error.isEmpty, "no progress when stderr is not a terminal")

        let repeated = try panel(["refs", "ingest", fixture("references"), "--workspace", ws, "--json"])
        #expect(repeated.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(repeated.output.utf8)) as? [String: Any]
        #expect(report?["added"] as? Int == 0)
        #expect(report?["duplicates"] as? Int == 21)
        #expect((report?["duplicateNotes"] as? [Any])?.count == 21)

        // The workspace is found upward from a subfolder, and through PANEL_WORKSPACE.
        let nested = URL(fileURLWithPath: ws).appendingPathComponent("inbox")
        let search = try panel(["refs", "search", "autonomous replication", "--format", "json"], in: nested)
        #expect(search.status == 0, "\(search.error)")
        let hits = try JSONSerialization.jsonObject(with: Data(search.output.utf8)) as? [[String: Any]]
        #expect((hits?.count ?? 0) >= 1)
        let viaEnvironment = try panel(["refs", "list", "--limit", "3"], in: root, environment: ["PANEL_WORKSPACE": ws])
        #expect(viaEnvironment.status == 0)
        #expect(viaEnvironment.output.contains("17 more"))

        let show = try panel(["refs", "show", "pmid:99000001", "--workspace", ws])
        #expect(show.status == 0)
        #expect(show.output.contains("pmid:99000001"))
        #expect(show.output.contains("/references/pubmed/pubmed-ai-health.xml (record 1)"))
        let missing = try panel(["refs", "show", "doi:10.9999/none", "--workspace", ws])
        #expect(missing.status == 2)

        let bad = try panel(["refs", "ingest", fixture("references-bad"), "--workspace", ws])
        #expect(bad.status == 2)
        #expect(bad.output.contains("rejected   \(fixture("references-bad"))/mismatched-tags.xml:12:111: Opening and ending tag mismatch"))
        #expect(bad.output.contains("0 references ingested, 0 duplicate; 7 files read, 7 rejected;"))
        // A path that is not there is rejected unread, and the count says so.
        let typo = try panel(["refs", "ingest", fixture("references-bad") + "/mismatched-tags.xml", fixture("references-bad") + "/no-such.xml", "--workspace", ws])
        #expect(typo.status == 2)
        #expect(typo.output.contains("0 references ingested, 0 duplicate; 1 file read, 2 rejected (1 not read);"), "\(typo.output)")

        let log = try panel(["log", "--format", "json", "--workspace", ws])
        let events = try JSONSerialization.jsonObject(with: Data(log.output.utf8)) as? [[String: Any]]
        #expect(events?.first?["type"] as? String == "workspace.initialized")
        #expect(events?.count == 16, "init, 9 files ingested, 6 flags raised by the shipped reference rules")

        let verified = try panel(["audit", "verify", "--workspace", ws])
        #expect(verified.status == 0)
        #expect(verified.output.hasPrefix("OK: 16 events"))

        // Tamper behind the tool's back.
        let queue = try DatabaseQueue(path: ws + "/.panel/panel.sqlite")
        try queue.write { try $0.execute(sql: "UPDATE event SET actor = 'intruder' WHERE sequence = 4") }
        let tampered = try panel(["audit", "verify", "--workspace", ws])
        #expect(tampered.status == 4)
        #expect(tampered.output.hasPrefix("FAILED: event 4: contents do not match the recorded hash"))
    }

    @Test func rosterAssessmentRefusalThenAdvance() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = root.appendingPathComponent("ws").path
        let env = ["PANEL_WORKSPACE": ws, "PANEL_NOW": "2026-03-02T09:00:00Z"]
        #expect(try panel(["init", ws, "--config", fixture("panel.yaml")], environment: env).status == 0)
        #expect(FileManager.default.fileExists(atPath: ws + "/workflows/annual-report.yaml"))

        let imported = try panel(["members", "import", fixture("panel/members.csv")], environment: env)
        #expect(imported.output == "40 registered, 0 updated, 0 unchanged (\(fixture("panel/members.csv")))\n")
        // A re-import says what it changed, member by member: the file is the roster, and an
        // emptied column (here the login given above) is a change too.
        let csv = try String(contentsOfFile: fixture("panel/members.csv"), encoding: .utf8)
        let edited = root.appendingPathComponent("members.csv")
        let withLogin = csv.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("exp-05,") ? line.replacingOccurrences(of: ",,,,,", with: ",,,,ferreira,") : String(line)
        }.joined(separator: "\n")
        try Data(withLogin.utf8).write(to: edited)
        let login = try panel(["members", "import", edited.path, "--as", "exp-01"], environment: env)
        #expect(login.output == "updated    exp-05: login\n0 registered, 1 updated, 39 unchanged (\(edited.path))\n", "\(login.output) \(login.error)")
        try Data(csv.utf8).write(to: edited)
        let back = try panel(["members", "import", edited.path, "--as", "exp-01"], environment: env)
        #expect(back.output == "updated    exp-05: login\n0 registered, 1 updated, 39 unchanged (\(edited.path))\n", "\(back.output) \(back.error)")
        let again = try panel(["members", "import", fixture("panel/members.yaml"), "--as", "exp-05"], environment: env)
        #expect(again.status == 3)
        #expect(again.error == "panel: exp-05 is not a co-chair or vice-chair; only they may change the roster\n")
        let bad = try panel(["members", "import", fixture("panel/bad/unknown-key.yaml"), "--as", "exp-01"], environment: env)
        #expect(bad.status == 2)
        #expect(bad.error == "panel: \(fixture("panel/bad/unknown-key.yaml")):44:5: unknown key 'email'\n")
        #expect(try panel(["members", "check"], environment: env).status == 0)
        let failing = try panel(["members", "check", fixture("panel/bad/four-vice-chairs.yaml"), "--format", "json"], environment: env)
        #expect(failing.status == 3)
        let rules = try JSONSerialization.jsonObject(with: Data(failing.output.utf8)) as? [[String: Any]]
        #expect(rules?.filter { $0["passed"] as? Bool == false }.map { $0["rule"] as? String } == ["vice-chairs"])
        let list = try panel(["members", "list", "--format", "json"], environment: env)
        #expect((try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [Any])?.count == 40)

        let refusedOpen = try panel(["assessment", "new", "--as", "exp-05", "--title", "T", "--kind", "risk", "--domain", "misinformation",
                                     "--workflow", "annual-report"], environment: env)
        #expect(refusedOpen.status == 3)
        let opened = try panel(["assessment", "new", "--as", "exp-01", "--title", "Disinformation", "--kind", "risk",
                                "--domain", "misinformation", "--workflow", "annual-report",
                                "--author", "exp-03:coordinating-lead-author", "--author", "exp-08:lead-author",
                                "--author", "exp-15:lead-author", "--severity", "4", "--likelihood", "likely"], environment: env)
        #expect(opened.output == "opened A-2026-001 (annual-report, stage scoping): Disinformation\n", "\(opened.error)")
        let drafted = try panel(["draft", "submit", "A-2026-001", fixture("drafts/disinformation-v1.md"), "--as", "exp-03"], environment: env)
        #expect(drafted.output.hasPrefix("A-2026-001 draft 1: 33 lines, 4 summary statements (S1, S2, S3, S4)"))
        let badDraft = try panel(["draft", "submit", "A-2026-001", fixture("drafts/bad-duplicate-statement.md"), "--as", "exp-03"], environment: env)
        #expect(badDraft.status == 2)

        let refused = try panel(["advance", "A-2026-001", "--as", "exp-01"], environment: env)
        #expect(refused.status == 3)
        #expect(refused.error == "panel: A-2026-001 cannot advance from scoping:\npanel:   - min-days-in-stage: 0 days, needs at least 14 days\n")
        let explained = try panel(["explain", "A-2026-001", "--format", "json"], environment: env)
        let explanation = try JSONSerialization.jsonObject(with: Data(explained.output.utf8)) as? [String: Any]
        #expect(explanation?["assessment"] as? String == "A-2026-001" && explanation?["stage"] as? String == "scoping")
        #expect((explanation?["transitions"] as? [[String: Any]])?.first?["to"] as? String == "first-order-draft")
        #expect((explanation?["withdrawnSignOffs"] as? [Any])?.isEmpty == true)
        let dry = try panel(["advance", "A-2026-001", "--as", "exp-01", "--dry-run", "--now", "2026-03-20T09:00:00Z"], environment: env)
        #expect(dry.output == "A-2026-001 would advance from scoping to first-order-draft (dry run: nothing recorded)\n")
        let advanced = try panel(["advance", "A-2026-001", "--as", "exp-01", "--now", "2026-03-20T09:00:00Z"], environment: env)
        #expect(advanced.output == "A-2026-001 advanced from scoping to first-order-draft\n")
        let status = try panel(["status", "--format", "json"], environment: env)
        let rows = try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [[String: Any]]
        #expect(rows?.first?["stage"] as? String == "first-order-draft")
        #expect(try panel(["audit", "verify"], environment: env).status == 0)
    }

    /// A workspace (the fixture configuration and roster) with one assessment, A-2026-001, on
    /// `annual-report`: what the commands that read the store are tried on.
    func workspaceWithOneAssessment(in root: URL) throws -> (ws: String, env: [String: String]) {
        let ws = root.appendingPathComponent("ws").path
        let env = ["PANEL_WORKSPACE": ws, "PANEL_NOW": "2026-03-02T09:00:00Z"]
        #expect(try panel(["init", ws, "--config", fixture("panel.yaml")], environment: env).status == 0)
        #expect(try panel(["members", "import", fixture("panel/members.yaml")], environment: env).status == 0)
        try openAssessment("T", environment: env)
        return (ws, env)
    }

    /// Opens an assessment as exp-01, with exp-03 its coordinating lead author.
    func openAssessment(_ title: String, workflow: String = "annual-report", environment env: [String: String]) throws {
        let opened = try panel(["assessment", "new", "--as", "exp-01", "--title", title, "--kind", "risk", "--domain", "misinformation",
                                "--workflow", workflow, "--author", "exp-03:coordinating-lead-author", "--likelihood", "likely"],
                               environment: env)
        #expect(opened.status == 0, "\(opened.error)")
    }

    /// status, explain and todo read the workflow definitions on another thread while they read the
    /// store: a definition that cannot be read is reported as by a command that reads them in turn
    /// (the same lines, the same exit code), and nothing is printed before it.
    @Test func workflowsReadAheadReportTheirProblemsAsAnyCommand() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (ws, env) = try workspaceWithOneAssessment(in: root)
        let before = try panel(["explain", "A-2026-001", "--as", "exp-01"], environment: env)
        #expect(before.status == 0 && before.output.hasPrefix("A-2026-001 is in scoping"), "\(before.error)")
        try "id: broken\ntitle: B\ninitial: a\nstagez: []\n".write(toFile: ws + "/workflows/broken.yaml", atomically: true, encoding: .utf8)
        let expected = try panel(["assessment", "show", "A-2026-001", "--as", "exp-01"], environment: env)
        #expect(expected.status == 2)
        #expect(expected.error == """
            panel: \(ws)/workflows/broken.yaml:3:10: initial stage 'a' is not defined
            panel: \(ws)/workflows/broken.yaml:4:1: unknown key 'stagez' (did you mean 'stages'?)

            """)
        for command in [["status"], ["status", "--format", "json"], ["explain", "A-2026-001", "--as", "exp-01"], ["todo", "--as", "exp-01"]] {
            let result = try panel(command, environment: env)
            #expect(result.status == expected.status, "\(command)")
            #expect(result.error == expected.error, "\(command)")
            #expect(result.output.isEmpty, "\(command)")
        }
        // Errors pass through the visibility policy too: one it cannot work out withholds them, and says so.
        let unknown = try panel(["flags", "show", "F-9999", "--as", "exp-03"], environment: env)
        #expect(unknown.status == 2)
        #expect(unknown.error == expected.error + "panel: cannot work out what you may see, so the messages of this error are withheld\n",
                "\(unknown.error)")
    }

    /// The commands that only read open the store read-only: SQLite itself keeps them from writing.
    /// Seen from outside: a store put back in rollback-journal mode stays so, byte for byte (a
    /// command that opened it to write would have turned it to WAL mode, which its header records).
    @Test func readingCommandsLeaveTheStoreFileAsItWas() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (ws, env) = try workspaceWithOneAssessment(in: root)
        let store = ws + "/.panel/panel.sqlite"
        try DatabaseQueue(path: store).writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        #expect(before[18] == 1 && before[19] == 1, "rollback-journal mode")
        for command in [["status"], ["status", "--format", "json"], ["explain", "A-2026-001", "--as", "exp-01"], ["todo", "--as", "exp-01"],
                        ["log"], ["whoami", "--as", "exp-01"]] {
            let result = try panel(command, environment: env)
            #expect(result.status == 0 && !result.output.isEmpty, "\(command): \(result.error)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before, "\(command)")
            #expect(!FileManager.default.fileExists(atPath: store + "-wal"), "\(command)")
        }
        // A command that writes does turn it to WAL mode: the check above can see the difference.
        try openAssessment("U", environment: env)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store))[18] == 2)
    }

    /// `status` leaves statements out where no requirement of the stage reads them, and reads them
    /// where one does: a stage that requires calibrated statements is pending until the draft is clean.
    @Test func statusReadsStatementsWhereTheStageDoes() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = root.appendingPathComponent("ws").path
        let env = ["PANEL_WORKSPACE": ws, "PANEL_NOW": "2026-03-02T09:00:00Z"]
        #expect(try panel(["init", ws, "--config", fixture("panel.yaml")], environment: env).status == 0)
        try """
            id: linted
            title: One linted draft
            initial: drafting
            stages:
              - id: drafting
                title: Drafting
                allows: [drafting]
                transitions:
                  - to: done
                    by: [co-chair]
                    requires:
                      - min-drafts: 1
                      - calibrated-statements
              - id: done
                title: Done
                final: true

            """.write(toFile: ws + "/workflows/linted.yaml", atomically: true, encoding: .utf8)
        #expect(try panel(["members", "import", fixture("panel/members.yaml")], environment: env).status == 0)
        for workflow in ["annual-report", "linted"] { try openAssessment(workflow, workflow: workflow, environment: env) }
        func pending() throws -> [Int?] {
            let status = try panel(["status", "--format", "json"], environment: env)
            #expect(status.status == 0, "\(status.error)")
            let rows = try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [[String: Any]]
            return rows?.map { $0["pending"] as? Int } ?? []
        }
        for (version, line) in ["- It is highly likely that X (high confidence). {#S1}", "- It is *likely* that X (high confidence). {#S1}"].enumerated() {
            let draft = root.appendingPathComponent("draft-\(version + 1).md").path
            try "# Draft\n\(line)\n".write(toFile: draft, atomically: true, encoding: .utf8)
            for id in ["A-2026-001", "A-2026-002"] {
                let submitted = try panel(["draft", "submit", id, draft, "--as", "exp-03"], environment: env)
                #expect(submitted.status == 0, "\(submitted.error)")
            }
            // Scoping reads no statements (its pending count is the team and days); 'drafting' reads them.
            #expect(try pending() == [2, version == 0 ? 1 : 0])
        }
        let text = try panel(["status"], environment: env)
        #expect(text.output.contains("A-2026-002  drafting 0d  → done (ready)  linted"), "\(text.output)")
    }

    /// The README's main command, end to end through the binary: the whole cycle from draft to approved.
    @Test func demoRunsTheWholeCycle() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = root.appendingPathComponent("ws").path
        let demo = try panel(["demo", "--into", ws])
        #expect(demo.status == 0, "\(demo.error)")
        #expect(demo.output.contains("A-2026-001 advanced from scoping to first-order-draft"))
        #expect(demo.output.contains("A-2026-002 advanced from approval to approved"))
        #expect(demo.output.contains("(exit code 2: two files rejected; they are in inbox/rejected/ with their reasons beside them)"))
        // File names stay as given (the runner holds the files); only identities inside are redacted.
        #expect(demo.output.contains("→ inbox/rejected/exp-12-altered.yaml, the reason in inbox/rejected/exp-12-altered.yaml.reason.txt"), "\(demo.output)")
        // The signed review is accepted with its signature; the copy altered after signing is rejected.
        #expect(FileManager.default.fileExists(atPath: ws + "/inbox/processed/exp-12-replication.yaml.sig"))
        let altered = try String(contentsOfFile: ws + "/inbox/rejected/exp-12-altered.yaml.reason.txt", encoding: .utf8)
        #expect(altered.hasSuffix("exp-12-altered.yaml.sig: the signature does not match the file: it was changed after signing, or signed by another key\n"))
        let reason = try String(contentsOfFile: ws + "/inbox/rejected/exp-35-lines-out-of-range.yaml.reason.txt", encoding: .utf8)
        #expect(reason.hasSuffix(":10:5: lines 40-44 are not within draft 1 (lines 1-30)\n"))
        #expect(FileManager.default.fileExists(atPath: ws + "/inbox/processed/exp-12-replication.yaml"))
        let record = try String(contentsOfFile: ws + "/record-A-2026-002/record.md", encoding: .utf8)
        #expect(!record.contains("exp-12") && !record.contains("exp-19"))
        #expect(FileManager.default.fileExists(atPath: ws + "/record-A-2026-002/drafts/draft-1.md"))

        let env = ["PANEL_WORKSPACE": ws]
        let status = try panel(["status", "--format", "json"], environment: env)
        let rows = try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [[String: Any]]
        #expect(rows?.map { $0["stage"] as? String } == ["first-order-draft", "approved", "scoping"])
        // The Global Dialogue's side: governments named in the record, a lint finding, a resolved citation.
        #expect(record.contains("| Kenya (KE) | African | developing | expert-review | 2 | 2 |"))
        #expect(demo.output.contains("A-2026-003@1:9:9: S2: 'highly likely' is not on the calibrated scale; did you mean 'very likely'"))
        #expect(demo.output.contains("  cites        [@doi:10.5555/JAIGS.2025.0142] ref-886d3b41ddf5  Synthetic Voices at the Ballot Box"))
        let asAuthor = try panel(["comments", "export", "A-2026-002", "--as", "exp-04"], environment: env)
        #expect(asAuthor.output.contains(",R1,") && !asAuthor.output.contains("exp-12"))
        let asChair = try panel(["comments", "export", "A-2026-002", "--as", "exp-01", "--format", "json"], environment: env)
        #expect(asChair.output.contains("exp-12"))
        let peek = try panel(["export", "A-2026-002", "--dir", root.appendingPathComponent("peek").path, "--as", "exp-04", "--audience", "chairs"], environment: env)
        #expect(peek.status == 3)
        #expect(try panel(["audit", "verify"], environment: env).status == 0)
    }

    @Test func digestIsIdempotentAndLocked() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = root.appendingPathComponent("ws").path
        let env = ["PANEL_WORKSPACE": ws, "PANEL_NOW": "2026-04-10T09:00:00Z"]
        #expect(try panel(["init", ws, "--config", fixture("panel.yaml")], environment: env).status == 0)
        // Before anything has come up, a digest says so: it does not claim a last digest.
        let none = try panel(["digest"], environment: env)
        #expect(none.status == 0)
        #expect(none.error == "panel digest: nothing to issue yet; no digest has been issued so far\n", "\(none.error)")
        #expect(none.output.contains("Nothing to issue yet"), "\(none.output)")
        let ingest = try panel(["refs", "ingest", fixture("references")], environment: env)
        #expect(ingest.output.contains("rules: 12 matches; flags 8 raised, 0 changed, 0 resolved"), "\(ingest.output)")
        #expect(try panel(["members", "import", fixture("panel/members.yaml")], environment: env).status == 0)
        let out = root.appendingPathComponent("digest.html").path
        let first = try panel(["digest", "--format", "html", "--out", out], environment: env)
        #expect(first.status == 0)
        #expect(first.error == "panel digest: D-0001: 8 flags, 0 resolved, 0 reminders → \(out)\n")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("<h2 class=\"critical\">Critical (6)</h2>"))
        let second = try panel(["digest"], environment: env)
        #expect(second.status == 0)
        #expect(second.output.contains("Nothing new since the last digest, D-0001"), "\(second.output)")
        // Nothing new: the page of the last real digest stays, and no number is taken.
        let page = try Data(contentsOf: URL(fileURLWithPath: out))
        let quiet = try panel(["digest", "--format", "html", "--out", out], environment: env)
        #expect(quiet.status == 0 && quiet.error == "panel digest: nothing new since the last digest, D-0001; \(out) left as it was\n", "\(quiet.error)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == page)
        let atom = try panel(["digest", "--since", "1d", "--format", "atom", "--dry-run"], environment: env)
        #expect(atom.output.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"))
        #expect(atom.error.hasSuffix("(dry run: nothing recorded)\n"))

        // Hold the lock as a running digest would: the next one exits 5.
        let lock = open(ws + "/.panel/digest.lock", O_RDWR | O_CREAT, 0o644)
        defer { close(lock) }
        #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
        let busy = try panel(["digest"], environment: env)
        #expect(busy.status == 5)
        #expect(busy.error.hasPrefix("panel: another digest is running"))
        // A dry run records nothing, so it does not wait on the lock.
        #expect(try panel(["digest", "--dry-run"], environment: env).status == 0)
        flock(lock, LOCK_UN)

        let flags = try panel(["flags", "list", "--format", "json"], environment: env)
        let listed = try JSONSerialization.jsonObject(with: Data(flags.output.utf8)) as? [[String: Any]]
        #expect(listed?.count == 8)
        let id = try #require(listed?.first?["id"] as? String)
        #expect(try panel(["flags", "ack", id, "--note", "looking", "--as", "exp-01"], environment: env).status == 0)
        #expect(try panel(["flags", "ack", id, "--note", "again", "--as", "exp-01"], environment: env).status == 3)
        #expect(try panel(["flags", "silence", "--rule", "labour-displacement", "--until", "7d", "--reason", "known", "--as", "exp-01"], environment: env).status == 0)
        #expect(try panel(["flags", "list", "--state", "silenced"], environment: env).output.contains("labour-displacement"))
        #expect(try panel(["flags", "resolve", id, "--note", "done", "--as", "exp-01"], environment: env).status == 0)
        let third = try panel(["digest", "--format", "json"], environment: env)
        let digest = try JSONSerialization.jsonObject(with: Data(third.output.utf8)) as? [String: Any]
        #expect((digest?["resolved"] as? [Any])?.count == 1)
        #expect(digest?["id"] as? String == "D-0002", "numbered by what was issued: the empty runs took no number")
        #expect(try panel(["rules", "validate"], environment: env).status == 0)
        #expect(try panel(["audit", "verify"], environment: env).status == 0)
    }

    @Test func noWorkspaceIsAClearError() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try panel(["log"], in: root)
        #expect(result.status == 2)
        #expect(result.error.hasPrefix("panel: no panel workspace found"))
    }

    @Test func invalidConfigListsEveryProblem() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("bad.yaml")
        try Data("version: 1\nname: x\nstorage: y\nreferences: {mappings: [{name: m, root: r, fields: {title: \"//[\"}}]}\n".utf8).write(to: config)
        let result = try panel(["init", root.appendingPathComponent("ws").path, "--config", config.path])
        #expect(result.status == 2)
        let lines = result.error.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.contains { $0.hasPrefix("panel: \(config.path):3:1: unknown key 'storage'") })
        #expect(lines.contains { $0.contains("invalid XPath '//['") })
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("ws/panel.yaml").path))
    }

    @Test func usageErrorsExit64() throws {
        let result = try panel(["refs", "search", "x", "--from", "last-week"])
        #expect(result.status == 64)
        #expect(result.error.contains("--from must be YYYY"))
        #expect(try panel(["refs", "inbox", "--settle", "-1"]).status == 64)
    }

    /// `panel init` makes the reference drop folder; a file dropped a moment ago waits for the
    /// next run (it may still be being written) and the run says so; settled, it is taken.
    @Test func aFreshDropWaitsForTheNextRun() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = root.appendingPathComponent("ws").path
        #expect(try panel(["init", ws, "--config", fixture("panel.yaml")]).status == 0)
        let drop = ws + "/inbox/references"
        try FileManager.default.copyItem(atPath: fixture("references/jats/autonomous-replication.xml"), toPath: drop + "/a.xml")
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: drop + "/a.xml")
        let early = try panel(["refs", "inbox", "--workspace", ws])
        #expect(early.status == 0, "\(early.error)")
        #expect(early.output.contains("skipped    \(drop)/a.xml: left for the next run: modified 0 s ago, less than 10 s"))
        #expect(early.output.contains("0 references ingested, 0 duplicate; 0 files read, 0 rejected, 1 skipped;"))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: drop + "/a.xml")
        let later = try panel(["refs", "inbox", "--workspace", ws])
        #expect(later.status == 0, "\(later.error)")
        #expect(later.output.contains("moved      a.xml → processed/a.xml"))
        #expect(later.output.contains("1 reference ingested, 0 duplicate; 1 file read, 0 rejected;"))
        #expect(later.output.contains("rules: 1 match; flags 1 raised, 0 changed, 0 resolved"), "\(later.output)")
        // The review inbox says what it passes over as the reference drop folder does: skipped, with why.
        try FileManager.default.createDirectory(atPath: ws + "/inbox/sub", withIntermediateDirectories: false)
        let reviews = try panel(["inbox", "--workspace", ws])
        #expect(reviews.status == 0, "\(reviews.error)")
        #expect(reviews.output == "skipped    \(ws)/inbox/sub/: a folder, not read (only files at the top level of \(ws)/inbox are taken)\n"
            + "0 recorded or already received, 0 rejected, 0 refused, 1 skipped\n", "\(reviews.output)")
        // --format on ingest names the XML format; asking it for JSON is a usage error that says where JSON is.
        let format = try panel(["refs", "ingest", fixture("references/jats"), "--format", "json", "--workspace", ws])
        #expect(format.status == 64)
        #expect(format.error.contains("--json prints the report as JSON"))
    }

    /// A workspace with a reference recorded at `recorded` and a reference drop folder holding the
    /// JATS fixture as `a.xml` (settled): what the drop-folder tests below start from.
    func workspaceWithADrop(in root: URL, recorded: String = "2026-11-30T09:00:00Z") throws -> (ws: String, drop: String) {
        let ws = root.appendingPathComponent("ws").path
        #expect(try panel(["init", ws, "--config", fixture("panel.yaml")]).status == 0)
        let earlier = try panel(["refs", "ingest", fixture("references/pubmed"), "--workspace", ws], environment: ["PANEL_NOW": recorded])
        #expect(earlier.status == 0, "\(earlier.error)")
        let drop = ws + "/inbox/references"
        try FileManager.default.copyItem(atPath: fixture("references/jats/autonomous-replication.xml"), toPath: drop + "/a.xml")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: drop + "/a.xml")
        return (ws, drop)
    }

    /// A clock behind the log's last event is no fault of the files: no drop folder's run sets
    /// anything aside (not even a bad file, or a link), each file stays, and the run exits 3
    /// saying why. Once the clock is right, the next run takes them. `refs ingest` stops at the
    /// first file it cannot record, rejecting none.
    @Test func aStoreThatRefusesRejectsNoFile() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (ws, drop) = try workspaceWithADrop(in: root, recorded: "2026-12-01T09:00:00Z")
        try Data("junk\n".utf8).write(to: URL(fileURLWithPath: drop + "/bad.xml"))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: drop + "/bad.xml")
        try FileManager.default.createSymbolicLink(atPath: drop + "/link.xml", withDestinationPath: drop + "/a.xml")
        try Data("junk\n".utf8).write(to: URL(fileURLWithPath: ws + "/inbox/bad-review.txt"))
        for command in [["refs", "inbox"], ["inbox", "--settle", "0"]] {
            let refused = try panel(command + ["--workspace", ws])
            #expect(refused.status == 3, "\(command)")
            #expect(refused.error.contains("cannot record anything at 2026-11-30T09:00:00.000Z: the log's last event"))
            #expect(refused.error.contains("is at 2026-12-01T09:00:00.000Z, and no record may be backdated"))
            #expect(refused.output.isEmpty)
        }
        for file in ["a.xml", "bad.xml", "link.xml"] { #expect(FileManager.default.fileExists(atPath: drop + "/" + file)) }
        #expect(FileManager.default.fileExists(atPath: ws + "/inbox/bad-review.txt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: drop + "/rejected").isEmpty)
        try FileManager.default.removeItem(atPath: drop + "/bad.xml")
        try FileManager.default.removeItem(atPath: drop + "/link.xml")
        let ingest = try panel(["refs", "ingest", drop + "/a.xml", "--workspace", ws, "--json"])
        #expect(ingest.status == 3)
        #expect(ingest.error.contains("the run stopped: 1 file not recorded, from \(drop)/a.xml on; run again once that is fixed"))
        let report = try JSONSerialization.jsonObject(with: Data(ingest.output.utf8)) as? [String: Any]
        let stopped = report?["stopped"] as? [String: Any]
        #expect(stopped?["refused"] as? Bool == true)
        #expect(stopped?["unrecorded"] as? [String] == [drop + "/a.xml"])
        #expect((report?["rejected"] as? [Any])?.isEmpty == true)
        // cron goes on past files set aside, not past a store that refuses.
        let cron = try panel(["cron", "--workspace", ws, "--references", drop, "--site", root.appendingPathComponent("site").path])
        #expect(cron.status == 3)
        #expect(!cron.output.contains("set aside") && !cron.output.contains("== inbox"))
        #expect(FileManager.default.fileExists(atPath: drop + "/a.xml"))
        let later = try panel(["refs", "inbox", "--workspace", ws], environment: ["PANEL_NOW": "2026-12-02T09:00:00Z"])
        #expect(later.status == 0, "\(later.error)")
        #expect(later.output.contains("moved      a.xml → processed/a.xml"))
    }

    /// A folder that cannot take a file (here rejected/, made unwritable: immutable for root, whom
    /// permissions do not stop) does not hide the run: the other files move, the report is whole
    /// and says which file stayed, the folder is named once, and the exit is 1. Both inboxes alike;
    /// once the folder is writable again, the next run moves the file.
    @Test func aFolderThatRefusesAFileLeavesTheRestOfTheReport() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (ws, drop) = try workspaceWithADrop(in: root)
        for (arguments, folder) in [(["refs", "inbox"], drop), (["inbox", "--settle", "0"], ws + "/inbox")] {
            for name in ["bad.xml", "worse.xml"] {
                try Data("not xml".utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
                try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3_600)], ofItemAtPath: folder + "/" + name)
            }
            try FileManager.default.createDirectory(atPath: folder + "/rejected", withIntermediateDirectories: true)
            try Self.writable(folder + "/rejected", false)
            let run: Result
            do {
                defer { try? Self.writable(folder + "/rejected", true) }
                run = try panel(arguments + ["--workspace", ws])
            }
            #expect(run.status == 1, "\(arguments): \(run.output)\(run.error)")
            let refusals = run.error.split(separator: "\n").filter { $0.contains("\(folder)/rejected: cannot take bad.xml") }
            #expect(refusals.count == 1, "\(arguments): \(run.error)")
            #expect(FileManager.default.fileExists(atPath: folder + "/bad.xml") && FileManager.default.fileExists(atPath: folder + "/worse.xml"))
            #expect(run.output.contains("bad.xml") && run.output.contains("worse.xml"), "\(arguments): \(run.output)")
            if arguments == ["refs", "inbox"] {
                #expect(run.output.contains("moved      a.xml → processed/a.xml"), "\(run.output)")
            } else {
                #expect(run.output.contains("stays in the inbox: its folder refused it"), "\(run.output)")
                #expect(run.output.hasSuffix("2 rejected, 0 refused; 2 of them stay in the inbox, their folder refused them\n"), "\(run.output)")
            }
            let next = try panel(arguments + ["--workspace", ws])
            #expect(next.status == 2, "\(arguments): \(next.error)")
            #expect(FileManager.default.fileExists(atPath: folder + "/rejected/bad.xml") && FileManager.default.fileExists(atPath: folder + "/rejected/worse.xml"))
        }
    }

    /// Makes a folder refuse (or take again) new files: by permissions, or for root, whom they do
    /// not stop, by the immutable attribute.
    static func writable(_ path: String, _ writable: Bool) throws {
        guard geteuid() == 0 else {
            return try FileManager.default.setAttributes([.posixPermissions: writable ? 0o755 : 0o555], ofItemAtPath: path)
        }
        let chattr = Process()
        chattr.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        chattr.arguments = [writable ? "-i" : "+i", path]
        try chattr.run()
        chattr.waitUntilExit()
        #expect(chattr.terminationStatus == 0, "chattr \(writable ? "-i" : "+i") \(path)")
    }

    /// Every line on standard error is one line: a newline in a path given on the command line
    /// (or in a file's name an error names) is printed escaped.
    @Test func anErrorIsOneLineWhateverItNames() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (ws, _) = try workspaceWithADrop(in: root)
        let forged = root.path + "/in\npanel: forged"
        let run = try panel(["inbox", forged, "--workspace", ws])
        #expect(run.status == 2, "\(run.error)")
        #expect(run.error == "panel: \(root.path)/in\\npanel: forged: no such folder\n", "\(run.error)")
    }

    /// `cron` without --references takes the workspace's own drop folder, inbox/references/, as
    /// `refs inbox` does; without that folder it says it skipped the step.
    @Test func cronTakesTheWorkspacesDropFolderByDefault() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (ws, drop) = try workspaceWithADrop(in: root)
        try Data("not xml".utf8).write(to: URL(fileURLWithPath: drop + "/bad.xml"))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3_600)], ofItemAtPath: drop + "/bad.xml")
        let site = root.appendingPathComponent("site").path
        let run = try panel(["cron", "--workspace", ws, "--site", site])
        #expect(run.status == 2, "\(run.output)\(run.error)")
        #expect(run.output.contains("== references: \(drop)\n"), "\(run.output)")
        #expect(FileManager.default.fileExists(atPath: drop + "/processed/a.xml") && FileManager.default.fileExists(atPath: drop + "/rejected/bad.xml"))
        try FileManager.default.removeItem(atPath: drop)
        let without = try panel(["cron", "--workspace", ws, "--site", site])
        #expect(without.status == 0, "\(without.error)")
        #expect(without.output.contains("== references: skipped (no --references, and no drop folder at \(drop))"), "\(without.output)")
    }

    /// Two runs on one drop folder (a slow cron job and the next): the second does nothing and
    /// exits 5, for the review inbox and the reference drop folder alike.
    @Test func aSecondRunOnAFolderWaitsItsTurn() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (ws, drop) = try workspaceWithADrop(in: root)
        for (arguments, folder) in [(["refs", "inbox"], drop), (["inbox", "--settle", "0"], ws + "/inbox")] {
            // The lock is held here, by this process, as a run in progress holds it.
            let descriptor = open(folder + "/.panel.lock", O_RDWR | O_CREAT, 0o644)
            #expect(descriptor >= 0 && flock(descriptor, LOCK_EX | LOCK_NB) == 0)
            let busy = try panel(arguments + ["--workspace", ws])
            #expect(busy.status == 5, "\(arguments): \(busy.error)")
            #expect(busy.error.contains("\(folder): another run is taking files from this folder"))
            #expect(busy.output.isEmpty)
            close(descriptor)
        }
        #expect(FileManager.default.fileExists(atPath: drop + "/a.xml"))
        let free = try panel(["refs", "inbox", "--workspace", ws, "--json"])
        #expect(free.status == 0, "\(free.error)")
        // --json says where each file went; the lock file is not a dropped file.
        let report = try JSONSerialization.jsonObject(with: Data(free.output.utf8)) as? [String: Any]
        let moved = report?["moved"] as? [[String: String]]
        #expect(moved == [["file": "a.xml", "place": "processed/a.xml", "path": drop + "/processed/a.xml"]])
        #expect(report?["skipped"] as? Int == 0)
    }

    /// A lock file planted as a link is not followed (nothing is created where it points), and the
    /// run says what to remove.
    @Test func aLockFileThatIsALinkIsNotFollowed() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (ws, drop) = try workspaceWithADrop(in: root)
        let elsewhere = root.appendingPathComponent("elsewhere").path
        try FileManager.default.createSymbolicLink(atPath: drop + "/.panel.lock", withDestinationPath: elsewhere)
        let result = try panel(["refs", "inbox", "--workspace", ws])
        #expect(result.status == 1)
        #expect(result.error == "panel: \(drop)/.panel.lock: cannot open the lock file: it is a symbolic link, which is not followed; remove it\n")
        #expect(!FileManager.default.fileExists(atPath: elsewhere))
        #expect(FileManager.default.fileExists(atPath: drop + "/a.xml"))
    }

    /// A file's name with a newline in it cannot split a line of the report, nor forge one.
    @Test func aNameWithANewlineStaysOnItsLine() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (ws, drop) = try workspaceWithADrop(in: root)
        try FileManager.default.removeItem(atPath: drop + "/a.xml")
        let name = "evil\nrejected   fake.xml"
        try Data("junk\n".utf8).write(to: URL(fileURLWithPath: drop + "/" + name))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: drop + "/" + name)
        let result = try panel(["refs", "inbox", "--workspace", ws])
        #expect(result.status == 2)
        let lines = result.output.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("rejected   fake.xml") })
        #expect(lines.contains("set aside  evil\\nrejected   fake.xml → rejected/evil\\nrejected   fake.xml"))
        #expect(lines.contains { $0.hasPrefix("rejected   \(drop)/rejected/evil\\nrejected   fake.xml:1:1: ") })
    }
}
