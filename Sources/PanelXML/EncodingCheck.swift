/// Catches a file that declares a single-byte Latin encoding (ISO-8859-1, Windows-1252, ...)
/// but whose bytes are UTF-8: libxml2 would believe the declaration and turn "é" into "Ã©".
/// The whole stream is checked as it is read: it is mislabelled when it has non-ASCII bytes and
/// every one of them is part of a valid UTF-8 sequence, which Latin text almost never is.
struct EncodingCheck {
    private(set) var declared: String?
    private var carry: [UInt8] = []
    private var valid = true
    private var nonASCII = false

    static let latin: Set<String> = ["iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252", "iso-8859-15"]

    /// Reads the declaration from the first bytes of the file.
    init(head: UnsafeRawBufferPointer) {
        let text = String(decoding: head.prefix(256), as: UTF8.self)
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return }
        let declaration = text[..<end.lowerBound]
        guard let key = declaration.range(of: "encoding") else { return }
        let rest = declaration[key.upperBound...].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return }
        let value = rest.dropFirst().prefix { $0 != quote }
        let name = value.lowercased()
        if Self.latin.contains(name) { declared = String(value) }
    }

    var isWatching: Bool { declared != nil && valid }

    /// Checks the next bytes (a UTF-8 sequence may be split between chunks).
    mutating func check(_ bytes: UnsafeRawBufferPointer) {
        guard isWatching else { return }
        var data = carry
        data += bytes
        if !nonASCII, data.contains(where: { $0 >= 0x80 }) { nonASCII = true }
        // Hold back an incomplete sequence at the end for the next chunk.
        var cut = data.count
        var back = 0
        while back < 3, cut - back - 1 >= 0 {
            let byte = data[cut - back - 1]
            if byte & 0xC0 == 0x80 { back += 1; continue }
            if byte >= 0xC0 {
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                if back + 1 < length { cut = cut - back - 1 }
            }
            break
        }
        carry = Array(data[cut...])
        if String(validating: data[..<cut], as: UTF8.self) == nil { valid = false }
    }

    /// At the end: the declaration contradicted by the bytes, if it was.
    func contradiction() -> String? {
        guard let declared, valid, nonASCII, carry.isEmpty else { return nil }
        return "the file declares encoding=\"\(declared)\" but its bytes are UTF-8, so accented text would be misread (é as Ã©); declare encoding=\"UTF-8\" or re-encode the file"
    }
}
