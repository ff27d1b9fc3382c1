import Crypto
import PanelXML
extension String {
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
import PanelXML

/// Content addresses: the SHA-256 of bytes, as lower-case hex (how the store names objects).
public enum ContentHash {
    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).hexString
    }
}

/// `1 day`, `2 days`: a count with its noun in the right number.
public func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}

