import Foundation
import PanelTestSupport
import Testing

/// Issue 11 through the binary: calibrated language, statement rules, citations,
/// government review and calls for evidence.
@Suite("The Global Dialogue's panel through the binary", .serialized)
struct GlobalDialogueTests {
    let cli = CLITests()

    func day(_ n: Int) -> [String] {
        ["--now", ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: 1_772_442_000 + Double(n) * 86_400))]  // 2026-03-02T09:00Z + n days
    }

    /// A fixture workspace with the roster and one annual-report risk assessment rated `likely`.
    func workspace() throws -> (root: URL, ws: [String]) {
        let root = try cli.temporaryDirectory()
        let path = root.appendingPathComponent("ws").path
        let ws = ["--workspace", path]
        try #require(try cli.panel(["init", path, "--config", cli.fixture("panel.yaml")] + day(0)).status == 0)
        try #require(try cli.panel(["members", "import", cli.fixture("panel/members.yaml")] + ws + day(0)).status == 0)
        let opened = try cli.panel(["assessment", "new", "--as", "exp-01", "--title", "Compute concentration", "--kind", "risk",
                                    "--domain", "socioeconomic-environmental", "--workflow", "annual-report",
                                    "--author", "exp-03:coordinating-lead-author", "--author", "exp-08:lead-author",
                                    "--author", "exp-15:lead-author", "--author", "exp-22:review-editor", "--severity", "3",
                                    "--likelihood", "likely"] + ws + day(0))
        try #require(opened.status == 0, "\(opened.error)")
        return (root, ws)
    }

    @Test func theLintWarnsAtSubmitAndReportsEveryFinding() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let submitted = try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/compute-concentration-v1.md"), "--as", "exp-03"] + ws + day(1))
        #expect(submitted.status == 0, "\(submitted.error)")
        #expect(submitted.error.contains("warning: A-2026-001@1:9:9: S2: 'highly likely' is not on the calibrated scale; did you mean 'very likely'"), "\(submitted.error)")
        let lint = try cli.panel(["draft", "lint", "A-2026-001"] + ws + day(1))
        #expect(lint.status == 2)
        let lines = lint.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 7, "\(lint.output)")
        #expect(lines.contains("A-2026-001@1:10:35: S3: 'may' is an uncalibrated hedge; say how likely with a calibrated term (e.g. 'about as likely as not', 'likely') or give a confidence level"))
        #expect(lines.contains("A-2026-001@1:12:46: S5: 'high certainty' is not on the calibrated scale; did you mean 'high confidence'?"))
        #expect(lines.last == "A-2026-001 draft 1: 5 summary statements, 2 calibrated, 6 findings")
        let json = try cli.panel(["draft", "lint", "A-2026-001", "--format", "json"] + ws + day(1))
        struct Report: Decodable {
            struct Statement: Decodable { var id: String; var confidence: String?; var likelihood: String? }
            struct Finding: Decodable { var kind: String; var line: Int; var column: Int; var suggestion: String? }
            var statements: [Statement]
            var findings: [Finding]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(json.output.utf8))
        #expect(report.statements.map(\.confidence) == ["high", nil, "medium", nil, nil])
        #expect(report.findings.map(\.kind) == ["uncalibrated", "off-scale", "hedge", "uncalibrated", "uncalibrated", "off-scale"])
        // A calibrated draft is clean.
        #expect(try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/disinformation-v1.md"), "--as", "exp-03"] + ws + day(2)).error.isEmpty)
        let clean = try cli.panel(["draft", "lint", "A-2026-001"] + ws + day(2))
        #expect(clean.status == 0)
        #expect(clean.output == "A-2026-001 draft 2: 4 summary statements, 4 calibrated, 0 findings\n")
        #expect(try cli.panel(["draft", "lint", "A-2026-001", "--version", "1"] + ws + day(2)).status == 2)
    }

    /// The shipped statement rule fires on the shipped draft's S3, and the digest issues it.
    @Test func aStatementRuleFiresAndItsFlagIsInTheDigest() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/disinformation-v1.md"), "--as", "exp-03"] + ws + day(1)).status == 0)
        let digest = try cli.panel(["digest", "--format", "markdown"] + ws + day(2))
        #expect(digest.status == 0, "\(digest.error)")
        #expect(digest.output.contains("(`likely-risk-finding`)"), "\(digest.output)")
        #expect(digest.output.contains("A-2026-001 S3 (likely, medium confidence): It is \\*likely\\* that detection alone will not keep pace"), "\(digest.output)")
    }

    /// Citations resolve against the reference store at submit; unknown ones are warned about
    /// with their line; `assessment show` and the review record list what the draft cites.
    @Test func citationsResolveAndAreListed() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try cli.panel(["refs", "ingest", cli.fixture("references")] + ws + day(0)).status == 0)
        let submitted = try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/compute-concentration-v2.md"), "--as", "exp-03"] + ws + day(1))
        #expect(submitted.status == 0, "\(submitted.error)")
        #expect(submitted.output.contains("cites 5 keys: 3 references in the store, 1 unknown"), "\(submitted.output)")
        #expect(submitted.error == "panel: warning: A-2026-001@1:19:76: [@doi:10.5555/missing.2026.1] cites no reference in the store; ingest it with 'panel refs ingest' or correct the key\n")
        let show = try cli.panel(["assessment", "show", "A-2026-001"] + ws + day(1))
        let cites = show.output.split(separator: "\n").filter { $0.hasPrefix("  cites") }
        #expect(cites.count == 5, "\(show.output)")
        #expect(cites.contains { $0.contains("[@doi:10.5555/JAIGS.2025.0142] ref-886d3b41ddf5  Synthetic Voices at the Ballot Box") })
        #expect(cites.last?.hasSuffix("[@doi:10.5555/missing.2026.1] (line 19): unknown, not in the reference store") == true)
        let out = root.appendingPathComponent("record").path
        let export = try cli.panel(["export", "A-2026-001", "--dir", out, "--as", "exp-01"] + ws + day(1))
        #expect(export.status == 0, "\(export.error)")
        #expect(export.output.hasSuffix("(0 reviews, 0 comments, 1 draft)\n"), "\(export.output)")
        let record = try String(contentsOfFile: out + "/record.md", encoding: .utf8)
        #expect(record.contains("## References cited (latest draft)"))
        #expect(record.contains("- [@pmid:99000004] ref-e47b38549f1b  Automation of medical transcription"), "\(record)")
    }

    /// Government comments as a focal point writes them: `reviewer` is the focal point's id.
    func governmentComments(_ focalPoint: String, draft: Int, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("government-\(focalPoint).yaml").path
        try Data("""
            assessment: A-2026-001
            draft: \(draft)
            reviewer: \(focalPoint)
            recommendation: minor-revisions
            summary: The government of \(focalPoint) welcomes the chapter.
            comments:
              - lines: 5
                kind: substantive
                text: Add evidence from our national electoral commission, says \(focalPoint).
              - lines: 8
                kind: editorial
                text: Use the commission's official name.
            """.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The acceptance path: an annual-report chapter through expert and government review, focal
    /// points of three states from three regional groups (Kenya and India developing), one signing
    /// its file; every comment answered; the exported record names the states and gives the
    /// participation figures while the expert reviewers stay blinded. A call for evidence in scoping
    /// comes first.
    @Test func anAnnualReportChapterThroughGovernmentReview() throws {
        let procedure = ProcedureTests()
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("ws").path
        let ws = ["--workspace", path]
        try #require(try cli.panel(["init", path, "--config", cli.fixture("panel.yaml")] + day(0)).status == 0)
        try #require(try cli.panel(["members", "import", cli.fixture("panel/members.yaml")] + ws + day(0)).status == 0)

        // Focal points: registered by a chair; Kenya's signs with her SSH key.
        let (kenyaKey, kenyaLine) = try SSHKeygen.key("ed25519", in: root, name: "gov-ke")
        let kenya = try cli.panel(["governments", "add", "--state", "KE", "--name", "Achieng Otieno", "--signing-key", kenyaLine, "--as", "exp-01"] + ws + day(0))
        #expect(kenya.output == "registered gov-ke: Achieng Otieno, focal point of Kenya (African)\n", "\(kenya.error)")
        #expect(try cli.panel(["governments", "add", "--state", "DE", "--name", "Jonas Becker", "--as", "exp-01"] + ws + day(0)).status == 0)
        #expect(try cli.panel(["governments", "add", "--state", "IN", "--name", "Meera Iyer", "--as", "exp-01"] + ws + day(0)).status == 0)
        let twice = try cli.panel(["governments", "add", "--state", "ke", "--name", "Someone Else", "--as", "exp-01"] + ws + day(0))
        #expect(twice.status == 3 && twice.error.contains("Kenya already has a focal point: gov-ke (Achieng Otieno)"), "\(twice.error)")
        let typo = try cli.panel(["governments", "add", "--state", "Kenya", "--name", "X", "--as", "exp-01"] + ws + day(0))
        #expect(typo.status == 64 && typo.error.contains("--state: 'Kenya' is not an ISO 3166-1 alpha-2 code; Kenya is KE"), "\(typo.error)")
        let notChair = try cli.panel(["governments", "add", "--state", "BR", "--name", "X", "--as", "exp-12"] + ws + day(0))
        #expect(notChair.status == 3)
        let listed = try cli.panel(["governments", "list"] + ws + day(0))
        #expect(listed.output.split(separator: "\n").map { String($0.prefix(6)) } == ["gov-ke", "gov-de", "gov-in"])

        // Scoping: a call for evidence, answered by a stakeholder and a focal point.
        let opened = try cli.panel(["assessment", "new", "--as", "exp-01", "--title", "AI-enabled disinformation", "--kind", "risk",
                                    "--domain", "misinformation", "--workflow", "annual-report",
                                    "--author", "exp-03:coordinating-lead-author", "--author", "exp-08:lead-author",
                                    "--author", "exp-15:lead-author", "--author", "exp-22:review-editor",
                                    "--author", "exp-31:review-editor", "--severity", "4", "--likelihood", "likely"] + ws + day(0))
        try #require(opened.status == 0, "\(opened.error)")
        #expect(try cli.panel(["stakeholders", "add", "--id", "stk-001", "--name", "Ana Souza", "--organisation", "Instituto Eleições Limpas",
                               "--sector", "civil-society", "--country", "BR", "--as", "exp-01"] + ws + day(1)).status == 0)
        let submission = root.appendingPathComponent("evidence.yaml")
        try Data("""
            assessment: A-2026-001
            submitter: stk-001
            title: Cloned voices in Brazil's 2024 municipal elections
            text: |
              Our observatory logged 212 synthetic-audio incidents in closed messaging groups.
            references: [doi:10.5555/JAIGS.2025.0142]
            """.utf8).write(to: submission)
        let evidence = try cli.panel(["evidence", "submit", submission.path, "--as", "stk-001"] + ws + day(2))
        #expect(evidence.output == "recorded A-2026-001 E001: \"Cloned voices in Brazil's 2024 municipal elections\" from stk-001 (civil-society, BR)\n", "\(evidence.error)")
        #expect(try cli.panel(["evidence", "submit", submission.path, "--as", "stk-001"] + ws + day(2)).status == 3)
        let kenyanEvidence = root.appendingPathComponent("evidence-ke.yaml")
        try Data("assessment: A-2026-001\nsubmitter: gov-ke\ntitle: Election-day deepfakes in Kenya\ntext: Three cases, all corrected within a day.\n".utf8)
            .write(to: kenyanEvidence)
        #expect(try cli.panel(["evidence", "submit", kenyanEvidence.path, "--as", "gov-ke"] + ws + day(3)).status == 0)
        let evidenceList = try cli.panel(["evidence", "list", "A-2026-001"] + ws + day(3))
        #expect(evidenceList.output.hasSuffix("2 submissions: civil-society 1, government 1; 100% from developing countries\n"), "\(evidenceList.output)")

        // First-order draft with expert review, as the procedure test walks it.
        #expect(try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/disinformation-v1.md"), "--as", "exp-03"] + ws + day(4)).status == 0)
        #expect(try cli.panel(["advance", "A-2026-001", "--as", "exp-01"] + ws + day(15)).status == 0)
        let late = root.appendingPathComponent("evidence-late.yaml")
        try Data("assessment: A-2026-001\nsubmitter: gov-in\ntitle: Late\ntext: After scoping.\n".utf8).write(to: late)
        let lateEvidence = try cli.panel(["evidence", "submit", late.path, "--as", "gov-in"] + ws + day(16))
        #expect(lateEvidence.status == 3 && lateEvidence.error.contains("which has no open call for evidence"), "\(lateEvidence.error)")
        let first = try procedure.assign(ws, count: 3, at: day(16))
        for (index, reviewer) in first.enumerated() {
            #expect(try cli.panel(["review", "submit", try procedure.review(reviewer, draft: 1, in: root)] + ws + day(20 + index)).status == 0)
        }
        // Not yet: the first-order draft is not open to government review.
        let early = try cli.panel(["review", "submit", try governmentComments("gov-ke", draft: 1, in: root)] + ws + day(23))
        #expect(early.status == 2 && early.output.contains("which is not open to government review (gov-ke is the focal point of Kenya)"), "\(early.output)")
        try procedure.answerAll(ws, at: day(26), in: root)
        #expect(try cli.panel(["signoff", "A-2026-001", "--as", "exp-22"] + ws + day(27)).status == 0)
        #expect(try cli.panel(["signoff", "A-2026-001", "--as", "exp-31"] + ws + day(27)).status == 0)
        #expect(try cli.panel(["advance", "A-2026-001", "--as", "exp-03"] + ws + day(29)).status == 0)

        // Second-order draft: expert review and government review together.
        #expect(try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/disinformation-v2.md"), "--as", "exp-03"] + ws + day(30)).status == 0)
        let second = try procedure.assign(ws, count: 5, at: day(31))
        for (index, reviewer) in second.enumerated() {
            #expect(try cli.panel(["review", "submit", try procedure.review(reviewer, draft: 2, in: root)] + ws + day(32 + index)).status == 0)
        }
        let kenyanFile = try governmentComments("gov-ke", draft: 2, in: root)
        try SSHKeygen.sign(kenyanFile, key: kenyaKey)
        // Checked before sending as the inbox will check it: a good signature on Germany's comments
        // by Kenya's focal point is still not Germany's.
        let checked = try cli.panel(["verify-signature", kenyanFile, "--as", "exp-01"] + ws + day(38))
        #expect(checked.status == 0 && checked.output.hasPrefix("\(kenyanFile): good signature by gov-ke (Achieng Otieno), key SHA256:"), "\(checked.error)")
        let backwards = try cli.panel(["verify-signature", kenyanFile + ".sig", "--as", "exp-01"] + ws + day(38))
        #expect(backwards.status == 2 && backwards.error == "panel: \(kenyanFile).sig: this is the signature; give the signed file: panel verify-signature \(kenyanFile)\n", "\(backwards.error)")
        // A signature file too large to be one is refused unread (exit 2), as the inbox refuses it.
        let padded = root.appendingPathComponent("padded.yaml").path
        try FileManager.default.copyItem(atPath: kenyanFile, toPath: padded)
        try Data(repeating: 0x41, count: (64 << 10) + 1).write(to: URL(fileURLWithPath: padded + ".sig"))
        let oversized = try cli.panel(["verify-signature", padded, "--as", "exp-01"] + ws + day(38))
        #expect(oversized.status == 2 && oversized.error == "panel: \(padded).sig: 65537 bytes, too large for an SSH signature (at most 65536 bytes); not read\n", "\(oversized.error)")
        let forged = root.appendingPathComponent("forged.yaml").path
        try FileManager.default.copyItem(atPath: try governmentComments("gov-de", draft: 2, in: root), toPath: forged)
        try SSHKeygen.sign(forged, key: kenyaKey)
        let mismatch = try cli.panel(["verify-signature", forged, "--as", "exp-01"] + ws + day(38))
        #expect(mismatch.status == 2 && mismatch.output.isEmpty)
        #expect(mismatch.error.contains("\(forged).sig: signed with gov-ke's key SHA256:"), "\(mismatch.error)")
        #expect(mismatch.error.contains(", not the key of the reviewer the file names; a reviewer signs their own review\n"), "\(mismatch.error)")
        #expect(mismatch.error.hasSuffix("panel: \(forged): the signature by gov-ke is good, but the inbox would reject the file for the above\n"), "\(mismatch.error)")
        // In JSON, the answer is on standard output either way: accepted or not, and why.
        struct Verdict: Decodable { var file: String; var accepted: Bool; var signer: String?; var problems: [String] }
        let refusedJSON = try cli.panel(["verify-signature", forged, "--format", "json", "--as", "exp-01"] + ws + day(38))
        let refusal = try JSONDecoder().decode(Verdict.self, from: Data(refusedJSON.output.utf8))
        #expect(refusedJSON.status == 2 && !refusal.accepted && refusal.file == forged && refusal.signer == "gov-ke")
        #expect(refusal.problems.count == 1 && refusal.problems[0].hasPrefix("\(forged).sig: signed with gov-ke's key SHA256:"), "\(refusal.problems)")
        let unsigned = try cli.panel(["verify-signature", padded, "--format", "json", "--as", "exp-01"] + ws + day(38))
        #expect(unsigned.status == 2)
        #expect(try JSONDecoder().decode(Verdict.self, from: Data(unsigned.output.utf8)).problems
                == ["\(padded).sig: 65537 bytes, too large for an SSH signature (at most 65536 bytes); not read"], "\(unsigned.output)")
        let nowhere = root.appendingPathComponent("nowhere.yaml").path
        let unreadable = try cli.panel(["verify-signature", nowhere, "--format", "json", "--as", "exp-01"] + ws + day(38))
        #expect(unreadable.status == 2)
        #expect(try JSONDecoder().decode(Verdict.self, from: Data(unreadable.output.utf8)).problems == ["\(nowhere): cannot read the file"])
        let acceptedJSON = try cli.panel(["verify-signature", kenyanFile, "--format", "json", "--as", "exp-01"] + ws + day(38))
        let acceptance = try JSONDecoder().decode(Verdict.self, from: Data(acceptedJSON.output.utf8))
        #expect(acceptedJSON.status == 0 && acceptance.accepted && acceptance.signer == "gov-ke" && acceptance.problems.isEmpty)
        for (focalPoint, file) in [("gov-ke", kenyanFile), ("gov-de", try governmentComments("gov-de", draft: 2, in: root)),
                                   ("gov-in", try governmentComments("gov-in", draft: 2, in: root))] {
            let sent = try cli.panel(["review", "submit", file] + ws + day(38))
            #expect(sent.status == 0, "\(focalPoint): \(sent.output) \(sent.error)")
        }
        let secondGerman = root.appendingPathComponent("government-gov-de-2.yaml")
        try Data((try String(contentsOfFile: try governmentComments("gov-de", draft: 2, in: root), encoding: .utf8) + "\n# A second thought.\n").utf8)
            .write(to: secondGerman)
        let again = try cli.panel(["review", "submit", secondGerman.path] + ws + day(39))
        #expect(again.status == 2 && again.output.contains("Germany has already sent its comments on A-2026-001 in second-order-draft (gov-de)"), "\(again.output)")

        // Government comments are published by state; expert reviewers stay R1, R2, ... for the authors.
        let matrix = root.appendingPathComponent("matrix.csv").path
        #expect(try cli.panel(["comments", "export", "A-2026-001", "--out", matrix, "--as", "exp-03"] + ws + day(40)).status == 0)
        let rows = try String(contentsOfFile: matrix, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(rows[0].replacingOccurrences(of: "\u{FEFF}", with: "") == "comment_id,assessment,draft,reviewer,state,from_line,to_line,kind,comment,response,response_text")
        #expect(rows.contains { $0.contains(",2,Kenya,KE,5,5,substantive,") }, "\(rows)")
        #expect(rows.contains { $0.contains(",2,Germany,DE,5,5,substantive,") })
        #expect(!rows.contains { row in (first + second).contains { row.contains($0) } }, "an expert reviewer is named in the authors' matrix")
        let unanswered = try cli.panel(["explain", "A-2026-001"] + ws + day(40))
        #expect(unanswered.output.contains("all-substantive-answered: 8 unanswered"), "\(unanswered.output)")
        try procedure.answerAll(ws, at: day(41), in: root)
        #expect(try cli.panel(["signoff", "A-2026-001", "--as", "exp-22"] + ws + day(42)).status == 0)
        #expect(try cli.panel(["signoff", "A-2026-001", "--as", "exp-31"] + ws + day(42)).status == 0)

        // Participation figures, and the record: states named, experts blinded.
        let detail = try cli.panel(["status", "--detail", "A-2026-001"] + ws + day(42))
        #expect(detail.output.contains("member states     3 (African 1, Asia-Pacific 1, Western European and Others 1; developing 2, in transition 0, developed 1; 67% from developing countries)"), "\(detail.output)")
        #expect(detail.output.contains("evidence            2 submissions"))
        let record = root.appendingPathComponent("record").path
        #expect(try cli.panel(["export", "A-2026-001", "--dir", record, "--audience", "authors", "--as", "exp-03"] + ws + day(42)).status == 0)
        let markdown = try String(contentsOfFile: record + "/record.md", encoding: .utf8)
        #expect(markdown.contains("## Government comments by state"))
        #expect(markdown.contains("| Kenya (KE) | African | developing | second-order-draft | 2 | 2 |"), "\(markdown)")
        #expect(markdown.contains("| India (IN) | Asia-Pacific | developing | second-order-draft | 2 | 2 |"))
        #expect(markdown.contains("| Germany (DE) | Western European and Others | developed | second-order-draft | 2 | 2 |"))
        #expect(markdown.contains("## Participation"))
        #expect(markdown.contains("| second-order-draft | 5 ("))
        #expect(markdown.contains("## Calls for evidence\n\n2 submissions: by sector civil-society 1, government 1"))
        #expect(markdown.contains("### Kenya, second-order-draft, draft 2"))
        for reviewer in first + second {
            #expect(!markdown.contains(reviewer), "expert reviewer \(reviewer) is named in the authors' record")
        }
        struct Record: Decodable {
            struct Government: Decodable { var state: String; var comments: Int; var answered: Int }
            var governments: [Government]
        }
        let json = try JSONDecoder().decode(Record.self, from: Data(contentsOf: URL(fileURLWithPath: record + "/record.json")))
        #expect(Set(json.governments.map(\.state)) == ["KE", "DE", "IN"])
        #expect(json.governments.allSatisfy { $0.answered == $0.comments })
        #expect(try cli.panel(["advance", "A-2026-001", "--as", "exp-01"] + ws + day(43)).status == 0)
        #expect(try cli.panel(["audit", "verify"] + ws + day(43)).status == 0)
    }
}
