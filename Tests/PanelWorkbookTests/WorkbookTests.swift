import Foundation
import Testing
import ZIPFoundation
@testable import PanelWorkbook

/// Workbooks built here part by part, as Excel and LibreOffice write them.
enum Build {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static func zip(_ parts: [(String, Data)]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, data) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return [UInt8](try #require(archive.data))
    }

    /// A workbook whose sheets hold the given `<sheetData>` bodies.
    static func workbook(_ sheets: [(name: String, data: String)], sharedStrings: [String]? = nil) throws -> [UInt8] {
        var parts: [(String, Data)] = []
        let list = sheets.enumerated().map { "<sheet name=\"\($0.element.name)\" sheetId=\"\($0.offset + 1)\" r:id=\"rId\($0.offset + 1)\"/>" }
        parts.append(("xl/workbook.xml", Data("<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\"><sheets>\(list.joined())</sheets></workbook>".utf8)))
        let rels = sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"\(relationships)/worksheet\" Target=\"worksheets/s\($0 + 1).xml\"/>" }
        parts.append(("xl/_rels/workbook.xml.rels", Data("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(rels.joined())</Relationships>".utf8)))
        for (index, sheet) in sheets.enumerated() {
            parts.append(("xl/worksheets/s\(index + 1).xml", Data("<worksheet xmlns=\"\(main)\"><sheetData>\(sheet.data)</sheetData></worksheet>".utf8)))
        }
        if let sharedStrings {
            parts.append(("xl/sharedStrings.xml", Data("<sst xmlns=\"\(main)\">\(sharedStrings.joined())</sst>".utf8)))
        }
        return try zip(parts)
    }
}

@Suite("Reading .xlsx workbooks")
struct WorkbookTests {
    @Test func cellsOfEveryKindBecomeText() throws {
        let bytes = try Build.workbook([("Comments", """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>inline</t></is></c></row>
            <row r="3"><c r="B3"><v>120</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="s"><v>1</v></c>
              <c r="E3" t="str"><f>A1&amp;"!"</f><v>São!</v></c><c r="F3" t="e"><v>#N/A</v></c></row>
            <row><c><v>7</v></c><c t="s"><v>0</v></c></row>
            """)], sharedStrings: [
            "<si><t>São Paulo</t></si>",
            "<si><r><rPr><b/></rPr><t>bold </t></r><r><t xml:space=\"preserve\">and plain</t></r><rPh><t>ignored</t></rPh></si>",
        ])
        let sheet = try Workbook.read(bytes: bytes, source: "w.xlsx")
        #expect(sheet.name == "Comments")
        #expect(sheet.rows == [
            WorkbookRow(number: 1, cells: ["São Paulo", "", "inline"]),
            WorkbookRow(number: 3, cells: ["", "120", "TRUE", "bold and plain", "São!", "#N/A"]),
            WorkbookRow(number: 4, cells: ["7", "São Paulo"]),
        ])
    }

    @Test func aSheetIsFoundByNameAndThroughTheRelationships() throws {
        let bytes = try Build.workbook([("Instructions", "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Read me</t></is></c></row>"),
                                        ("Comments", "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>data</t></is></c></row>")])
        #expect(try Workbook.read(bytes: bytes, source: "w.xlsx").name == "Instructions")
        #expect(try Workbook.read(bytes: bytes, source: "w.xlsx", sheet: "comments").rows.first?.cells == ["data"])
        #expect(try Workbook.sheetNames(bytes: bytes, source: "w.xlsx") == ["Instructions", "Comments"])
        #expect(throws: WorkbookError(source: "w.xlsx", message: "no sheet 'Responses' (sheets: Instructions, Comments)")) {
            try Workbook.read(bytes: bytes, source: "w.xlsx", sheet: "Responses")
        }
    }

    @Test func whatIsNotAWorkbookIsNamed() throws {
        #expect(throws: WorkbookError(source: "a.xlsx", message: "not an .xlsx workbook (not a ZIP archive)")) {
            try Workbook.read(bytes: Array("a,b\n".utf8), source: "a.xlsx")
        }
        let document = try Build.zip([("word/document.xml", Data("<document/>".utf8))])
        #expect(throws: WorkbookError.self) { try Workbook.read(bytes: document, source: "d.xlsx") }
        do {
            _ = try Workbook.read(bytes: document, source: "d.xlsx")
        } catch {
            #expect(error.message.hasPrefix("a ZIP archive without xl/workbook.xml: not an .xlsx workbook"))
        }
        let truncated = Array(try Build.workbook([("S", "")]).prefix(60))
        #expect(throws: WorkbookError.self) { try Workbook.read(bytes: truncated, source: "t.xlsx") }
    }

    /// 16 MB of one repeated byte deflates to about 16 KB: reading stops at the part budget
    /// (1 MB here; 64 MB by default), not at the end of the part.
    @Test func aZipBombStopsAtTheBudget() throws {
        let bomb = Data(repeating: 0x20, count: 16 << 20)
        let bytes = try Build.zip([
            ("xl/workbook.xml", Data("<workbook xmlns=\"\(Build.main)\"><sheets><sheet name=\"S\" sheetId=\"1\"/></sheets></workbook>".utf8)),
            ("xl/sharedStrings.xml", bomb),
        ])
        #expect(bytes.count < 100_000)
        #expect(throws: WorkbookError(source: "bomb.xlsx", message: "xl/sharedStrings.xml inflates past 1 MB; a workbook of comments is far smaller (a ZIP bomb?)")) {
            try Workbook.read(bytes: bytes, source: "bomb.xlsx", limits: WorkbookLimits(maxPartBytes: 1 << 20))
        }
        #expect(WorkbookLimits.default.maxPartBytes == 64 << 20)
    }

    @Test func sheetXMLGoesThroughTheHardenedParser() throws {
        let hostile = try Build.zip([
            ("xl/workbook.xml", Data("<workbook xmlns=\"\(Build.main)\"><sheets><sheet name=\"S\" sheetId=\"1\"/></sheets></workbook>".utf8)),
            ("xl/worksheets/sheet1.xml", Data("<!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<worksheet><sheetData/></worksheet>".utf8)),
        ])
        do {
            _ = try Workbook.read(bytes: hostile, source: "h.xlsx")
            Issue.record("accepted an entity declaration")
        } catch {
            #expect(error.message.hasPrefix("xl/worksheets/sheet1.xml:1:"), "\(error)")
            #expect(error.message.contains("entity declarations are not allowed"), "\(error)")
        }
        let wide = try Build.workbook([("S", "<row r=\"1\"><c r=\"ZZZZ1\"><v>1</v></c></row>")])
        #expect(throws: WorkbookError.self) { try Workbook.read(bytes: wide, source: "w.xlsx") }
    }

    @Test(arguments: [("A1", 1), ("Z9", 26), ("AA10", 27), ("XFD1", 16_384), ("b2", 2), ("12", nil)])
    func cellReferences(reference: String, column: Int?) {
        #expect(Workbook.column(of: reference) == column)
    }
}
