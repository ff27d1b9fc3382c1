/// Bytes that should be UTF-8 text (reviews, matrices, rosters, drafts): decoded, with a byte-order
/// mark dropped, or a reason that says what the file is and how to save it as UTF-8.
public enum TextFile {
    public static func decode(_ bytes: [UInt8], file: String) -> Result<String, ValidationFailure> {
        let start = SourceLocation(file: file, line: 1, column: 1)
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return .failure(ValidationFailure([Problem(start, "an Excel workbook or other zip file, not text: save it as CSV UTF-8 (File > Save As > CSV UTF-8 (Comma delimited))")]))
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return .failure(ValidationFailure([Problem(start, "UTF-16 text (Excel's 'Unicode Text'): save it as CSV UTF-8 (Comma delimited) instead")]))
        }
        var body = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { body = bytes.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) {
            // A NUL is no character of text (UTF-16 saved without its byte-order mark is mostly
            // NULs), and SQLite's text ends at one: refused here, where it can be said where.
            guard let nul = body.firstIndex(of: 0) else { return .success(text) }
            let before = String(decoding: body[body.startIndex..<nul], as: UTF8.self)
            let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            let column = before.unicodeScalars.reversed().prefix { $0 != "\n" }.count + 1
            return .failure(ValidationFailure([Problem(SourceLocation(file: file, line: line, column: column),
                "a NUL byte (0x00), which text does not hold: UTF-16 saved without its byte-order mark? save it as UTF-8")]))
        }
        // Where the bytes stop being UTF-8, with the line and column, so the reason points at it.
        var line = 1, column = 1, index = body.startIndex
        var valid = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            guard length > 0, index + length <= body.endIndex,
                  String(validating: body[index..<(index + length)], as: UTF8.self) != nil else { break }
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
            index += length
            valid = index
        }
        let latin = body[valid...].contains { $0 >= 0x80 && $0 <= 0xFF }
        let hint = latin ? " (it looks like Windows-1252 or Latin-1, Excel's plain 'CSV'): save it as CSV UTF-8 (Comma delimited)" : ""
        return .failure(ValidationFailure([Problem(SourceLocation(file: file, line: line, column: column), "not UTF-8 text\(hint)")]))
    }
}
