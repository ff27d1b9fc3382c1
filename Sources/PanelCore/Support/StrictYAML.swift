import Foundation
import Yams

/// A place in a file a user wrote.
public struct SourceLocation: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The workbook sheet it is on, if any: then `line` is the sheet's row and `column` its column,
    /// and the place is named as Excel names it (`cell G2`).
    public var sheet: String?

    public init(file: String, line: Int, column: Int, sheet: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.sheet = sheet
    }

    /// `file:line:column`, or `file, sheet 'Comments', cell G2` on a workbook's sheet; a whole
    /// file or folder (line 0) is named alone.
    public var description: String {
        guard line > 0 else { return file }
        if let sheet { return "\(file), sheet '\(sheet)', cell \(cell)" }
        return "\(file):\(line):\(column)"
    }

    /// Where in its file, in words a later message can point back with: `on line 3`, `in cell D3`.
    public var inWords: String { sheet == nil ? "on line \(line)" : "in cell \(cell)" }

    /// The cell's name as a spreadsheet gives it: column letters, then the row (`G2`, `AA10`).
    public var cell: String {
        var letters = ""
        var number = max(column, 1)
        while number > 0 {
            letters.insert(Character(UnicodeScalar(UInt8(65 + (number - 1) % 26))), at: letters.startIndex)
            number = (number - 1) / 26
        }
        return letters + String(line)
    }
}

/// One problem in a declarative file: `file:line:column: message`.
public struct Problem: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// A message longer than this is cut in what is shown (a multi-megabyte value is not echoed).
    public static let shownLength = 600

    public var description: String {
        guard message.count > Self.shownLength else { return "\(location): \(message)" }
        return "\(location): \(message.prefix(Self.shownLength))… (\(message.count - Self.shownLength) more characters)"
    }
}

/// Every problem found in one or more files; nothing runs while there are any.
public struct ValidationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [Problem]

    /// Problems in file order (by line, then column), so a long list reads top to bottom.
    public init(_ problems: [Problem]) {
        self.problems = problems.enumerated().sorted { left, right in
            let (a, b) = (left.element.location, right.element.location)
            if a.file != b.file { return left.offset < right.offset }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            return left.offset < right.offset
        }.map(\.element)
    }

    public var description: String { shown.joined(separator: "\n") }

    /// At most this many problems are shown; the rest are counted.
    public static let shownProblems = 50

    /// The problems as printed: the first fifty, then how many more there are.
    public var shown: [String] {
        let first = problems.prefix(Self.shownProblems).map(\.description)
        return problems.count > Self.shownProblems ? first + ["… and \(problems.count - Self.shownProblems) more problems"] : first
    }
}

/// Strict reading of a YAML file: every key must be known, every value of the
/// right type, and every problem is collected (not just the first) with its
/// line and column.
public final class YAMLReader {
    public let file: String
    public private(set) var problems: [Problem] = []
    /// The file had a syntax error and what is being checked is the rest of it,
    /// read with the offending lines blanked out: problems that may only come
    /// from the blanking (a key on a blanked line "missing") are not reported.
    public private(set) var recovering = false

    public init(file: String) { self.file = file }

