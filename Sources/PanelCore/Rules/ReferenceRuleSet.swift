import Foundation
import PanelXML

/// The reference rules of a workspace, XPath compiled once, checked on each
/// new document while the ingester holds it: one parse per document, however
/// many rules.
public final class ReferenceRuleSet {
    private struct Compiled {
        var rule: Rule
        var condition: ReferenceCondition
        var xpath: XPathExpression?
        /// Indexes into the set's phrase matcher.
        var phrases: [Int]
        var near: [Int]
        var fields: [ReferenceCondition.Field]
        var keywords: Set<String>
        var countries: Set<String>
    }

    private let compiled: [Compiled]
    public var rules: [Rule] { compiled.map(\.rule) }
    public var isEmpty: Bool { compiled.isEmpty }

    private let matcher: PhraseMatcher
    /// What approved assessments cite, for `cites-keywords-of: approved`.
    public let approved: [ApprovedTopics]

    public init(_ rules: [Rule], approved: [ApprovedTopics] = []) throws {
        self.approved = approved
        var phrases: [[UInt8]] = []
        compiled = try rules.compactMap { rule in
            guard case .reference(let condition) = rule.watch, rule.status != .deprecated else { return nil }
            func indexes(_ list: [String]) -> [Int] {
                list.filter { !$0.isEmpty }.map { phrase in
                    phrases.append(Array(phrase.lowercased().utf8))
                    return phrases.count - 1
                }
            }
            return Compiled(
                rule: rule, condition: condition,
                xpath: try condition.xpath.map { try XPathExpression($0, namespaces: condition.namespaces) },
                phrases: indexes(condition.text), near: indexes(condition.near), fields: condition.fields,
                keywords: Set(condition.keywords.map { $0.lowercased() }),
                countries: Set(condition.countries.map { $0.uppercased() }))
        }
        matcher = PhraseMatcher(phrases)
    }

    /// The rules this document (one of `format`, read into `metadata`) matches.
    public func matches(_ document: PanelXMLDocument, metadata: ReferenceMetadata, format: ReferenceFormat) -> [Rule] {
        guard !compiled.isEmpty else { return [] }
        // Per field (title, abstract, keywords, body), which phrases occur: one pass over each.
        var found: [[Bool]]?
        // Per proximity group (title and keywords, abstract, body), every phrase's occurrences in each of its texts.
        var occurrences: [Int: [[(phrase: Int, word: Int)]]] = [:]
        var keywords: Set<String>?
        var result: [Rule] = []
        for entry in compiled {
            let condition = entry.condition
            if !condition.formats.isEmpty && !condition.formats.contains(format) { continue }
            if !entry.countries.isEmpty && !entry.countries.contains((metadata.country ?? "").uppercased()) { continue }
            if let after = condition.publishedAfter {
                guard let published = metadata.published, published.prefix(after.count) >= after else { continue }
            }
            if condition.citesKeywordsOfApproved && ApprovedTopics.matching(metadata, in: approved).isEmpty { continue }
            if !entry.keywords.isEmpty {
                if keywords == nil { keywords = Set(metadata.keywords.map { $0.lowercased() }) }
                if entry.keywords.isDisjoint(with: keywords!) { continue }
            }
            if !entry.phrases.isEmpty {
                if found == nil {
                    // One pass over each field for the phrases of every rule.
                    found = ReferenceCondition.Field.allCases.map { field in
                        var marks = [Bool](repeating: false, count: matcher.phraseCount)
                        for text in Self.texts(of: field, in: metadata) { matcher.scan(text, into: &marks) }
                        return marks
                    }
                }
                let fields = entry.fields.filter { field in entry.phrases.contains { found![Self.index(of: field)][$0] } }
                if fields.isEmpty { continue }
                if !entry.near.isEmpty {
                    // Only where a near phrase is in the same text at all: is it close? Where every
                    // phrase is, word by word, is worked out once per text for all the rules.
                    let near = fields.contains { field in
                        let marks = Self.proximityGroup(of: field).map { found![Self.index(of: $0)] }
                        guard entry.near.contains(where: { phrase in marks.contains { $0[phrase] } }) else { return false }
                        let group = Self.index(of: Self.proximityGroup(of: field)[0])
                        let texts = occurrences[group] ?? Self.proximityTexts(of: field, in: metadata).map { matcher.occurrences(in: $0) }
                        occurrences[group] = texts
                        return isNear(entry, in: texts)
                    }
                    if !near { continue }
                }
            }
            if let xpath = entry.xpath {
                guard let value = try? document.evaluate(xpath), value.booleanValue else { continue }
            }
            result.append(entry.rule)
        }
        return result
    }

    private static func index(of field: ReferenceCondition.Field) -> Int {
        ReferenceCondition.Field.allCases.firstIndex(of: field)!
    }

    private static func texts(of field: ReferenceCondition.Field, in metadata: ReferenceMetadata) -> [String] {
        switch field {
        case .title: [metadata.title]
        case .abstract: [metadata.abstract]
        case .keywords: metadata.keywords
        case .body: [metadata.body]
        }
    }

    /// The title and the keywords are read together for `near`, as one heading: a feed
    /// item titled "AI incidents in energy" with the category "critical infrastructure" is
    /// about both. The abstract and the body are each a text of their own.
    private static func proximityGroup(of field: ReferenceCondition.Field) -> [ReferenceCondition.Field] {
        field == .title || field == .keywords ? [.title, .keywords] : [field]
    }

    private static func proximityTexts(of field: ReferenceCondition.Field, in metadata: ReferenceMetadata) -> [String] {
        switch field {
        case .title, .keywords: [([metadata.title] + metadata.keywords).joined(separator: " ; ")]
        case .abstract: [metadata.abstract]
        case .body: [metadata.body]
        }
    }

    /// Whether a `text` phrase and a `near` phrase occur within the rule's distance in one of the texts
    /// (given by the occurrences of every phrase in each).
    private func isNear(_ entry: Compiled, in texts: [[(phrase: Int, word: Int)]]) -> Bool {
        let text = Set(entry.phrases)
        let near = Set(entry.near)
        for found in texts {
            let anchors = found.filter { text.contains($0.phrase) }.map(\.word)
            let others = found.filter { near.contains($0.phrase) }.map(\.word)
            for anchor in anchors where others.contains(where: { abs($0 - anchor) <= entry.condition.within }) {
                return true
            }
        }
        return false
    }
}
