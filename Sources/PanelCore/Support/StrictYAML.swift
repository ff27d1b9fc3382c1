import Foundation
import Yams

/// A place in a file a user wrote.
public struct SourceLocation: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
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
    public static let shownLength = 300

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

    public init(file: String) { self.file = file }

    /// Parses `text`; nil (with a problem recorded) when it is not YAML.
    public func root(of text: String) -> YAMLMap? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                report(mark: nil, "the file is empty")
                return nil
            }
            return map(node, what: "the document")
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                 .composer(_, let problem, let mark, _):
                report(mark: mark, "not valid YAML: \(problem)")
            case .reader(let problem, let offset, let value, let yaml):
                // A control character or bad encoding: at the line and column where it is, not at 1:1.
                var line = 1, column = 1
                for byte in yaml.utf8.prefix(offset ?? 0) {
                    if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
                }
                let what = value >= 0 ? String(format: " (0x%02X)", value) : ""
                problems.append(Problem(SourceLocation(file: file, line: line, column: column), "not valid YAML: \(problem)\(what)"))
            case .duplicatedKeysInMapping(let duplicates, let context):
                report(mark: context.mark, "duplicate keys: \(duplicates.joined(separator: ", "))")
            default:
                report(mark: nil, "not valid YAML: \(error)")
            }
            return nil
        } catch {
            report(mark: nil, "not valid YAML: \(error)")
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
        guard let number = value.int else {
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
        guard let flag = value.bool else {
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
        reader.report(at: value(key), "'\(key)' must be one of \(allowed), not '\(text)'")
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
            let suggestion = closest(to: entry.key, among: consumed.subtracting(present)).map { " (did you mean '\($0)'?)" } ?? ""
            reader.report(at: entry.keyNode, "unknown key '\(entry.key)'\(suggestion)")
        }
    }
}
