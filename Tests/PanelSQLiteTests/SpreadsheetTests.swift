import Foundation
import Testing
@testable import PanelCore
@testable import PanelSQLite

/// Review files and matrices the way Excel saves them.
@Suite("Spreadsheets from Excel")
struct SpreadsheetTests {
    func fixture() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("reviews/exp-19-replication.csv"))))
    }

    func take(_ bytes: [UInt8], name: String = "exp-19.csv") throws -> ReviewIntake.Outcome {
        let world = try ReviewWorld()
        let path = world.inbox.appendingPathComponent(name)
        try Data(bytes).write(to: path)
        return try world.intake().submit(path.path)
    }

    @Test func aByteOrderMarkIsIgnored() throws {
        #expect(try take([0xEF, 0xBB, 0xBF] + fixture()) == .recorded(review: "A-2026-002:expert-review:exp-19", comments: 3))
    }

    @Test func semicolonsAreReadLikeCommas() throws {
        // European Excel: the same review with ';' between fields (none of its fields holds a ';').
        let text = String(decoding: try fixture(), as: UTF8.self)
        let rows = CSV.parse(text).map { $0.fields.map { $0.contains(",") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }.joined(separator: ";") }
        #expect(try take(Array((rows.joined(separator: "\n") + "\n").utf8)) == .recorded(review: "A-2026-002:expert-review:exp-19", comments: 3))
    }

    /// Excel leaves rows of bare separators below the data (cells once edited, then cleared), in
    /// either separator and with CRLF endings; they are no comments, and the review goes in.
    @Test(arguments: [",", ";"]) func rowsWithNothingInThemAreNoComments(separator: String) throws {
        let text = String(decoding: try fixture(), as: UTF8.self)
        let rows = CSV.parse(text).map { $0.fields.map { $0.contains(separator) || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }.joined(separator: separator) }
        let empty = String(repeating: separator, count: 7)
        let saved = (rows + [empty, " " + empty + " ", empty]).joined(separator: "\r\n") + "\r\n"
        #expect(try take([0xEF, 0xBB, 0xBF] + Array(saved.utf8)) == .recorded(review: "A-2026-002:expert-review:exp-19", comments: 3))
    }

    @Test func tabsAreReadLikeCommas() throws {
        // Excel's "Text (Tab delimited)": the same review with tabs between fields.
        let text = String(decoding: try fixture(), as: UTF8.self)
        let rows = CSV.parse(text).map { $0.fields.map { $0.contains("\t") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }.joined(separator: "\t") }
        #expect(try take(Array((rows.joined(separator: "\n") + "\n").utf8), name: "exp-19.csv") == .recorded(review: "A-2026-002:expert-review:exp-19", comments: 3))
    }

    @Test func everyProblemOfARowIsReported() throws {
        let text = "assessment,draft,reviewer,recommendation,from_line,to_line,kind,comment\nA-2026-002,1,exp-19,minor-revisions,8-9,,substantve,\n"
        guard case .rejected(let reasons) = try take(Array(text.utf8)) else { Issue.record("accepted"); return }
        #expect(reasons.map { $0.components(separatedBy: ".csv:").last ?? $0 } == [
            "2:5: 'from_line' and 'to_line' must be line numbers",
            "2:7: 'kind' must be one of substantive, editorial, reference, not 'substantve' (did you mean 'substantive'?)",
            "2:8: the comment is empty",
        ])
    }

    @Test(arguments: StoreKind.available) func aWorkbookHeaderTypoIsNamed(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        let path = Fixtures.path("reviews/excel/bad/exp-19-header-typo.xlsx")
        guard case .rejected(let reasons) = try world.intake().submit(path) else { Issue.record("accepted"); return }
        #expect(reasons.first?.hasPrefix("\(path), sheet 'Comments', cell D1: unknown column 'recomendation' (did you mean 'recommendation'?)") == true, "\(reasons)")
    }

    @Test func windows1252SaysWhatItIsAndWhere() throws {
        var bytes = Array("assessment,draft\nA-2026-002,S".utf8)
        bytes += [0xE3, 0x6F]  // "São" in Windows-1252
        let path = "exp-19.csv"
        guard case .rejected(let reasons) = try take(bytes, name: path) else { Issue.record("accepted"); return }
        #expect(reasons.count == 1)
        #expect(reasons[0].hasSuffix(":2:13: not UTF-8 text (it looks like Windows-1252 or Latin-1, Excel's plain 'CSV'): save it as CSV UTF-8 (Comma delimited)"), "\(reasons)")
    }

    /// UTF-16 saved without its byte-order mark reads as UTF-8 with a NUL after every letter;
    /// a NUL anywhere is refused where it is (SQLite's text would end at it, cutting the comment).
    @Test func aNulByteIsRefusedWhereItIs() throws {
        let utf16 = Array("assessment,draft".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        guard case .rejected(let reasons) = try take(utf16, name: "exp-19.csv") else { Issue.record("accepted"); return }
        #expect(reasons.count == 1)
        #expect(reasons[0].hasSuffix("exp-19.csv:1:2: a NUL byte (0x00), which text does not hold: UTF-16 saved without its byte-order mark? save it as UTF-8"), "\(reasons)")
        let inside = Array("assessment,draft\nA-2026-002,1,é".utf8) + [0] + Array("x\n".utf8)
        guard case .rejected(let later) = try take(inside, name: "exp-19.csv") else { Issue.record("accepted"); return }
        #expect(later.first?.hasSuffix("exp-19.csv:2:15: a NUL byte (0x00), which text does not hold: UTF-16 saved without its byte-order mark? save it as UTF-8") == true, "\(later)")
    }

    @Test func workbooksAndUTF16AreNamed() throws {
        guard case .rejected(let workbook) = try take([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], name: "review.xlsx") else { Issue.record("accepted"); return }
        #expect(workbook.first?.contains("not a readable .xlsx workbook: the ZIP archive is damaged") == true, "\(workbook)")
        // Named .xlsx but not a workbook at all (a CSV or a YAML renamed): said so, not read as YAML.
        guard case .rejected(let renamed) = try take(Array("assessment,draft\n".utf8), name: "review.xlsx") else { Issue.record("accepted"); return }
        #expect(renamed.count == 1 && renamed[0].hasSuffix("review.xlsx: not a .xlsx workbook (a workbook is a ZIP archive, and this is not one): save it from Excel as .xlsx, or as CSV UTF-8"), "\(renamed)")
        guard case .rejected(let utf16) = try take([0xFF, 0xFE, 0x61, 0x00]) else { Issue.record("accepted"); return }
        #expect(utf16.first?.contains("UTF-16 text") == true)
    }

    /// The IPCC comment-template layout: a title row and a blank row above the header,
    /// headers as people type them ("From Line"), numbers as numbers, a comment on two lines.
    @Test(arguments: StoreKind.available) func aWorkbookInTheCommentTemplateLayoutGoesIn(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        try world.drop(["reviews/excel/exp-19-comment-template.xlsx"])
        let results = try world.intake().processInbox(world.inbox).files
        #expect(results.map(\.outcome) == [.recorded(review: "A-2026-002:expert-review:exp-19", comments: 3)])
        #expect(results.map(\.place) == ["processed/exp-19-comment-template.xlsx"])
        let comments = try world.temporary.store.comments(of: "A-2026-002")
        #expect(comments.map { "\($0.fromLine)-\($0.toLine) \($0.kind.rawValue)" } == ["9-9 substantive", "22-24 substantive", "28-29 editorial"])
        #expect(comments[0].text == "S3 says logging would detect \"every\" attempt; qualify it to the attempts observed here.")
        #expect(comments[1].text.hasSuffix("as São Paulo's lab noted."))
        #expect(comments[2].text == "List the options in order of cost to implement.\nStart with logging.")
    }

    @Test(arguments: StoreKind.available) func theSheetWithTheColumnsIsFoundOrNamed(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        let path = Fixtures.path("reviews/excel/exp-19-instructions-first.xlsx")
        #expect(try world.intake().submit(path, sheet: "Instructions") == .rejected([
            "\(path):1:1: sheet 'Instructions' has no header row with a review's columns (assessment, draft, reviewer, recommendation, from_line, to_line, kind, comment) or a comment matrix's (comment_id first) in its first 20 rows",
        ]))
        #expect(try world.intake().submit(path, sheet: "Replies") == .rejected(["\(path):1:1: no sheet 'Replies' (sheets: Instructions, Comments)"]))
        #expect(try world.intake().submit(path) == .recorded(review: "A-2026-002:expert-review:exp-19", comments: 1))
    }

    @Test(arguments: StoreKind.available) func aWorkbooksProblemsAreAtTheirRowAndColumn(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        let path = Fixtures.path("reviews/excel/bad/exp-19-typos.xlsx")
        #expect(try world.intake().submit(path) == .rejected([
            "\(path), sheet 'Comments', cell G2: 'kind' must be one of substantive, editorial, reference, not 'substantve' (did you mean 'substantive'?)",
            "\(path), sheet 'Comments', cell E3: 'from_line' and 'to_line' must be line numbers",
        ]))
        #expect(try world.temporary.store.reviews(of: "A-2026-002").isEmpty)
    }

    /// Authors fill the exported matrix in Excel and send the workbook back.
    @Test(arguments: StoreKind.available) func aResponseMatrixWorkbookIsRecorded(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        try world.drop(["reviews/exp-12-replication.yaml"])
        _ = try world.intake().processInbox(world.inbox)
        let path = Fixtures.path("reviews/excel/A-2026-002-responses.xlsx")
        #expect(try world.intake(actor: "exp-04").submit(path) == .responses(assessment: "A-2026-002", count: 4))
        let comments = try world.temporary.store.comments(of: "A-2026-002")
        #expect(comments.map(\.response) == [.accepted, .acceptedInPart, .accepted, .noted])
        #expect(comments[1].responseText == "Likelihood lowered; range kept, à São Paulo.")
    }

    @Test(arguments: StoreKind.available) func theExportedMatrixOpensInExcelAndComesBack(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        try world.drop(["reviews/exp-12-replication.yaml"])
        _ = try world.intake().processInbox(world.inbox)
        let assessment = try #require(try world.temporary.store.assessment("A-2026-002"))
        let names = ReviewerNames(assessment: assessment, workflow: world.workflows["rapid-assessment"], audience: .authors)
        var rows = CommentMatrix.rows(try world.temporary.store.comments(of: "A-2026-002"), assessment: assessment, names: names)
        for index in rows.indices {
            rows[index].response = .noted
            rows[index].responseText = "Vu à São Paulo."
        }
        let csv = CommentMatrix.csv(rows)
        #expect(csv.hasPrefix("\u{FEFF}comment_id,"))
        try Data(csv.utf8).write(to: world.inbox.appendingPathComponent("matrix.csv"))
        let results = try world.intake(actor: "exp-04").processInbox(world.inbox).files
        #expect(results.map(\.outcome) == [.responses(assessment: "A-2026-002", count: 4)])
        #expect(try world.temporary.store.comments(of: "A-2026-002").first?.responseText == "Vu à São Paulo.")
    }
}

