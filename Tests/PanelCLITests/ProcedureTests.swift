import Foundation
import Testing

/// The shipped annual-report workflow walked from scoping to approved through
/// the binary, as chairs, authors, reviewers and review editors live it, from
/// the README's own `assessment new` example (one review editor).
@Suite("Procedure through the binary", .serialized)
struct ProcedureTests {
    let cli = CLITests()

    func day(_ n: Int) -> [String] {
        ["--now", ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: 1_772_442_000 + Double(n) * 86_400))]  // 2026-03-02T09:00Z + n days
    }

    /// Writes a review of draft `draft` with one substantive comment on line 3.
    func review(_ reviewer: String, draft: Int, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("review-\(reviewer)-\(draft).yaml").path
        try Data("""
            assessment: A-2026-001
            draft: \(draft)
            reviewer: \(reviewer)
            recommendation: minor-revisions
            summary: A careful chapter.
            comments:
              - lines: 3
                kind: substantive
                text: State the evidence behind this claim, from \(reviewer).
              - lines: 4
                kind: editorial
                text: Shorter, please.
            """.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Assigns reviewers automatically; returns them as printed.
    func assign(_ ws: [String], count: Int, at day: [String]) throws -> [String] {
        let assigned = try cli.panel(["review", "assign", "A-2026-001", "--auto", "--count", String(count), "--explain", "--as", "exp-01"] + ws + day)
        try #require(assigned.status == 0, "\(assigned.error)")
        let line = try #require(assigned.output.split(separator: "\n").first.map(String.init))
        // --explain: each reviewer's expertise fits the misinformation domain; no chair is chosen.
        let reasons = assigned.output.split(separator: "\n").dropFirst()
        #expect(reasons.count == count)
        #expect(reasons.allSatisfy { $0.contains("matches misinformation") }, "\(assigned.output)")
        #expect(!line.contains("exp-01") && !line.contains("exp-02"), "co-chairs are left to chair")
        let list = try #require(line.range(of: "assigned ")).upperBound
        let end = try #require(line.range(of: " (reviews due"))
        return line[list..<end.lowerBound].components(separatedBy: ", ")
    }

    /// Every substantive comment answered by the coordinating lead author, through the matrix.
    func answerAll(_ ws: [String], at day: [String], in folder: URL) throws {
        let matrix = folder.appendingPathComponent("matrix-\(UUID().uuidString.prefix(6)).csv").path
        #expect(try cli.panel(["comments", "export", "A-2026-001", "--out", matrix, "--as", "exp-03"] + ws + day).status == 0)
        var lines = try String(contentsOfFile: matrix, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices.dropFirst() where lines[index].hasSuffix(",,") {
            lines[index] = String(lines[index].dropLast(2)) + ",accepted,Done in the next draft."
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: matrix))
        let imported = try cli.panel(["comments", "import", matrix, "--as", "exp-03"] + ws + day)
        #expect(imported.status == 0, "\(imported.output) \(imported.error)")
    }

    @Test func anAnnualReportChapterFromScopingToApproval() throws {
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("ws").path
        let ws = ["--workspace", path]
        try #require(try cli.panel(["init", path, "--config", cli.fixture("panel.yaml")] + day(0)).status == 0)
        try #require(try cli.panel(["members", "import", cli.fixture("panel/members.yaml")] + ws + day(0)).status == 0)
        // The README's example, literally: one review editor.
        let opened = try cli.panel(["assessment", "new", "--as", "exp-01", "--title", "AI-enabled disinformation", "--kind", "risk",
                                    "--domain", "misinformation", "--workflow", "annual-report",
                                    "--author", "exp-03:coordinating-lead-author", "--author", "exp-08:lead-author",
                                    "--author", "exp-15:lead-author", "--author", "exp-22:review-editor", "--severity", "4",
                                    "--likelihood", "likely", "--horizon", "near-term", "--region", "global"] + ws + day(0))
        try #require(opened.status == 0, "\(opened.error)")
        #expect(try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/disinformation-v1.md"), "--as", "exp-03"] + ws + day(0)).status == 0)
        #expect(try cli.panel(["advance", "A-2026-001", "--as", "exp-01"] + ws + day(15)).status == 0)

        // First-order draft: three reviewers; the draft is frozen while they read it.
        let first = try assign(ws, count: 3, at: day(16))
        #expect(first.count == 3)
        let frozen = try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/disinformation-v2.md"), "--as", "exp-03"] + ws + day(17))
        #expect(frozen.status == 3)
        #expect(frozen.error.contains("draft 1 of A-2026-001 is under review until"), "\(frozen.error)")
        let todoReviewer = try cli.panel(["todo", "--as", first[0]] + ws + day(17))
        #expect(todoReviewer.output.hasPrefix("review    review A-2026-001 (AI-enabled disinformation): draft 1, 33 lines (due "), "\(todoReviewer.output)")
        let extended = try cli.panel(["review", "extend", "A-2026-001", "--reviewer", first[0], "--days", "7", "--reason", "travel", "--as", "exp-01"] + ws + day(18))
        #expect(extended.status == 0, "\(extended.error)")
        #expect(extended.output.contains("\(first[0])'s review is now due "))
        for (index, reviewer) in first.enumerated() {
            let submitted = try cli.panel(["review", "submit", try review(reviewer, draft: 1, in: root)] + ws + day(20 + index))
            #expect(submitted.status == 0, "\(submitted.output) \(submitted.error)")
        }
        #expect(try cli.panel(["todo", "--as", "exp-03"] + ws + day(24)).output.contains("respond to 3 substantive comments on A-2026-001"))
        #expect(try cli.panel(["todo", "--as", "exp-22"] + ws + day(24)).output.contains("sign off A-2026-001 in first-order-draft"))

        // The stage needs two review editors: a chair adds one.
        let team = try cli.panel(["assessment", "team", "A-2026-001", "add", "exp-31:review-editor", "--reason", "second review editor", "--as", "exp-01"] + ws + day(25))
        #expect(team.status == 0, "\(team.error)")
        try answerAll(ws, at: day(26), in: root)
        let report = root.appendingPathComponent("report.md")
        try Data("All substantive comments were considered; C00001 led to a new paragraph.\n".utf8).write(to: report)
        #expect(try cli.panel(["signoff", "A-2026-001", "--report", report.path, "--as", "exp-22"] + ws + day(27)).status == 0)
        #expect(try cli.panel(["signoff", "A-2026-001", "--as", "exp-31"] + ws + day(27)).status == 0)
        let changed = try cli.panel(["respond", "A-2026-001", "C00001", "--response", "rejected", "--text", "On reflection, no.", "--as", "exp-03"] + ws + day(28))
        #expect(changed.status == 3)
        #expect(changed.error.contains("the responses to first-order-draft comments are final: exp-22, exp-31 signed off"), "\(changed.error)")
        // A chair reopens them: the sign-offs are withdrawn, and explain says so, in JSON too.
        #expect(try cli.panel(["review", "reopen", "A-2026-001", "--reason", "C00001 was misread", "--as", "exp-01"] + ws + day(28)).status == 0)
        let reopened = try cli.panel(["explain", "A-2026-001", "--format", "json", "--as", "exp-01"] + ws + day(28))
        struct Explained: Decodable {
            struct Withdrawal: Decodable { var editor: String; var reason: String }
            var assessment: String
            var stage: String
            var withdrawnSignOffs: [Withdrawal]
        }
        let explained = try JSONDecoder().decode(Explained.self, from: Data(reopened.output.utf8))
        #expect(explained.assessment == "A-2026-001" && explained.stage == "first-order-draft")
        #expect(explained.withdrawnSignOffs.map(\.editor).sorted() == ["exp-22", "exp-31"])
        #expect(explained.withdrawnSignOffs.allSatisfy { $0.reason.contains("C00001 was misread") }, "\(reopened.output)")
        #expect(try cli.panel(["signoff", "A-2026-001", "--report", report.path, "--as", "exp-22"] + ws + day(28)).status == 0)
        #expect(try cli.panel(["signoff", "A-2026-001", "--as", "exp-31"] + ws + day(28)).status == 0)
        let toSecond = try cli.panel(["advance", "A-2026-001", "--as", "exp-03"] + ws + day(29))
        #expect(toSecond.status == 0, "\(toSecond.error)")

        // Second-order draft: a new draft, five reviewers from four groups.
        #expect(try cli.panel(["draft", "submit", "A-2026-001", cli.fixture("drafts/disinformation-v2.md"), "--as", "exp-03"] + ws + day(30)).status == 0)
        let second = try assign(ws, count: 5, at: day(31))
        for (index, reviewer) in second.enumerated() {
            let submitted = try cli.panel(["review", "submit", try review(reviewer, draft: 2, in: root)] + ws + day(32 + index))
            #expect(submitted.status == 0, "\(submitted.output) \(submitted.error)")
        }
        try answerAll(ws, at: day(40), in: root)
        #expect(try cli.panel(["signoff", "A-2026-001", "--as", "exp-22"] + ws + day(41)).status == 0)
        #expect(try cli.panel(["signoff", "A-2026-001", "--as", "exp-31"] + ws + day(41)).status == 0)
        let toFinal = try cli.panel(["advance", "A-2026-001", "--as", "exp-01"] + ws + day(42))
        #expect(toFinal.status == 0, "\(toFinal.error)")

        // Final draft, then line-by-line approval.
        let final = root.appendingPathComponent("final.md")
        try Data((try String(contentsOfFile: cli.fixture("drafts/disinformation-v2.md"), encoding: .utf8) + "\nFinal wording agreed.\n").utf8).write(to: final)
        #expect(try cli.panel(["draft", "submit", "A-2026-001", final.path, "--as", "exp-03"] + ws + day(43)).status == 0)
        #expect(try cli.panel(["advance", "A-2026-001", "--to", "summary-approval", "--as", "exp-01"] + ws + day(44)).status == 0)
        for number in 4...24 {
            #expect(try cli.panel(["vote", "A-2026-001", "approve", "--as", String(format: "exp-%02d", number)] + ws + day(45)).status == 0)
        }
        #expect(try cli.panel(["statement", "A-2026-001", "S1", "approve", "--as", "exp-01"] + ws + day(45)).status == 0)
        let pending = try cli.panel(["advance", "A-2026-001", "--to", "approved", "--as", "exp-01"] + ws + day(46))
        #expect(pending.status == 3)
        #expect(pending.error.contains("all-statements-decided: pending: S2, S3"), "\(pending.error)")
        for statement in ["S2", "S3"] {
            #expect(try cli.panel(["statement", "A-2026-001", statement, "approve", "--as", "exp-01"] + ws + day(46)).status == 0)
        }
        let approved = try cli.panel(["advance", "A-2026-001", "--to", "approved", "--as", "exp-01"] + ws + day(47))
        #expect(approved.status == 0, "\(approved.error)")

        // The record carries the review editor's report; the log still proves itself.
        let record = root.appendingPathComponent("record").path
        #expect(try cli.panel(["export", "A-2026-001", "--dir", record, "--as", "exp-01"] + ws + day(48)).status == 0)
        let markdown = try String(contentsOfFile: record + "/record.md", encoding: .utf8)
        #expect(markdown.contains("> All substantive comments were considered; C00001 led to a new paragraph."), "\(markdown)")
        #expect(try cli.panel(["audit", "verify"] + ws + day(48)).status == 0)
    }

    @Test func validationReportsAsJSON() throws {
        struct Report: Decodable {
            struct File: Decodable { var file: String; var ok: Bool; var problems: [Problem] }
            struct Problem: Decodable { var message: String }
            var ok: Bool
            var files: [File]
        }
        let workflows = try cli.panel(["workflow", "validate", cli.fixture("workflows/bad/bad-keys-and-values.yaml"),
                                       CLITests.repository.appendingPathComponent("workflows/annual-report.yaml").path, "--format", "json"])
        #expect(workflows.status == 2)
        let report = try JSONDecoder().decode(Report.self, from: Data(workflows.output.utf8))
        #expect(!report.ok)
        #expect(report.files.map(\.ok) == [false, true])
        #expect(report.files[0].problems.first?.message == "workflow id 'Bad_Id' must be lower-case letters, digits and dashes")
        let rules = try cli.panel(["rules", "validate", cli.fixture("rules/bad/bad-fields.yaml"), "--format", "json"])
        #expect(rules.status == 2)
        #expect(try JSONDecoder().decode(Report.self, from: Data(rules.output.utf8)).files.first?.ok == false)
    }
}

@Suite("Suggestions")
struct SuggestionTests {
    @Test func aMistypedCommandGetsTheClosestName() throws {
        let cli = CLITests()
        let status = try cli.panel(["statsu"])
        #expect(status.status == 64)
        #expect(status.error.hasPrefix("panel: 'statsu' is not a command here; did you mean 'status'?"))
        #expect(try cli.panel(["review", "asign"]).error.hasPrefix("panel: 'asign' is not a command here; did you mean 'assign'?"))
    }
}

@Suite("Configuration mistakes")
struct ConfigurationTests {
    @Test func aStoreThatIsNotAFileNamesPanelYAML() throws {
        let cli = CLITests()
        let root = try cli.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("version: 1\nname: \"x\"\nstore: /dev/null\n".utf8).write(to: root.appendingPathComponent("panel.yaml"))
        let status = try cli.panel(["status", "--workspace", root.path], environment: ["PANEL_NOW": ""])
        #expect(status.status == 1)
        #expect(status.error == "panel: \(root.path)/panel.yaml: 'store: /dev/null' is /dev/null, which is not a regular file; point it at the workspace's .panel/panel.sqlite\n")
    }
}
