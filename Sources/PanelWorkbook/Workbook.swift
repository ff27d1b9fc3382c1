import Foundation
import PanelXML
import ZIPFoundation

/// One row of a sheet: its number as Excel shows it and its cells from column A,
/// as text (shared and inline strings resolved, numbers as written).
public struct WorkbookRow: Sendable, Equatable {
    public var number: Int
    public var cells: [String]

    public init(number: Int, cells: [String]) {
        self.number = number
        self.cells = cells
    }
}

/// One sheet of a workbook, read as text.
public struct WorkbookSheet: Sendable, Equatable {
    public var name: String
    public var rows: [WorkbookRow]
}

/// Why a workbook could not be read: the file, and what is wrong in words.
public struct WorkbookError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var message: String

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}

/// What one workbook may cost to read. An .xlsx is a ZIP archive, so a small
/// file can inflate to gigabytes: every part is decompressed against a byte
/// budget and parsed with PanelXML's limits, and a sheet's size is bounded.
public struct WorkbookLimits: Sendable, Equatable {
    /// Decompressed bytes of any one part (the sheet, the shared strings).
    public var maxPartBytes: Int
    /// Decompressed bytes of all parts read together.
    public var maxTotalBytes: Int
    /// Cells that hold a value, in the sheet read.
    public var maxCells: Int
    /// Columns a row may reach (Excel's own limit is 16,384).
    public var maxColumns: Int

    public init(maxPartBytes: Int = 64 << 20, maxTotalBytes: Int = 128 << 20, maxCells: Int = 500_000, maxColumns: Int = 16_384) {
        self.maxPartBytes = maxPartBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxCells = maxCells
        self.maxColumns = maxColumns
    }

    public static let `default` = WorkbookLimits()
}

/// Reads the first (or a named) sheet of an Office Open XML workbook (.xlsx, as
/// Excel, LibreOffice and Google Sheets save it) into rows of text. Elements are
/// matched by local name, so both the transitional and the strict OOXML
/// namespaces are read. Only what a table of text needs is read: shared
/// strings, inline strings, numbers, booleans and formula results; styles,
/// formulas and drawings are ignored.
public enum Workbook {
    /// Whether the bytes start like a ZIP archive (`PK\3\4`).
    public static func looksLikeZIP(_ bytes: some Collection<UInt8>) -> Bool {
        Array(bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04]
    }

    public static func read(bytes: [UInt8], source: String, sheet wanted: String? = nil,
                            limits: WorkbookLimits = .default) throws(WorkbookError) -> WorkbookSheet {
        var reader = try Reader(bytes: bytes, source: source, limits: limits)
        return try reader.sheet(named: wanted)
    }

    /// Every sheet, in workbook order (all within one set of limits).
    public static func sheets(bytes: [UInt8], source: String, limits: WorkbookLimits = .default) throws(WorkbookError) -> [WorkbookSheet] {
        var reader = try Reader(bytes: bytes, source: source, limits: limits)
        let shared = try reader.sharedStrings()
        var result: [WorkbookSheet] = []
        for sheet in try reader.sheets() {
            result.append(try reader.sheet(sheet, shared: shared))
        }
        return result
    }

    /// The names of the workbook's sheets, in order.
    public static func sheetNames(bytes: [UInt8], source: String, limits: WorkbookLimits = .default) throws(WorkbookError) -> [String] {
        var reader = try Reader(bytes: bytes, source: source, limits: limits)
        return try reader.sheets().map(\.name)
    }

    /// `B7` → column 2 (1-based); nil when the reference has no letters.
    static func column(of reference: String) -> Int? {
        var column = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 || scalar.value >= 97 && scalar.value <= 122 else { break }
            column = column * 26 + Int(scalar.value & 0x1F)
            letters += 1
            if letters > 3 { return nil }
        }
        return letters == 0 ? nil : column
    }
}

private struct Reader {
    let archive: Archive
    let source: String
    let limits: WorkbookLimits
    var inflated = 0
    let parser: PanelXMLParser

