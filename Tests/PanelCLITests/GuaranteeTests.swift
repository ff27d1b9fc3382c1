import Foundation
import GRDB
import PanelCore
import PanelTestSupport
import Testing

/// The guarantees behind the features, through the built binary: decisions
/// that cannot race, tables that cannot be edited unnoticed, rows that
/// cannot be skipped, and killed runs that leave nothing behind.
@Suite("Guarantees through the binary", .serialized)
struct GuaranteeTests {
    let cli = CLITests()

    /// A workspace with the fixture roster; returns its path.
    func workspace() throws -> (root: URL, ws: String) {
        let root = try cli.temporaryDirectory()
        let ws = root.appendingPathComponent("ws").path
        let created = try cli.panel(["init", ws, "--config", cli.fixture("panel.yaml")])
        try #require(created.status == 0, "\(created.error)")
        let roster = try cli.panel(["members", "import", cli.fixture("panel/members.yaml"), "--workspace", ws])
        try #require(roster.status == 0, "\(roster.error)")
        return (root, ws)
    }

    /// Starts every process at once, then waits for all of them.
    func concurrently(_ runs: [[String]]) throws -> [(status: Int32, error: String)] {
        var started: [(Process, Pipe)] = []
        for arguments in runs {
            let process = Process()
            process.executableURL = CLITests.binary
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            env["PANEL_NOW"] = "2026-11-30T09:00:00Z"
            process.environment = env
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            started.append((process, err))
        }
        return started.map { process, err in
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
    }

    func open(_ ws: String, workflow: String = "rapid-assessment") -> [String] {
        ["assessment", "new", "--workspace", ws, "--as", "exp-01", "--title", "Concurrent", "--kind", "risk",
         "--domain", "misinformation", "--workflow", workflow, "--author", "exp-17:coordinating-lead-author",
         "--author", "exp-22:review-editor"]
    }

    @Test func twentyChairsOpeningAtOnceGetTwentyAssessments() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let results = try concurrently(Array(repeating: open(ws), count: 20))
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.error).joined())")
        let list = try cli.panel(["assessment", "list", "--workspace", ws, "--format", "json"])
        struct Listed: Decodable { var id: String }
        let ids = try JSONDecoder().decode([Listed].self, from: Data(list.output.utf8)).map(\.id)
        #expect(ids.count == 20)
        #expect(Set(ids).count == 20)
        let verify = try cli.panel(["audit", "verify", "--workspace", ws])
        #expect(verify.status == 0, "\(verify.output)")
    }

    @Test func ofEightConcurrentAdvancesExactlyOneSucceeds() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try cli.panel(open(ws)).status == 0)
        let draft = try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/replication-v1.md"), "--workspace", ws, "--as", "exp-17"])
        try #require(draft.status == 0, "\(draft.error)")
        let advance = ["advance", "A-2026-001", "--to", "expert-review", "--workspace", ws, "--as", "exp-01"]
        let results = try concurrently(Array(repeating: advance, count: 8))
        #expect(results.filter { $0.status == 0 }.count == 1)
        for refused in results where refused.status != 0 {
            #expect(refused.status == 3)
            #expect(refused.error.contains("cannot go from expert-review to expert-review"), "\(refused.error)")
        }
        let log = try cli.panel(["log", "--workspace", ws, "--format", "json"])
        #expect(log.output.components(separatedBy: "\"stage.advanced\"").count - 1 == 1)
        #expect(try cli.panel(["audit", "verify", "--workspace", ws]).status == 0)
    }

    @Test func tenConcurrentSilencesGetTenIds() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let silence = ["flags", "silence", "--rule", "high-severity-likely-risk", "--until", "7d", "--reason", "r",
                       "--workspace", ws, "--as", "exp-01"]
        let results = try concurrently(Array(repeating: silence, count: 10))
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.error).joined())")
        let store = try DatabaseQueue(path: ws + "/.panel/panel.sqlite")
        let (rows, distinct) = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM silence") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(DISTINCT json_extract(payload, '$.silence.id')) FROM event WHERE type = 'silence.created'") ?? 0)
        }
        #expect(rows == 10 && distinct == 10)
        #expect(try cli.panel(["audit", "verify", "--workspace", ws]).status == 0)
    }

    @Test func editingTheMemberTableAloneIsTampering() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try DatabaseQueue(path: ws + "/.panel/panel.sqlite")
        try store.write { db in
            try db.execute(sql: "UPDATE member SET record = json_set(record, '$.roles', json_array('co-chair')) WHERE id = 'exp-30'")
        }
        let verify = try cli.panel(["audit", "verify", "--workspace", ws])
        #expect(verify.status == 4)
        #expect(verify.output.contains("member 'exp-30': differs from the log"), "\(verify.output)")
    }

    @Test func aFlippedVoteIsTampering() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try cli.panel(open(ws)).status == 0)
        let store = try DatabaseQueue(path: ws + "/.panel/panel.sqlite")
        // A vote that the log never recorded, inserted into the vote table alone.
        try store.write { db in
            try db.execute(sql: "INSERT INTO vote (assessment, stage, member, choice, reason) VALUES ('A-2026-001', 'draft', 'exp-05', 'approve', NULL)")
        }
        let verify = try cli.panel(["audit", "verify", "--workspace", ws])
        #expect(verify.status == 4)
        #expect(verify.output.contains("vote 'A-2026-001': differs from the log"), "\(verify.output)")
    }

    @Test func aRewrittenDraftIsTampering() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try cli.panel(open(ws)).status == 0)
        let draft = try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/replication-v1.md"), "--workspace", ws, "--as", "exp-17"])
        #expect(draft.status == 0, "\(draft.error)")
        #expect(try cli.panel(["audit", "verify", "--workspace", ws]).status == 0)
        // The draft's hash pointed at another text, in the draft table alone.
        let store = try DatabaseQueue(path: ws + "/.panel/panel.sqlite")
        try store.write { db in try db.execute(sql: "UPDATE draft SET hash = '0000' WHERE assessment = 'A-2026-001'") }
        let verify = try cli.panel(["audit", "verify", "--workspace", ws])
        #expect(verify.status == 4)
        #expect(verify.output.contains("draft 'A-2026-001': differs from the log"), "\(verify.output)")
    }

    @Test func anUnreadableRowFailsNamingTableAndKey() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try DatabaseQueue(path: ws + "/.panel/panel.sqlite")
        try store.write { db in try db.execute(sql: "UPDATE member SET record = '{\"id\": 7}' WHERE id = 'exp-05'") }
        let list = try cli.panel(["members", "list", "--workspace", ws])
        #expect(list.status == 1)
        #expect(list.error.hasPrefix("panel: the store's member row 'exp-05' cannot be read"), "\(list.error)")
        #expect(list.output.isEmpty, "nothing is listed when a row cannot be read")
        // An unknown stored value is not defaulted either.
        #expect(try cli.panel(open(ws)).status == 1)
    }

    @Test func aKilledIngestLeavesNoDebrisAfterTheNextCommand() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        // A collection large enough to spill to a temporary object file (over 4 MiB).
        let collection = root.appendingPathComponent("collection.xml")
        var text = "<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n"
        for index in 1...12_000 {
            text += "<PubmedArticle><MedlineCitation><PMID>\(60_000_000 + index)</PMID><Article><ArticleTitle>Generated record \(index) on model evaluation</ArticleTitle>"
            text += "<Abstract><AbstractText>\(String(repeating: "Evaluations of frontier systems report capability gains. ", count: 8))</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>\n"
        }
        text += "</PubmedArticleSet>\n"
        try Data(text.utf8).write(to: collection)
        let temporary = URL(fileURLWithPath: ws).appendingPathComponent(".panel/objects/tmp")
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["refs", "ingest", collection.path, "--workspace", ws, "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it once its partial object exists.
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline {
            if let names = try? FileManager.default.contentsOfDirectory(atPath: temporary.path), !names.isEmpty { break }
            usleep(2_000)
        }
        try #require(process.isRunning, "the ingest ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).count > 0, "the kill left a partial object")
        let next = try cli.panel(["refs", "ingest", cli.fixture("references/jats/election-disinformation.xml"), "--workspace", ws, "--quiet"])
        #expect(next.status == 0, "\(next.error)")
        let left = try FileManager.default.contentsOfDirectory(atPath: temporary.path)
        #expect(left == [], "left: \(left), killed pid \(process.processIdentifier), alive: \(kill(process.processIdentifier, 0) == 0)")
        #expect(try cli.panel(["audit", "verify", "--workspace", ws]).status == 0)
    }

    @Test func aKilledInboxRunLosesNothingAndLeavesNoDebris() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let inbox = URL(fileURLWithPath: ws).appendingPathComponent("inbox")
        let names = (1...400).map { String(format: "review-%03d.yaml", $0) }
        for name in names {
            try Data("assessment: A-2026-999\nthis is not a review\n".utf8).write(to: inbox.appendingPathComponent(name))
        }
        // A temporary reason file of a run that died before renaming it.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let rejected = inbox.appendingPathComponent("rejected")
        try FileManager.default.createDirectory(at: rejected, withIntermediateDirectories: true)
        try Data("half a reason".utf8).write(to: rejected.appendingPathComponent(".\(dead.processIdentifier)-0000.tmp"))

        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["inbox", "--workspace", ws, "--settle", "0"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline {
            if ((try? FileManager.default.contentsOfDirectory(atPath: rejected.path)) ?? []).count > 40 { break }
            usleep(1_000)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()

        let finish = try cli.panel(["inbox", "--workspace", ws, "--settle", "0"])
        #expect(finish.status == 2, "every file was bad, so the run reports rejections: \(finish.error)")
        let left = try FileManager.default.contentsOfDirectory(atPath: rejected.path)
        #expect(left.filter { $0.hasPrefix(".") } == [], "no hidden temporaries remain")
        for name in names {
            #expect(left.contains(name), "\(name) is in rejected/")
            #expect(left.contains(name + ".reason.txt"), "\(name) has its reason")
        }
    }

    @Test func aResponseMatrixFromSomeoneWhoMayNotRespondIsRefused() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = root.appendingPathComponent("ws").path
        let demo = try cli.panel(["demo", "--into", ws, "--fixtures", cli.fixture("")])
        try #require(demo.status == 0, "\(demo.error)")
        let matrix = root.appendingPathComponent("matrix.csv").path
        let exported = try cli.panel(["comments", "export", "A-2026-002", "--workspace", ws, "--as", "exp-04", "--out", matrix])
        try #require(exported.status == 0, "\(exported.error)")
        let text = try String(contentsOfFile: matrix, encoding: .utf8).replacingOccurrences(of: ",accepted,", with: ",noted,")
        try Data(text.utf8).write(to: URL(fileURLWithPath: matrix))
        let before = try cli.panel(["log", "--workspace", ws, "--format", "json"]).output
        let imported = try cli.panel(["comments", "import", matrix, "--workspace", ws, "--as", "exp-09"])
        #expect(imported.status == 3)
        #expect(imported.output.contains("exp-09 may not respond to comments on A-2026-002: only its authors or a chair may"), "\(imported.output)")
        #expect(try cli.panel(["log", "--workspace", ws, "--format", "json"]).output == before, "nothing was recorded")
    }

    @Test func theClockCanBeSetOnlyWhereTheWorkspaceSaysSo() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = root.appendingPathComponent("ws").path
        let unset = ["PANEL_NOW": ""]
        try #require(try cli.panel(["init", ws], environment: unset).status == 0)
        let late = try cli.panel(["review", "submit", cli.fixture("reviews/exp-12-replication.yaml"), "--workspace", ws,
                                  "--now", "2026-08-01T00:00:00Z"], environment: unset)
        #expect(late.status == 64)
        #expect(late.error.contains("--now is honoured only in workspaces whose panel.yaml says 'clock: settable'"), "\(late.error)")
        let environment = try cli.panel(["status", "--workspace", ws], environment: ["PANEL_NOW": "2026-08-01T00:00:00Z"])
        #expect(environment.status == 64)
        #expect(environment.error.contains("PANEL_NOW is honoured only"), "\(environment.error)")
    }

    @Test func nothingCanBeBackdated() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try cli.panel(open(ws) + ["--now", "2026-12-01T00:00:00Z"]).status == 0)
        let earlier = try cli.panel(open(ws) + ["--now", "2026-06-01T00:00:00Z"])
        #expect(earlier.status == 3)
        #expect(earlier.error.contains("cannot record anything at 2026-06-01T00:00:00.000Z: the log's last event"), "\(earlier.error)")
        #expect(try cli.panel(["assessment", "list", "--workspace", ws]).output.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 1)
    }

    /// The effective OS user, as panel itself finds it.
    static var osUser: String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    /// A workspace under `identity: os-user` whose roster maps the OS user running the tests to
    /// exp-03 (a lead author); `secretariat` lists the logins that may act for others.
    func osUserWorkspace(secretariat: [String]) throws -> (root: URL, ws: String, login: String) {
        let login = try #require(Self.osUser, "no OS user name for this process")
        let root = try cli.temporaryDirectory()
        let ws = root.appendingPathComponent("ws").path
        let config = root.appendingPathComponent("panel.yaml")
        func write(_ secretariat: [String]) throws {
            try Data("""
                version: 1
                name: "Identity test"
                identity: os-user
                clock: system
                secretariat: [\(secretariat.map { "\"\($0)\"" }.joined(separator: ", "))]
                """.utf8).write(to: config)
        }
        try write([login])
        try #require(try cli.panel(["init", ws, "--config", config.path], environment: ["PANEL_NOW": ""]).status == 0)
        let roster = root.appendingPathComponent("members.yaml")
        let text = try String(contentsOfFile: cli.fixture("panel/members.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  - id: exp-03\n", with: "  - id: exp-03\n    login: \(login)\n")
        try Data(text.utf8).write(to: roster)
        let imported = try cli.panel(["members", "import", roster.path, "--workspace", ws], environment: ["PANEL_NOW": ""])
        try #require(imported.status == 0, "\(imported.error)")
        // The secretariat opens A-2026-001 for co-chair exp-01, with exp-03 as its lead author.
        let opened = try cli.panel(["assessment", "new", "--workspace", ws, "--as", "exp-01", "--title", "Lead", "--kind", "risk",
                                    "--domain", "misinformation", "--workflow", "rapid-assessment",
                                    "--author", "exp-04:coordinating-lead-author", "--author", "exp-03:lead-author",
                                    "--author", "exp-22:review-editor"], environment: ["PANEL_NOW": ""])
        try #require(opened.status == 0, "\(opened.error)")
        try write(secretariat)
        try FileManager.default.removeItem(atPath: ws + "/panel.yaml")
        try FileManager.default.copyItem(atPath: config.path, toPath: ws + "/panel.yaml")
        return (root, ws, login)
    }

    @Test func underOSUserALeadAuthorCannotActAsACoChair() throws {
        let (root, ws, login) = try osUserWorkspace(secretariat: [])
        defer { try? FileManager.default.removeItem(at: root) }
        let unset = ["PANEL_NOW": ""]
        // exp-03, lead author of A-2026-001, tries to advance it as co-chair exp-01.
        let asChair = try cli.panel(["advance", "A-2026-001", "--workspace", ws, "--as", "exp-01"], environment: unset)
        #expect(asChair.status == 3)
        #expect(asChair.error.contains("you are OS user '\(login)' (exp-03 on the roster); only the secretariat's logins (none is listed in panel.yaml) may act --as another member"), "\(asChair.error)")
        let whoami = try cli.panel(["whoami", "--workspace", ws], environment: unset)
        #expect(whoami.output.hasPrefix("you act as   exp-03 (Chukwuemeka Obi)"), "\(whoami.output)")
        #expect(whoami.output.contains("lead-author of A-2026-001"), "\(whoami.output)")
        let roster = try cli.panel(["members", "import", cli.fixture("panel/members.yaml"), "--workspace", ws], environment: unset)
        #expect(roster.status == 3, "only the secretariat imports a roster")
        #expect(try cli.panel(["log", "--workspace", ws, "--type", "stage.advanced"], environment: unset).output == "no events\n")
    }

    @Test func theSecretariatActingForAMemberIsRecordedAsSuch() throws {
        let (root, ws, login) = try osUserWorkspace(secretariat: [try #require(Self.osUser)])
        defer { try? FileManager.default.removeItem(at: root) }
        let unset = ["PANEL_NOW": ""]
        // The secretariat's login is mapped to exp-03 here too, and may still act for exp-01.
        let opened = try cli.panel(open(ws), environment: unset)
        #expect(opened.status == 0, "\(opened.error)")
        let log = try cli.panel(["log", "--workspace", ws, "--type", "assessment.opened", "--format", "json"], environment: unset)
        struct Row: Decodable { var actor: String; var recordedBy: String? }
        let rows = try JSONDecoder().decode([Row].self, from: Data(log.output.utf8))
        #expect(rows.count == 2, "the setup opened one, this test another")
        #expect(rows.allSatisfy { $0.actor == "exp-01" && $0.recordedBy == login }, "\(rows)")
        #expect(try cli.panel(["audit", "verify", "--workspace", ws], environment: unset).status == 0)
    }

    /// Every command that prints, run by an author of a double-blind assessment, in text and JSON:
    /// no reviewer's id, name, affiliation or key fingerprint appears.
    @Test func anAuthorOfADoubleBlindAssessmentNeverSeesAReviewer() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ws = root.appendingPathComponent("ws").path
        try #require(try cli.panel(["demo", "--into", ws, "--fixtures", cli.fixture("")]).status == 0)
        let roster = try RosterFile.parse(String(contentsOfFile: cli.fixture("panel/members.yaml"), encoding: .utf8), file: "members.yaml")
        let reviewers = roster.filter { ["exp-12", "exp-19", "exp-35"].contains($0.id) }
        let author = try #require(roster.first { $0.id == "exp-04" })
        var secrets = reviewers.flatMap { [$0.id, $0.name] + ($0.affiliation == author.affiliation ? [] : [$0.affiliation]) }
        secrets += reviewers.flatMap(\.signingKeys).compactMap(SSHSignature.keyBlob(ofLine:)).map(SSHSignature.fingerprint(ofKeyBlob:))
        #expect(secrets.count >= 10)

        let flags = try cli.panel(["flags", "list", "--workspace", ws, "--as", "exp-01", "--format", "json"])
        struct Listed: Decodable { var id: String }
        let flag = try #require(try JSONDecoder().decode([Listed].self, from: Data(flags.output.utf8)).first).id
        let export = root.appendingPathComponent("record").path
        var runs: [[String]] = [
            ["status"], ["assessment", "list"], ["assessment", "show", "A-2026-002"], ["explain", "A-2026-002"],
            ["review", "list", "A-2026-002"], ["log"], ["flags", "list"], ["flags", "show", flag], ["whoami"],
        ].flatMap { [$0, $0 + ["--format", "json"]] }
        runs += [["comments", "export", "A-2026-002"], ["comments", "export", "A-2026-002", "--format", "json"],
                 ["export", "A-2026-002", "--dir", export]]
        runs += ["markdown", "json", "html", "atom"].map { ["digest", "--dry-run", "--format", $0] }
        for run in runs {
            let result = try cli.panel(run + ["--workspace", ws, "--as", "exp-04"])
            #expect(result.status == 0, "\(run): \(result.error)")
            var seen = result.output + result.error
            if run.first == "export" {
                for file in ["record.json", "record.md"] { seen += try String(contentsOfFile: export + "/" + file, encoding: .utf8) }
            }
            for secret in secrets {
                #expect(!seen.contains(secret), "\(run.joined(separator: " ")) shows \(secret)")
            }
        }
        // No hash of the log either: each seals what is withheld, so with it and the rest of the
        // event an author could try each member's id until the hash came out. A chair sees them.
        // (A draft's content hash in a payload seals nothing withheld.)
        let hex64 = try Regex("\"(hash|previousHash|head)\" : \"[0-9a-f]{64}|(hash|head) [0-9]*:?[0-9a-f]{64}")
        for run in [["log", "--format", "json"], ["audit", "verify"], ["audit", "verify", "--format", "json"],
                    ["digest", "--dry-run", "--format", "json"], ["digest", "--dry-run"]] {
            let result = try cli.panel(run + ["--workspace", ws, "--as", "exp-04"])
            #expect(result.status == 0 && !result.output.contains(hex64), "\(run): \(result.output.prefix(300))")
            let chair = try cli.panel(run + ["--workspace", ws, "--as", "exp-01"])
            #expect(chair.status == 0 && chair.output.contains(hex64), "\(run) as a chair")
        }
        // Nor does an anchor that fails name part of the hash it found, and no checkpoint is
        // theirs to write.
        let wrongHead = try cli.panel(["audit", "verify", "--head", "5:" + String(repeating: "0", count: 64), "--workspace", ws, "--as", "exp-04"])
        let hashPart = try Regex("[1-9a-f][0-9a-f]{11}")
        #expect(wrongHead.status == 4 && !(wrongHead.output + wrongHead.error).contains(hashPart), "\(wrongHead.output)")
        let checkpointKey = try SSHKeygen.key("ed25519", in: root, name: "checkpoint-key")
        let checkpointed = try cli.panel(["audit", "checkpoint", "--key", checkpointKey.path, "--out", root.appendingPathComponent("cp.txt").path,
                                          "--workspace", ws, "--as", "exp-04"])
        #expect(checkpointed.status == 3 && !FileManager.default.fileExists(atPath: root.appendingPathComponent("cp.txt").path))
        // Nor the hash of a blinded review's file: it can be rebuilt from the comments they see.
        struct ListedReview: Decodable { var file: String }
        let asChair = try cli.panel(["review", "list", "A-2026-002", "--format", "json", "--workspace", ws, "--as", "exp-01"])
        let receivedFile = try #require(try JSONDecoder().decode([ListedReview].self, from: Data(asChair.output.utf8)).first?.file)
        #expect(receivedFile.count == 64)
        for run in [["review", "list", "A-2026-002", "--format", "json"], ["log", "--format", "json", "--type", "review.received"]] {
            let listed = try cli.panel(run + ["--workspace", ws, "--as", "exp-04"])
            #expect(listed.status == 0 && !listed.output.contains(receivedFile) && listed.output.contains("(withheld"), "\(run)")
            #expect(try cli.panel(run + ["--workspace", ws, "--as", "exp-01"]).output.contains(receivedFile), "\(run) as a chair")
        }
        // A signed review checked by someone else: the path stays as given (they hold the file),
        // the signer and the key do not show.
        let signed = ws + "/inbox/processed/exp-12-replication.yaml"
        let checked = try cli.panel(["verify-signature", signed, "--workspace", ws, "--as", "exp-04"])
        #expect(checked.status == 0 && checked.output == "\(signed): good signature by [reviewer] ([reviewer]), key [reviewer]\n", "\(checked.output)")
        // Its failures on standard error pass through the same policy: a review of exp-12's signed
        // with exp-19's key (a key put on the roster here) names neither, nor the key.
        let key = try SSHKeygen.key("ed25519", in: root, name: "exp-19-key")
        var yaml = try String(contentsOfFile: cli.fixture("panel/members.yaml"), encoding: .utf8)
        let entry = try #require(yaml.range(of: "  - id: exp-20\n"))
        yaml.insert(contentsOf: "    signing-keys: [\"\(key.publicLine)\"]\n", at: entry.lowerBound)
        try yaml.write(toFile: root.appendingPathComponent("members.yaml").path, atomically: true, encoding: .utf8)
        try #require(try cli.panel(["members", "import", root.appendingPathComponent("members.yaml").path, "--workspace", ws, "--as", "exp-01"]).status == 0)
        let wrong = root.appendingPathComponent("to-check.yaml").path
        // Not the received file's bytes (that one is "already received", whoever sends it).
        try (try String(contentsOfFile: signed, encoding: .utf8) + "# checked before sending\n").write(toFile: wrong, atomically: true, encoding: .utf8)
        try SSHKeygen.sign(wrong, key: key.path)
        let refused = try cli.panel(["verify-signature", wrong, "--workspace", ws, "--as", "exp-04"])
        #expect(refused.status == 2)
        #expect(refused.error.contains("\(wrong).sig: signed with [reviewer]'s key [reviewer], not the key of the reviewer the file names"), "\(refused.error)")
        let fingerprint = SSHSignature.fingerprint(ofKeyBlob: try #require(SSHSignature.keyBlob(ofLine: key.publicLine)))
        for secret in secrets + [fingerprint] {
            #expect(!refused.error.contains(secret), "verify-signature's error shows \(secret)")
        }
        // A file named like a member, given by its bare name, keeps its name where the message
        // begins with it and nowhere else: the signer's name in the same line stays hidden.
        let memberNamed = root.appendingPathComponent("exp-19")
        for suffix in ["", ".sig"] { try FileManager.default.copyItem(atPath: wrong + suffix, toPath: memberNamed.path + suffix) }
        let byBareName = try cli.panel(["verify-signature", "exp-19", "--workspace", ws, "--as", "exp-04"], in: root)
        #expect(byBareName.status == 2 && byBareName.error.hasPrefix("panel: exp-19.sig: signed with [reviewer]'s key [reviewer]"), "\(byBareName.error)")
        // The chair who may see reviewers is told who signed it.
        let told = try cli.panel(["verify-signature", wrong, "--workspace", ws, "--as", "exp-01"])
        #expect(told.status == 2 && told.error.contains("signed with exp-19's key \(fingerprint), not the key"), "\(told.error)")
        // What the author typed comes back as typed: were it redacted, which names come back as
        // [reviewer] would say who the reviewers are.
        let missing = root.appendingPathComponent("none/exp-12.md").path
        let draft = try cli.panel(["draft", "submit", "A-2026-002", missing, "--workspace", ws, "--as", "exp-04"])
        #expect(draft.status != 0 && draft.error.contains(missing), "\(draft.error)")
        let typo = try cli.panel(["members", "show", "exp-12 ", "--workspace", ws, "--as", "exp-04"])
        #expect(typo.status != 0 && typo.error.contains("'exp-12 '"), "\(typo.error)")
        let bare = try cli.panel(["draft", "submit", "A-2026-002", "exp-12", "--workspace", ws, "--as", "exp-04"])
        #expect(bare.status != 0 && bare.error.hasPrefix("panel: exp-12: "), "\(bare.error)")
        let search = try cli.panel(["refs", "search", "exp-12", "--workspace", ws, "--as", "exp-04"])
        #expect(search.output.contains("'exp-12'"), "\(search.output)")
        // So is what a file says, quoted back in its reasons: the sender wrote it.
        let probe = root.appendingPathComponent("probe.yaml").path
        try (try String(contentsOfFile: signed, encoding: .utf8).replacingOccurrences(of: "recommendation: major-revisions", with: "recommendation: exp-19")
            .replacingOccurrences(of: "reviewer: exp-12", with: "reviewer: exp-04")).write(toFile: probe, atomically: true, encoding: .utf8)
        let probed = try cli.panel(["review", "submit", probe, "--workspace", ws, "--as", "exp-04"])
        #expect(probed.status == 2 && probed.output.contains("not 'exp-19'"), "\(probed.output)")
        let folder = root.appendingPathComponent("exp-35").path
        let exported = try cli.panel(["export", "A-2026-002", "--dir", folder, "--workspace", ws, "--as", "exp-04"])
        #expect(exported.status == 0 && exported.output.contains(folder), "\(exported.output)")
        // A review the author sends in another member's name is refused before anything about the
        // assessment is looked at, in the same words whichever member it names.
        var answers: Set<String> = []
        let forged = root.appendingPathComponent("forged.yaml").path
        for reviewer in ["exp-12", "exp-13", "exp-35"] {
            let text = try String(contentsOfFile: wrong, encoding: .utf8).replacingOccurrences(of: "reviewer: exp-12", with: "reviewer: \(reviewer)")
            try text.write(toFile: forged, atomically: true, encoding: .utf8)
            let sent = try cli.panel(["review", "submit", forged, "--workspace", ws, "--as", "exp-04"])
            #expect(sent.status == 3, "\(reviewer): \(sent.output)\(sent.error)")
            answers.insert(sent.output + sent.error)
        }
        #expect(answers.count == 1 && answers.first?.contains("exp-04 may not submit another member's review unsigned") == true, "\(answers)")
        // Its name, too, is as the sender gave it wherever the reasons name it (the signing hint).
        let named = root.appendingPathComponent("exp-12-review.yaml").path
        try FileManager.default.copyItem(atPath: forged, toPath: named)
        let hinted = try cli.panel(["review", "submit", named, "--workspace", ws, "--as", "exp-04"])
        #expect(hinted.status == 3 && hinted.output.contains("-n panel-review exp-12-review.yaml"), "\(hinted.output)")
        // The author's own inbox run: the file is said to be where it went, and the reason written
        // beside it passes through the policy like the report.
        let drop = root.appendingPathComponent("drop").path
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        for suffix in ["", ".sig"] { try FileManager.default.copyItem(atPath: wrong + suffix, toPath: drop + "/to-check.yaml" + suffix) }
        let run = try cli.panel(["inbox", drop, "--settle", "0", "--workspace", ws, "--as", "exp-04"])
        #expect(run.status == 2 && run.output.contains("→ \(drop)/rejected/to-check.yaml, the reason in \(drop)/rejected/to-check.yaml.reason.txt"),
                "\(run.output)")
        let reason = try String(contentsOfFile: drop + "/rejected/to-check.yaml.reason.txt", encoding: .utf8)
        #expect(reason.hasPrefix("\(drop)/to-check.yaml.sig: signed with [reviewer]'s key [reviewer], not the key"), "\(reason)")
        for secret in secrets + [fingerprint] {
            #expect(!(run.output + run.error + reason).contains(secret), "the author's inbox run shows \(secret)")
        }
        // Asking for the chairs' view is refused everywhere.
        for run in [["review", "list", "A-2026-002"], ["comments", "export", "A-2026-002"], ["export", "A-2026-002", "--dir", export]] {
            let refused = try cli.panel(run + ["--audience", "chairs", "--workspace", ws, "--as", "exp-04"])
            #expect(refused.status == 3, "\(run)")
            #expect(refused.error.contains("exp-04 may not see the reviewers' identities of A-2026-002"), "\(refused.error)")
        }
        // A chair sees them.
        #expect(try cli.panel(["review", "list", "A-2026-002", "--workspace", ws, "--as", "exp-01"]).output.contains("exp-12"))
    }

    /// A draft's text is the authors' own: shown to them as they wrote it, even where it names a
    /// reviewer the policy hides from them elsewhere (redacting it would change their words, and
    /// by what it changed say who reviews).
    @Test func aDraftIsShownAsItsAuthorsWroteIt() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        try #require(try cli.panel(open(ws)).status == 0)
        let thanks = "We thank Haruka Sato and Camille Moreau for early comments."
        let draft = root.appendingPathComponent("draft.md").path
        try (try String(contentsOfFile: cli.fixture("drafts/replication-v1.md"), encoding: .utf8) + "\n" + thanks + "\n")
            .write(toFile: draft, atomically: true, encoding: .utf8)
        try #require(try cli.panel(["draft", "submit", "A-2026-001", draft, "--workspace", ws, "--as", "exp-17"]).status == 0)
        try #require(try cli.panel(["advance", "A-2026-001", "--workspace", ws, "--as", "exp-01"]).status == 0)
        let assigned = try cli.panel(["review", "assign", "A-2026-001", "--reviewer", "exp-12", "exp-19", "--workspace", ws, "--as", "exp-01"])
        try #require(assigned.status == 0, "\(assigned.error)")
        // exp-12 (Haruka Sato) is hidden from the author now: the log names no reviewer to them.
        #expect(try !cli.panel(["log", "--workspace", ws, "--as", "exp-17"]).output.contains("exp-12"))
        for run in [["draft", "show", "A-2026-001"], ["draft", "show", "A-2026-001", "--numbered"]] {
            let shown = try cli.panel(run + ["--workspace", ws, "--as", "exp-17"])
            #expect(shown.status == 0 && shown.output.contains(thanks), "\(run): \(shown.output.suffix(200))")
        }
    }

    /// Someone who can write the store edits an early event and recomputes every later hash and
    /// the recorded head: the chain is consistent again, so plain 'audit verify' cannot tell; a
    /// head kept outside the store (a digest's, a signed checkpoint) can.
    @Test func aConsistentRewriteIsCaughtByAnAnchorKeptOutside() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try cli.panel(open(ws)).status == 0)
        // The anchors: a digest's head, and a checkpoint signed with the secretariat's key.
        let digest = try cli.panel(["digest", "--format", "json", "--workspace", ws, "--as", "exp-01"])
        try #require(digest.status == 0, "\(digest.error)")
        struct Issued: Decodable { var head: ChainHead }
        let head = try JSONDecoder().decode(Issued.self, from: Data(digest.output.utf8)).head
        #expect(digest.output.contains("\"hash\" : \"\(head.hash)\""))
        let key = try SSHKeygen.key("ed25519", in: root, name: "secretariat")
        let checkpoint = root.appendingPathComponent("checkpoint.txt").path
        let written = try cli.panel(["audit", "checkpoint", "--key", key.path, "--out", checkpoint, "--workspace", ws, "--as", "exp-01"])
        try #require(written.status == 0, "\(written.error)")
        #expect(try cli.panel(["audit", "verify", "--workspace", ws, "--checkpoint", checkpoint, "--signer", key.path + ".pub",
                               "--head", "\(head.sequence):\(head.hash)"]).status == 0)
        let other = try SSHKeygen.key("ed25519", in: root, name: "someone-else")
        let wrongSigner = try cli.panel(["audit", "verify", "--workspace", ws, "--checkpoint", checkpoint, "--signer", other.path + ".pub"])
        #expect(wrongSigner.status == 4)
        #expect(wrongSigner.output.contains("not with the key in"), "\(wrongSigner.output)")

        // The rewrite: event 1's payload changed, every hash after it recomputed, the head moved.
        let store = try DatabaseQueue(path: ws + "/.panel/panel.sqlite")
        try store.write { db in
            var previous = EventChain.genesis
            for row in try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY sequence") {
                var record = EventRecord(sequence: row["sequence"], time: row["time"], actor: row["actor"], type: row["type"],
                                         subject: row["subject"], payload: row["payload"], previousHash: previous, hash: "",
                                         recordedBy: row["recorded_by"])
                if record.sequence == 1 { record.payload = #"{"name":"A panel that never was"}"# }
                record.hash = EventChain.hash(of: record)
                try db.execute(sql: "UPDATE event SET payload = ?, previous_hash = ?, hash = ? WHERE sequence = ?",
                               arguments: [record.payload, record.previousHash, record.hash, record.sequence])
                try db.execute(sql: "UPDATE chain_head SET sequence = ?, hash = ?", arguments: [record.sequence, record.hash])
                previous = record.hash
            }
        }
        let plain = try cli.panel(["audit", "verify", "--workspace", ws])
        #expect(plain.status == 0, "the rewrite is consistent: \(plain.output)")
        let byHead = try cli.panel(["audit", "verify", "--workspace", ws, "--head", "\(head.sequence):\(head.hash)"])
        #expect(byHead.status == 4)
        #expect(byHead.output.hasPrefix("FAILED: event \(head.sequence): no longer has the hash --head"), "\(byHead.output)")
        let byCheckpoint = try cli.panel(["audit", "verify", "--workspace", ws, "--checkpoint", checkpoint])
        #expect(byCheckpoint.status == 4)
        #expect(byCheckpoint.output.contains("the log at or before event"), "\(byCheckpoint.output)")
        // A checkpoint edited to match the rewrite no longer matches its signature.
        let forged = try String(contentsOfFile: checkpoint, encoding: .utf8).replacingOccurrences(of: head.hash, with: String(repeating: "0", count: 64))
        try Data(forged.utf8).write(to: URL(fileURLWithPath: checkpoint))
        let refused = try cli.panel(["audit", "verify", "--workspace", ws, "--checkpoint", checkpoint])
        #expect(refused.status == 4)
        #expect(refused.output.contains("the signature does not match the file"), "\(refused.output)")
    }
}
