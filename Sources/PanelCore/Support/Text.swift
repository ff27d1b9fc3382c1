extension String {
    /// Runs of whitespace become one space; leading and trailing space goes.
    public var collapsingWhitespace: String {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var pendingSpace = false
        for byte in utf8 {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                pendingSpace = !out.isEmpty
            default:
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Text of an HTML fragment: tags dropped, the common entities decoded.
    public var strippingHTMLTags: String {
        guard contains("<") || contains("&") else { return self }
        var out = ""
        out.reserveCapacity(count)
        var inTag = false
        for character in self {
            if character == "<" { inTag = true; out.append(" "); continue }
            if character == ">" && inTag { inTag = false; continue }
            if !inTag { out.append(character) }
        }
        let entities = ["&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&apos;": "'", "&nbsp;": " "]
        for (entity, value) in entities where out.contains(entity) {
            out = out.replacingOccurrences(of: entity, with: value)
        }
        return out.collapsingWhitespace
    }
}

import Foundation