@Suite("Partial dates")
struct PartialDateTests {
    @Test(arguments: [("2014", true), ("2014-01", true), ("2014-02-29", false), ("2016-02-29", true), ("2014-13", false),
                      ("2014-02-30", false), ("2000-02-29", true), ("1900-02-29", false), ("2014-00", false)])
    func realDates(text: String, real: Bool) {
        #expect(PartialDate.isReal(text) == real)
    }
}

@Suite("Date filters")
struct DateFilterTests {
    @Test(arguments: StoreKind.available) func aPartialDateMatchesTheRangeItOverlaps(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        for (index, published) in ["2014-01", "2014", "2014-02-03", "2013-12-31", "2014-01-15"].enumerated() {
            var metadata = ReferenceMetadata()
            metadata.title = "Election study \(index)"
            metadata.published = published
            try temporary.store.write { writer in
                try writer.insert(Reference(id: "ref-\(index)", format: .generic, adapter: "generic", metadata: metadata,
                                            canonicalHash: "h\(index)", object: "o", source: "s.xml", recordIndex: index,
                                            ingestedAt: "2026-01-01T00:00:00.000Z"))
            }
        }
        let january = try temporary.store.search(ReferenceQuery(try SearchExpression.parse("election"), from: "2014-01-01", to: "2014-01-31"))
        #expect(Set(january.map(\.reference.id)) == ["ref-0", "ref-1", "ref-4"])
        let year = try temporary.store.search(ReferenceQuery(try SearchExpression.parse("election"), from: "2014", to: "2014"))
        #expect(Set(year.map(\.reference.id)) == ["ref-0", "ref-1", "ref-2", "ref-4"])
    }
}

