import PanelWorkbook

/// Review and response workbooks (.xlsx): the sheet that holds the comment table,
/// as rows for the same reader CSV files go through.
enum Spreadsheet {
    /// How a header row is recognised: a review's or a matrix's columns.
    static func isHeader(_ cells: [String]) -> Bool {
        let keys = Set(cells.map(CSV.columnKey))
        // Three of a review's columns make a header even with a typo in the others, so the typo is
        // reported by name ("unknown column 'recomendation' (did you mean ...?)") rather than the sheet missed.
        let known = Set(ReviewFile.csvColumns + ReviewFile.optionalCSVColumns)
        return keys.contains("comment_id") || keys.intersection(known).count >= 3
    }

    /// The comment table of a workbook: the named sheet, or else the first sheet with a
    /// review's or a matrix's header row. Rows above the header (a template's title) are
    /// skipped; each row keeps its Excel row number, and each problem names it.
    static func table(_ bytes: [UInt8], file: String, sheet wanted: String? = nil) -> Result<[CSV.Row], ValidationFailure> {
        let start = SourceLocation(file: file, line: 1, column: 1)
        let sheets: [WorkbookSheet]
        do {
            if let wanted {
                sheets = [try Workbook.read(bytes: bytes, source: file, sheet: wanted)]
            } else {
                sheets = try Workbook.sheets(bytes: bytes, source: file)
            }
        } catch {
            return .failure(ValidationFailure([Problem(start, error.message)]))
        }
        for sheet in sheets {
            // A template may put a title and notes above the header; the header is among the first rows.
            guard let header = sheet.rows.prefix(20).firstIndex(where: { isHeader($0.cells) }) else { continue }
            let width = sheet.rows[header].cells.count
            let rows = sheet.rows[header...].map { row in
                CSV.Row(line: row.number, fields: row.cells.count < width ? row.cells + Array(repeating: "", count: width - row.cells.count) : row.cells,
                        sheet: sheet.name)
            }
            return .success(rows)
        }
        let names = sheets.map { "'\($0.name)'" }.joined(separator: ", ")
        return .failure(ValidationFailure([Problem(start, wanted == nil
            ? "no sheet has a review's columns (\(ReviewFile.csvColumns.joined(separator: ", "))) or a comment matrix's (comment_id first) in its first 20 rows (sheets: \(names))"
            : "sheet \(names) has no header row with a review's columns (\(ReviewFile.csvColumns.joined(separator: ", "))) or a comment matrix's (comment_id first) in its first 20 rows")]))
    }
}
