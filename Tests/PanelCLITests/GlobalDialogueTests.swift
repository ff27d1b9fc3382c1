import Foundation
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
        #expect(lint.status == 1)
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
        #expect(try cli.panel(["draft", "lint", "A-2026-001", "--version", "1"] + ws + day(2)).status == 1)
    }

    /// The shipped statement rule fires on the shipped draft's S3, and the digest issues it.
    @Test func aStatementRuleFiresAndItsFlagIsInTheDigest() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/disinformation-v1.md"), "--as", "exp-03"] + ws + day(1)).status == 0)
        let digest = try cli.panel(["digest", "--format", "markdown"] + ws + day(2))
        #expect(digest.status == 0, "\(digest.error)")
        #expect(digest.output.contains("(`likely-risk-finding`)"), "\(digest.output)")
        #expect(digest.output.contains("A-2026-001 S3 (likely, medium confidence): It is *likely* that detection alone will not keep pace"))
    }

    /// Citations resolve against the reference store at submit; unknown ones are warned about
    /// with their line; `assessment show` and the review record list what the draft cites.
    @Test func citationsResolveAndAreListed() throws {
        let (root, ws) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try cli.panel(["refs", "ingest", cli.fixture("references")] + ws + day(0)).status == 0)
        let submitted = try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/compute-concentration-v2.md"), "--as", "exp-03"] + ws + day(1))
        #expect(submitted.status == 0, "\(submitted.error)")
        #expect(submitted.output.contains("cites 5 references, 1 unknown"), "\(submitted.output)")
        #expect(submitted.error == "panel: warning: A-2026-001@1:19:76: [@doi:10.5555/missing.2026.1] cites no reference in the store; ingest it with 'panel refs ingest' or correct the key\n")
        let show = try cli.panel(["assessment", "show", "A-2026-001"] + ws + day(1))
        let cites = show.output.split(separator: "\n").filter { $0.hasPrefix("  cites") }
        #expect(cites.count == 5, "\(show.output)")
        #expect(cites.contains { $0.contains("[@doi:10.5555/JAIGS.2025.0142] ref-886d3b41ddf5  Synthetic Voices at the Ballot Box") })
        #expect(cites.last?.hasSuffix("[@doi:10.5555/missing.2026.1] (line 19): unknown, not in the reference store") == true)
        let out = root.appendingPathComponent("record").path
        #expect(try cli.panel(["export", "A-2026-001", "--dir", out, "--as", "exp-01"] + ws + day(1)).status == 0)
        let record = try String(contentsOfFile: out + "/record.md", encoding: .utf8)
        #expect(record.contains("## References cited (latest draft)"))
        #expect(record.contains("- [@pmid:99000004] ref-e47b38549f1b  Automation of medical transcription"), "\(record)")
    }
}