@Suite("Bounded input and output")
struct BoundsTests {
    @Test(arguments: StoreKind.available) func aHugeReviewFileIsRejectedBeforeItIsRead(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        let header = "assessment,draft,reviewer,recommendation,from_line,to_line,kind,comment\n"
        let row = "A-2026-002,1,exp-19,minor-revisions,9,9,editorial,\(String(repeating: "x", count: 200))\n"
        let path = world.inbox.appendingPathComponent("flood.csv")
        try Data((header + String(repeating: row, count: 25_000)).utf8).write(to: path)
        guard case .rejected(let reasons) = try world.intake().submit(path.path) else { Issue.record("accepted"); return }
        #expect(reasons == ["\(path.path): 6.0 MB is over the limit of 4 MB for one review or response file (reviews: max-file-mb in panel.yaml)"])
        #expect(try world.temporary.store.reviews(of: "A-2026-002").isEmpty)
    }

    @Test(arguments: StoreKind.available) func tooManyCommentsAreRejected(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        let header = "assessment,draft,reviewer,recommendation,from_line,to_line,kind,comment\n"
        let row = "A-2026-002,1,exp-19,minor-revisions,9,9,editorial,Shorter.\n"
        let path = world.inbox.appendingPathComponent("many.csv")
        try Data((header + String(repeating: row, count: 5_001)).utf8).write(to: path)
        guard case .rejected(let reasons) = try world.intake().submit(path.path) else { Issue.record("accepted"); return }
        #expect(reasons == ["\(path.path): 5001 comments in one file, over the limit of 5000 (reviews: max-comments in panel.yaml)"])
    }

