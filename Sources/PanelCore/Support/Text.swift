import Crypto
import PanelXML
extension String {
    /// The text a reader sees in an HTML fragment (`HTMLText.plain`): tags dropped, entities decoded.
    public var strippingHTMLTags: String { HTMLText.plain(self) }
}

import Foundation
import PanelXML

/// Content addresses: the SHA-256 of bytes, as lower-case hex (how the store names objects).
public enum ContentHash {
    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).hexString
    }
}

extension String {
    /// The text on one line, as a report prints a file's name: control characters (a newline, a
    /// tab, an escape in a name) written as `\n`, `\t`, `\r` or `\u{1B}`, so that a name cannot
    /// split a line of the report or forge one. JSON output escapes them itself, and a
    /// reason file is written with them escaped too.
    public var oneLine: String {
        guard unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return self }
        var escaped = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
            case "\t": escaped.append(contentsOf: "\\t".unicodeScalars)
            case "\r": escaped.append(contentsOf: "\\r".unicodeScalars)
            case _ where scalar.properties.generalCategory == .control:
                escaped.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}

/// `1 day`, `2 days`: a count with its noun in the right number.
public func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}


/// The closest of `candidates` to a mistyped word, when it is close enough to be what was meant.
public func closest(to word: String, among candidates: some Sequence<String>) -> String? {
    let ranked = candidates.map { (name: $0, distance: editDistance($0, word)) }.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
    guard let best = ranked.first, best.distance > 0, best.distance <= max(2, word.count / 3) else { return nil }
    return best.name
}

/// ` (did you mean 'x'?)` when one of `candidates` is close to `word`, else empty:
/// appended to every "unknown ..." and "must be one of ..." message.
public func didYouMean(_ word: String, among candidates: some Sequence<String>) -> String {
    closest(to: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
}

/// Levenshtein distance.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