    init(bytes: [UInt8], source: String, limits: WorkbookLimits) throws(WorkbookError) {
        self.source = source
        self.limits = limits
        self.parser = PanelXMLParser(limits: XMLLimits(maxDocumentBytes: limits.maxPartBytes))
        guard Workbook.looksLikeZIP(bytes) else {
            throw WorkbookError(source: source, message: "not an .xlsx workbook (not a ZIP archive)")
        }
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw WorkbookError(source: source, message: "not a readable .xlsx workbook: the ZIP archive is damaged (\(error))")
        }
    }

    /// A part's bytes, decompressed against the budgets; nil when the archive has no such part.
    mutating func part(_ path: String) throws(WorkbookError) -> [UInt8]? {
        let name = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard let entry = archive[name] else { return nil }
        var bytes: [UInt8] = []
        let partLimit = limits.maxPartBytes
        let remaining = limits.maxTotalBytes - inflated
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                bytes.append(contentsOf: chunk)
                if bytes.count > partLimit || bytes.count > remaining { throw Budget() }
            }
        } catch is Budget {
            throw WorkbookError(source: source, message: "\(name) inflates past \(limit(min(partLimit, remaining))); a workbook of comments is far smaller (a ZIP bomb?)")
        } catch {
            throw WorkbookError(source: source, message: "\(name) cannot be decompressed: \(error)")
        }
        inflated += bytes.count
        return bytes
    }

    private struct Budget: Error {}

    private func limit(_ bytes: Int) -> String { "\(bytes >> 20) MB" }

    mutating func xml(_ path: String) throws(WorkbookError) -> PanelXMLDocument? {
        guard let bytes = try part(path) else { return nil }
        do {
            return try parser.document(bytes: bytes, source: path)
        } catch let error as XMLParseError {
            let diagnostic = error.diagnostic
            throw WorkbookError(source: source, message: diagnostic.line > 0 ? "\(path):\(diagnostic)" : "\(path): \(diagnostic)")
        } catch {
            throw WorkbookError(source: source, message: "\(path): \(error)")
        }
    }

    /// Sheet names with the part each is stored in, in workbook order.
    mutating func sheets() throws(WorkbookError) -> [(name: String, part: String)] {
        guard let workbook = try xml("xl/workbook.xml") else {
            throw WorkbookError(source: source, message: "a ZIP archive without xl/workbook.xml: not an .xlsx workbook (an .ods or .docx file?); save it as .xlsx or CSV UTF-8")
        }
        var targets: [String: String] = [:]
        if let relations = try xml("xl/_rels/workbook.xml.rels"), let root = relations.root {
            for relation in root.elementChildren where relation.localName == "Relationship" {
                if let id = relation.attribute("Id"), let target = relation.attribute("Target") {
                    targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                }
            }
        }
        var found: [(name: String, part: String)] = []
        for container in workbook.root?.elementChildren ?? [] where container.localName == "sheets" {
            for (index, sheet) in container.elementChildren.enumerated() where sheet.localName == "sheet" {
                let name = sheet.attribute("name") ?? "Sheet\(index + 1)"
                let id = sheet.attribute("id", namespace: "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
                    ?? sheet.attribute("id", namespace: "http://purl.oclc.org/ooxml/officeDocument/relationships")
                let part = id.flatMap { targets[$0] } ?? "xl/worksheets/sheet\(index + 1).xml"
                found.append((name, part))
            }
        }
        guard !found.isEmpty else { throw WorkbookError(source: source, message: "the workbook has no sheets") }
        return found
    }

    mutating func sheet(named wanted: String?) throws(WorkbookError) -> WorkbookSheet {
        let all = try sheets()
        let chosen: (name: String, part: String)
        if let wanted {
            guard let match = all.first(where: { $0.name == wanted })
                ?? all.first(where: { $0.name.caseInsensitiveCompare(wanted) == .orderedSame }) else {
                throw WorkbookError(source: source, message: "no sheet '\(wanted)' (sheets: \(all.map(\.name).joined(separator: ", ")))")
            }
            chosen = match
        } else {
            chosen = all[0]
        }
        return try sheet(chosen, shared: try sharedStrings())
    }

    mutating func sheet(_ chosen: (name: String, part: String), shared: [String]) throws(WorkbookError) -> WorkbookSheet {
        guard let document = try xml(chosen.part) else {
            throw WorkbookError(source: source, message: "sheet '\(chosen.name)' is missing from the archive (\(chosen.part))")
        }
        return WorkbookSheet(name: chosen.name, rows: try rows(of: document, shared: shared, sheet: chosen.name))
    }

    mutating func sharedStrings() throws(WorkbookError) -> [String] {
        guard let document = try xml("xl/sharedStrings.xml"), let root = document.root else { return [] }
        return root.elementChildren.filter { $0.localName == "si" }.map(Self.text(ofStringItem:))
    }

    /// The text of `<si>` or `<is>`: `<t>`, or the `<t>` of each rich-text run (`<r>`), without phonetic guides.
    static func text(ofStringItem item: XMLNode) -> String {
        var text = ""
        for child in item.elementChildren {
            switch child.localName {
            case "t": text += child.stringValue
            case "r": text += child.elementChildren.filter { $0.localName == "t" }.map(\.stringValue).joined()
            default: break
            }
        }
        return text
    }

    func rows(of document: PanelXMLDocument, shared: [String], sheet: String) throws(WorkbookError) -> [WorkbookRow] {
        guard let data = document.root?.elementChildren.first(where: { $0.localName == "sheetData" }) else { return [] }
        var rows: [WorkbookRow] = []
        var cellCount = 0
        var nextRow = 1
        for row in data.elementChildren where row.localName == "row" {
            let number = row.attribute("r").flatMap(Int.init) ?? nextRow
            nextRow = number + 1
            var cells: [String] = []
            for cell in row.elementChildren where cell.localName == "c" {
                var column = cells.count + 1
                if let reference = cell.attribute("r") {
                    guard let named = Workbook.column(of: reference) else {
                        throw WorkbookError(source: source, message: "sheet '\(sheet)' row \(number): '\(reference)' is not a cell reference")
                    }
                    column = named
                }
                guard column <= limits.maxColumns else {
                    throw WorkbookError(source: source, message: "sheet '\(sheet)' row \(number): column \(column) is past the last column Excel allows")
                }
                let value = try Self.value(of: cell, shared: shared, source: source, sheet: sheet, row: number)
                guard !value.isEmpty else { continue }
                cellCount += 1
                if cellCount > limits.maxCells {
                    throw WorkbookError(source: source, message: "sheet '\(sheet)' holds more than \(limits.maxCells) cells; a comment sheet is far smaller")
                }
                if cells.count < column { cells += Array(repeating: "", count: column - cells.count) }
                cells[column - 1] = value
            }
            rows.append(WorkbookRow(number: number, cells: cells))
        }
        return rows
    }

    static func value(of cell: XMLNode, shared: [String], source: String, sheet: String, row: Int) throws(WorkbookError) -> String {
        let type = cell.attribute("t") ?? "n"
        let children = cell.elementChildren
        if type == "inlineStr" {
            return children.first { $0.localName == "is" }.map(text(ofStringItem:)) ?? ""
        }
        guard let raw = children.first(where: { $0.localName == "v" })?.stringValue else { return "" }
        switch type {
        case "s":
            guard let index = Int(raw.trimmingCharacters(in: .whitespaces)), shared.indices.contains(index) else {
                throw WorkbookError(source: source, message: "sheet '\(sheet)' row \(row): shared string \(raw) does not exist")
            }
            return shared[index]
        case "b":
            return raw == "1" ? "TRUE" : "FALSE"
        default:
            // Numbers as written ("120"), formula results, error codes ("#N/A").
            return raw
        }
    }
}