    /// Files are composed with Yams's basic resolver: its default one compiles seven regular
    /// expressions with ICU on every start-up, a millisecond of every command, to tag scalars that
    /// this reader interprets itself (a whole number, a number and null from the plain text, and a
    /// boolean here, with YAML 1.1's words, as the default resolver had them).
    static func bool(_ node: Node) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return nil }
        switch scalar.string {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    /// A whole number as Yams reads one (YAML 1.1: `1_000`, `0x1F`, `017` in octal, `1:30`), with
    /// plain decimals read here: Yams's reading goes through `NSString` (to drop underscores),
    /// which costs every command that reads a workflow most of a millisecond on first use.
    static func int(_ node: Node) -> Int? {
        guard case .scalar(let scalar) = node else { return nil }
        let text = scalar.string.utf8
        let digits = text.first == UInt8(ascii: "-") || text.first == UInt8(ascii: "+") ? text.dropFirst() : text[...]
        // Plain (a quoted number is text), and no leading zero: Yams reads `017` in octal, `0x..` in hex.
        if scalar.style == .plain || scalar.style == .any, let first = digits.first, first != UInt8(ascii: "0"),
           digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return Int(scalar.string)
        }
        return node.int
    }

    /// At most this many syntax errors are reported (each blanks its line and parsing resumes).
    static let syntaxErrorLimit = 10

    /// Parses `text`. A syntax error is reported in words at its line and column.
    /// When the error is confined to its line (a tab, a stray ': ', a bad
    /// character), blanking that line lets the rest be read, and the rest is
    /// checked in the same pass: a key typo or a bad value elsewhere is reported
    /// now instead of in the next round. When blanking does not help (an unclosed
    /// bracket makes every later line an error), only the first error is reported.
    /// Returns nil when nothing could be read (the problems say why).
    public func root(of text: String) -> YAMLMap? {
        // The text as lines only once a line has to be blanked (splitting is most of reading a small file).
        var lines: [String]?
        var syntax: [Problem] = []
        while true {
            do {
                // UTF-8 said, not `Parser.Encoding.default`: that reads the whole environment at every call.
                guard let node = try Yams.compose(yaml: lines?.joined(separator: "\n") ?? text, Resolver.basic, Constructor.default, .utf8) else {
                    if syntax.isEmpty { report(mark: nil, "the file is empty") } else { problems += syntax.prefix(1) }
                    return nil
                }
                problems += syntax
                recovering = !syntax.isEmpty
                return map(node, what: "the document")
            } catch {
                let (problem, line) = syntaxProblem(error)
                var blanked = lines ?? text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                guard let line, syntax.count < Self.syntaxErrorLimit, blanked.indices.contains(line - 1),
                      !syntax.contains(where: { $0.location.line == line }) else {
                    problems += syntax.isEmpty ? [problem] : Array(syntax.prefix(1))
                    return nil
                }
                syntax.append(problem)
                // Blank the line (keeping the numbering) and read the rest.
                blanked[line - 1] = ""
                lines = blanked
            }
        }
    }

    /// A parse error in words, and its line when blanking that line may let the rest be read.
    private func syntaxProblem(_ error: any Error) -> (Problem, line: Int?) {
        guard let error = error as? YamlError else {
            return (Problem(location(nil as Mark?), "not valid YAML: \(error)"), nil)
        }
        switch error {
        case .scanner(_, let problem, let mark, let yaml), .parser(_, let problem, let mark, let yaml),
             .composer(_, let problem, let mark, let yaml):
            let explanation = Self.explain(problem, at: mark, in: yaml)
            return (Problem(location(mark), "not valid YAML: \(problem)\(explanation.map { " (\($0))" } ?? "")"), mark.line)
        case .reader(let problem, let offset, let value, let yaml):
            // A control character or bad encoding: at the line and column where it is, not at 1:1.
            var line = 1, column = 1
            for byte in yaml.utf8.prefix(offset ?? 0) {
                if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            }
            let what = value >= 0 ? String(format: " (0x%02X)", value) : ""
            return (Problem(SourceLocation(file: file, line: line, column: column), "not valid YAML: \(problem)\(what)"), line)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (Problem(location(context.mark), "duplicate keys: \(duplicates.joined(separator: ", "))"), nil)
        default:
            return (Problem(location(nil as Mark?), "not valid YAML: \(error)"), nil)
        }
    }

    /// libyaml's message says what the parser expected; this says what the writer
    /// most likely did, in words, for the mistakes people make by hand.
    static func explain(_ problem: String, at mark: Mark, in yaml: String) -> String? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines.indices.contains(mark.line - 1) ? String(lines[mark.line - 1]) : ""
        let character = Array(line).dropFirst(max(mark.column - 1, 0)).first
        switch problem {
        case _ where character == "\t" || (problem.contains("tab") && line.contains("\t")):
            return "a tab character: YAML indents with spaces only"
        case "found character that cannot start any token":
            return character.map { "'\($0)' cannot begin an unquoted value; put the value in quotes" }
        case "mapping values are not allowed in this context":
            return "a ': ' inside an unquoted value, or a key indented deeper than its neighbours: quote the value or fix the indentation"
        case "did not find expected key":
            return "this line is not indented like the keys around it, or a list item ('- ') sits among keys"
        case "could not find expected ':'":
            return "a key without its ':', or a quoted value not closed on its line"
        case "found unexpected end of stream":
            return "the file ends inside a quoted value or a bracketed list: a closing quote or bracket is missing"
        case "did not find expected ',' or ']'":
            return "a '[' list not closed with ']' or items not separated by commas"
        case "did not find expected ',' or '}'":
            return "a '{' mapping not closed with '}' or entries not separated by commas"
        case "did not find expected node content":
            return "a value is missing here, or a '- ' list item is inside a '[ ]' list"
        case "block sequence entries are not allowed in this context":
            return "a '- ' list item on the same line as its key: start the list on the next line"
        case "found unknown escape character while parsing a quoted scalar":
            return "a backslash in a double-quoted value: use single quotes, or write '\\\\'"
        case "did not find expected <document start>":
            return "text after the end of the document: check the indentation of this line"
        default:
            return nil
        }
    }

    public func location(_ node: Node?) -> SourceLocation {
        location(node?.mark)
    }

    func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    public func record(_ problem: Problem) {
        problems.append(problem)
    }

    public func report(at node: Node?, _ message: String) {
        problems.append(Problem(location(node), message))
    }

    func report(mark: Mark?, _ message: String) {
        problems.append(Problem(location(mark), message))
    }

    public func map(_ node: Node, what: String) -> YAMLMap? {
        guard case .mapping(let mapping) = node else {
            report(at: node, "\(what) must be a mapping")
            return nil
        }
        return YAMLMap(node: node, mapping: mapping, reader: self)
    }

    /// The failure to throw, if any problem was recorded.
    public func failure() -> ValidationFailure? {
        problems.isEmpty ? nil : ValidationFailure(problems)
    }
}

