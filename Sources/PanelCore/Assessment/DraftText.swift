import Crypto
import Foundation
import PanelXML

/// A draft's Markdown: its lines and the summary statements marked `{#S1}`.
public struct DraftText: Sendable, Equatable {
    public var hash: String
    public var lines: Int
    public var statements: [SummaryStatement]
    public var citations: [DraftCitation] = []

    /// Reads a draft; a refusal lists every problem (not UTF-8, empty, a statement id used twice).
    public static func read(_ bytes: [UInt8], file: String) -> Result<DraftText, Refusal> {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(Refusal("\(file): not UTF-8 text"))
        }
        if let nul = bytes.firstIndex(of: 0) {
            let line = bytes[..<nul].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            return .failure(Refusal("\(file):\(line): a NUL byte (0x00), which text does not hold: UTF-16 saved without its byte-order mark? save it as UTF-8"))
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .failure(Refusal("\(file): the draft is empty"))
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        var statements: [SummaryStatement] = []
        var seen: [String: Int] = [:]
        var problems: [String] = []
        let marker = /\{#(S[0-9]+)\}/
        for (index, line) in lines.enumerated() {
            for match in String(line).matches(of: marker) {
                let id = String(match.output.1)
                if let first = seen[id] {
                    problems.append("\(file):\(index + 1): summary statement \(id) is marked twice (first on line \(first))")
                    continue
                }
                seen[id] = index + 1
                let statement = String(line).replacing(marker, with: "").trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "-*+ ")).collapsingWhitespace
                statements.append(SummaryStatement.read(id: id, line: index + 1, lineText: String(line), text: statement))
            }
        }
        if !problems.isEmpty { return .failure(Refusal(problems)) }
        let hash = SHA256.hash(data: bytes).hexString
        var read = DraftText(hash: hash, lines: lines.count, statements: statements)
        read.citations = lines.enumerated().flatMap { citations(in: String($0.element), line: $0.offset + 1) }
        return .success(read)
    }

    /// `[@key]`, `[@key1; @key2]` and `[see @key, p. 3]` (Pandoc's forms, on one line), each key
    /// at its column. An `@` inside a word (an e-mail address) is not a citation.
    static func citations(in line: String, line number: Int) -> [DraftCitation] {
        guard line.contains("@") else { return [] }
        var found: [DraftCitation] = []
        for match in line.matches(of: /\[([^\]\[]*@[^\]\[]+)\]/) {
            for part in match.output.1.split(separator: ";") {
                var search = part.startIndex
                while let at = part[search...].firstIndex(of: "@") {
                    search = part.index(after: at)
                    if at != part.startIndex, !part[part.index(before: at)].isWhitespace { continue }
                    let key = part[search...].prefix { !$0.isWhitespace && $0 != "," }
                    guard !key.isEmpty else { continue }
                    found.append(DraftCitation(key: String(key), line: number, column: line.distance(from: line.startIndex, to: key.startIndex) + 1))
                    break
                }
            }
        }
        return found
    }
}
