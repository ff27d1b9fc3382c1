/// A full-text search as users write it, defined in the core so that no
/// store's query syntax leaks through: words (all must match), "quoted
/// phrases", `OR` between alternatives, `-word` to exclude, `word*` for a
/// prefix. Each store translates it (SQLite: FTS5; PostgreSQL: tsquery).
public struct SearchExpression: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: Sendable, Equatable {
        /// A word, or with `prefix` every word that starts with it.
        case word(String, prefix: Bool)
        /// Words that must appear together, in order.
        case phrase([String])
    }

    /// Every clause must match; a clause matches when any of its units does.
    public var required: [[Unit]]
    /// No document matching one of these is returned.
    public var excluded: [Unit]

    public init(required: [[Unit]], excluded: [Unit] = []) {
        self.required = required
        self.excluded = excluded
    }

    /// Reads a query, or says what is wrong with it and where.
    public static func parse(_ text: String) throws(SearchSyntaxError) -> SearchExpression {
        var required: [[Unit]] = []
        var excluded: [Unit] = []
        var pendingOr = false
        var notNext = false
        var index = text.startIndex
        func fail(_ message: String) -> SearchSyntaxError { SearchSyntaxError(query: text, message: message) }
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                index = text.index(after: index)
                continue
            }
            var negated = notNext
            notNext = false
            if character == "-" {
                negated = true
                index = text.index(after: index)
                guard index < text.endIndex, !text[index].isWhitespace else { throw fail("'-' must be followed by a word or phrase to exclude") }
            }
            let unit: Unit
            if text[index] == "\"" {
                let start = text.index(after: index)
                guard let end = text[start...].firstIndex(of: "\"") else { throw fail("a quoted phrase is not closed") }
                let words = Self.words(text[start..<end])
                guard !words.isEmpty else { throw fail("an empty phrase \"\" matches nothing") }
                unit = words.count == 1 ? .word(words[0], prefix: false) : .phrase(words)
                index = text.index(after: end)
            } else {
                let end = text[index...].firstIndex { $0.isWhitespace || $0 == "\"" } ?? text.endIndex
                let token = String(text[index..<end])
                index = end
                if token == "AND" {
                    guard !required.isEmpty, !pendingOr, !negated else { throw fail("AND needs a word or phrase on each side") }
                    continue
                }
                if token == "NOT" {
                    guard !pendingOr, !negated else { throw fail("NOT must be followed by a word or phrase to exclude") }
                    notNext = true
                    continue
                }
                if token == "OR" {
                    guard !required.isEmpty, !pendingOr, !negated else { throw fail("OR needs a word or phrase on each side") }
                    pendingOr = true
                    continue
                }
                // Other engines' syntax would be searched as words and quietly match nothing: say so.
                if let colon = token.firstIndex(of: ":"), Self.fields.contains(token[..<colon].lowercased()) {
                    throw fail("'\(token[...colon])' searches one field, which panel does not do: a search reads all of a reference's text; search the words, and narrow with --from, --to, --keyword, --country or --source")
                }
                if token.uppercased().hasPrefix("NEAR(") {
                    throw fail("NEAR is not supported; search the words, or a \"quoted phrase\" for words side by side")
                }
                let prefix = token.hasSuffix("*")
                let words = Self.words(prefix ? token.dropLast() : token[...])
                if words.isEmpty { continue }  // punctuation alone, e.g. '&'
                if words.count > 1 {
                    // 'covid-19' or 'e.g.': words joined by punctuation are searched as a phrase.
                    unit = .phrase(words)
                } else {
                    unit = .word(words[0], prefix: prefix)
                }
            }
            if negated {
                guard !pendingOr else { throw fail("OR cannot be followed by an excluded word") }
                excluded.append(unit)
            } else if pendingOr {
                required[required.count - 1].append(unit)
                pendingOr = false
            } else {
                required.append([unit])
            }
        }
        if pendingOr { throw fail("OR needs a word or phrase on each side") }
        if notNext { throw fail("NOT must be followed by a word or phrase to exclude") }
        guard !required.isEmpty else {
            throw fail(excluded.isEmpty ? "nothing to search for" : "a search needs at least one word that is not excluded")
        }
        return SearchExpression(required: required, excluded: excluded)
    }

    /// Field names as other search syntaxes write them (`title:word`): refused, not searched as words.
    static let fields: Set<String> = ["title", "author", "authors", "abstract", "body", "keyword", "keywords", "doi", "pmid", "country", "year"]

    /// Letters and digits, lower-cased; everything else separates words.
    static func words(_ text: Substring) -> [String] {
        text.split { !$0.isLetter && !$0.isNumber }.map { $0.lowercased() }
    }

    public var description: String {
        func show(_ unit: Unit) -> String {
            switch unit {
            case .word(let word, let prefix): word + (prefix ? "*" : "")
            case .phrase(let words): "\"" + words.joined(separator: " ") + "\""
            }
        }
        let all = required.map { $0.map(show).joined(separator: " OR ") }.joined(separator: " ")
        return all + excluded.map { " -" + show($0) }.joined()
    }
}

/// A search query that cannot be read, with the reason.
public struct SearchSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var query: String
    public var message: String

    public init(query: String, message: String) {
        self.query = query
        self.message = message
    }

    public var description: String { "invalid search query '\(query)': \(message)" }
}