/// A YAML mapping read key by key; `finish()` reports the keys nobody asked for.
public final class YAMLMap {
    public let node: Node
    public let reader: YAMLReader
    private var entries: [(key: String, keyNode: Node, value: Node)] = []
    private var consumed: Set<String> = []

    init(node: Node, mapping: Node.Mapping, reader: YAMLReader) {
        self.node = node
        self.reader = reader
        for (key, value) in mapping {
            guard let name = key.string else {
                reader.report(at: key, "keys must be strings")
                continue
            }
            entries.append((name, key, value))
        }
    }

    public var keys: [String] { entries.map(\.key) }

    public func value(_ key: String) -> Node? {
        consumed.insert(key)
        return entries.first { $0.key == key }?.value
    }

    /// The value without marking the key as read (for positions).
    public func peek(_ key: String) -> Node? {
        entries.first { $0.key == key }?.value
    }

    public func keyNode(_ key: String) -> Node? {
        entries.first { $0.key == key }?.keyNode
    }

    public func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    private func missing(_ key: String) {
        // On a blanked line, or misspelt (the unknown key's report names it): one problem, not two.
        guard !reader.recovering, closest(to: key, among: keys) == nil else { return }
        reader.report(at: node, "missing required key '\(key)'")
    }

    public func string(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key) else {
            if required { missing(key) }
            return nil
        }
        guard case .scalar(let scalar) = value else {
            reader.report(at: value, "'\(key)' must be a string")
            return nil
        }
        if scalar.string.isEmpty && required {
            reader.report(at: value, "'\(key)' must not be empty")
            return nil
        }
        return scalar.string
    }

    public func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        guard let value = value(key) else {
            if required { missing(key) }
            return nil
        }
        guard let number = YAMLReader.int(value) else {
            reader.report(at: value, "'\(key)' must be a whole number")
            return nil
        }
        if let range, !range.contains(number) {
            reader.report(at: value, "'\(key)' must be between \(range.lowerBound) and \(range.upperBound), not \(number)")
            return nil
        }
        return number
    }

    public func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = YAMLReader.bool(value) else {
            reader.report(at: value, "'\(key)' must be true or false")
            return nil
        }
        return flag
    }

    /// One of a fixed set of words.
    public func word<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type, required: Bool = false) -> T?
    where T.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        if let word = T(rawValue: text) { return word }
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        reader.report(at: value(key), "'\(key)' must be one of \(allowed), not '\(text)'\(didYouMean(text, among: T.allCases.map(\.rawValue)))")
        return nil
    }

    public func map(_ key: String, required: Bool = false) -> YAMLMap? {
        guard let value = value(key) else {
            if required { missing(key) }
            return nil
        }
        return reader.map(value, what: "'\(key)'")
    }

    public func list(_ key: String, required: Bool = false) -> [Node]? {
        guard let value = value(key) else {
            if required { missing(key) }
            return nil
        }
        guard case .sequence(let sequence) = value else {
            reader.report(at: value, "'\(key)' must be a list")
            return nil
        }
        return Array(sequence)
    }

    /// A list of strings; a single string counts as a list of one.
    public func strings(_ key: String, required: Bool = false) -> [String]? {
        guard let node = value(key) else {
            if required { missing(key) }
            return nil
        }
        if case .scalar(let scalar) = node { return [scalar.string] }
        guard case .sequence(let sequence) = node else {
            reader.report(at: node, "'\(key)' must be a list of strings")
            return nil
        }
        var result: [String] = []
        for item in sequence {
            guard case .scalar(let scalar) = item else {
                reader.report(at: item, "'\(key)' must be a list of strings")
                continue
            }
            result.append(scalar.string)
        }
        return result
    }

    /// A mapping of string to string.
    public func stringMap(_ key: String) -> [String: String]? {
        guard let inner = map(key) else { return nil }
        var result: [String: String] = [:]
        for name in inner.keys {
            if let text = inner.string(name) { result[name] = text }
        }
        inner.finish()
        return result
    }

    /// Reports every key that no reader asked for.
    public func finish() {
        let present = Set(entries.map(\.key))
        for entry in entries where !consumed.contains(entry.key) {
            reader.report(at: entry.keyNode, "unknown key '\(entry.key)'\(didYouMean(entry.key, among: consumed.subtracting(present)))")
        }
    }
}
