/// The few shapes of text the files' ids, codes and dates must have, checked byte by byte.
///
/// These were regular expressions (`range(of:options: .regularExpression)`), which start ICU's
/// regular-expression engine, a millisecond of every command that reads a workflow, and whose `$`
/// also matches before a final line break and `\d` any script's digits: here only what is written.
public enum TextPatterns {
    /// An id: a lower-case ASCII letter, then lower-case letters, digits and hyphens (`exp-01`, `annual-report`).
    public static func isSlug(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        guard let first = bytes.next(), isLower(first) else { return false }
        while let byte = bytes.next() {
            guard isLower(byte) || isDigit(byte) || byte == UInt8(ascii: "-") else { return false }
        }
        return true
    }

    /// A two-letter upper-case country code (`KE`).
    public static func isCountryCode(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 2 && bytes.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
    }

    /// A POSIX login: a lower-case letter or underscore, then lower-case letters, digits, `_`, `.` and `-`.
    public static func isLogin(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        guard let first = bytes.next(), isLower(first) || first == UInt8(ascii: "_") else { return false }
        while let byte = bytes.next() {
            guard isLower(byte) || isDigit(byte) || [UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-")].contains(byte) else {
                return false
            }
        }
        return true
    }

    /// A year, a year and month, or a date: `2026`, `2026-11`, `2026-11-30` (ASCII digits).
    public static func isPartialDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard [4, 7, 10].contains(bytes.count) else { return false }
        for (index, byte) in bytes.enumerated() {
            let dash = index == 4 || index == 7
            guard dash ? byte == UInt8(ascii: "-") : isDigit(byte) else { return false }
        }
        return true
    }

    private static func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