    /// A 2 GB file (sparse: it costs no disk) is refused from its size; reading it would need 2 GB.
    @Test(arguments: StoreKind.available) func anOversizedFileIsRefusedWithoutBeingRead(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        let path = world.inbox.appendingPathComponent("huge.csv")
        #expect(FileManager.default.createFile(atPath: path.path, contents: Data("assessment,draft\n".utf8)))
        let handle = try FileHandle(forWritingTo: path)
        try handle.truncate(atOffset: 2 << 30)
        try handle.close()
        guard case .rejected(let reasons) = try world.intake().submit(path.path) else { Issue.record("accepted"); return }
        #expect(reasons == ["\(path.path): 2048 MB is over the limit of 4 MB for one review or response file (reviews: max-file-mb in panel.yaml)"])
    }

    @Test(arguments: StoreKind.available) func theLimitsAreSetInPanelYAML(kind: StoreKind) throws {
        let config = try WorkspaceConfig.parse("""
            version: 1
            name: Panel
            reviews:
              max-file-mb: 1
              max-comments: 2
              max-comment-characters: 100
            """, file: "panel.yaml")
        #expect(config.reviewLimits == ReviewLimits(maxFileBytes: 1 << 20, maxComments: 2, maxCommentCharacters: 100))
        #expect(try WorkspaceConfig.parse(config.yaml(), file: "panel.yaml").reviewLimits == config.reviewLimits)

        let world = try ReviewWorld(kind: kind)
        let header = "assessment,draft,reviewer,recommendation,from_line,to_line,kind,comment\n"
        let three = header + String(repeating: "A-2026-002,1,exp-19,minor-revisions,9,9,editorial,Shorter.\n", count: 3)
        let many = world.inbox.appendingPathComponent("three.csv")
        try Data(three.utf8).write(to: many)
        #expect(try world.intake(limits: config.reviewLimits).submit(many.path)
            == .rejected(["\(many.path): 3 comments in one file, over the limit of 2 (reviews: max-comments in panel.yaml)"]))
        let long = world.inbox.appendingPathComponent("long.csv")
        try Data((header + "A-2026-002,1,exp-19,minor-revisions,9,9,editorial,\(String(repeating: "é", count: 101))\n").utf8).write(to: long)
        #expect(try world.intake(limits: config.reviewLimits).submit(long.path)
            == .rejected(["\(long.path):2:8: 101 characters of text, over the limit of 100 (reviews: max-comment-characters in panel.yaml)"]))
        #expect(try world.temporary.store.reviews(of: "A-2026-002").isEmpty)
    }

    @Test func errorOutputIsBounded() {
        let long = String(repeating: "v", count: 1_000_000)
        let problems = (1...500).map { Problem(SourceLocation(file: "f.csv", line: $0, column: 1), "bad value '\(long)'") }
        let shown = ValidationFailure(problems).shown
        #expect(shown.count == 51)
        #expect(shown.last == "… and 450 more problems")
        #expect(shown.allSatisfy { $0.count < 700 })
    }
}
