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
        var keywords: Set<String>
        var countries: Set<String>
    }

    private let compiled: [Compiled]
    public var rules: [Rule] { compiled.map(\.rule) }
    public var isEmpty: Bool { compiled.isEmpty }

    private let matcher: PhraseMatcher

    public init(_ rules: [Rule]) throws {
        var phrases: [[UInt8]] = []
        compiled = try rules.compactMap { rule in
            guard case .reference(let condition) = rule.watch, rule.status != .deprecated else { return nil }
            var indexes: [Int] = []
            for phrase in condition.text where !phrase.isEmpty {
                indexes.append(phrases.count)
                phrases.append(Array(phrase.lowercased().utf8))
            }
            return Compiled(
                rule: rule, condition: condition,
                xpath: try condition.xpath.map { try XPathExpression($0, namespaces: condition.namespaces) },
                phrases: indexes,
                keywords: Set(condition.keywords.map { $0.lowercased() }),
                countries: Set(condition.countries.map { $0.uppercased() }))
        }
        matcher = PhraseMatcher(phrases)
    }

    /// The rules this document (one of `format`, read into `metadata`) matches.
    public func matches(_ document: PanelXMLDocument, metadata: ReferenceMetadata, format: ReferenceFormat) -> [Rule] {
        guard !compiled.isEmpty else { return [] }
        var found: [Bool]?
        var keywords: Set<String>?
        var result: [Rule] = []
        for entry in compiled {
            let condition = entry.condition
            if !condition.formats.isEmpty && !condition.formats.contains(format) { continue }
            if !entry.countries.isEmpty && !entry.countries.contains((metadata.country ?? "").uppercased()) { continue }
            if let after = condition.publishedAfter {
                guard let published = metadata.published, published.prefix(after.count) >= after else { continue }
            }
            if !entry.keywords.isEmpty {
                if keywords == nil { keywords = Set(metadata.keywords.map { $0.lowercased() }) }
                if entry.keywords.isDisjoint(with: keywords!) { continue }
            }
            if !entry.phrases.isEmpty {
                if found == nil {
                    // One pass over the text for the phrases of every rule.
                    var marks = [Bool](repeating: false, count: matcher.phraseCount)
                    for field in [metadata.title, metadata.abstract, metadata.body] { matcher.scan(field, into: &marks) }
                    for keyword in metadata.keywords { matcher.scan(keyword, into: &marks) }
                    found = marks
                }
                if !entry.phrases.contains(where: { found![$0] }) { continue }
            }
            if let xpath = entry.xpath {
                guard let value = try? document.evaluate(xpath), value.booleanValue else { continue }
            }
            result.append(entry.rule)
        }
        return result
    }
}
