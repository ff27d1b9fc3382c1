import PanelXML

/// Turns one XML format into references. An adapter says which roots it
/// reads, whether its files are collections to stream record by record, and
/// how to read one document or record. Adapters hold compiled XPath and are
/// made once per run.
public protocol ReferenceAdapter: AnyObject {
    /// The name users give to `--format` (`jats`, `pubmed`, `generic:NAME`).
    var name: String { get }
    var format: ReferenceFormat { get }
    /// Whether a document with this root is this adapter's.
    func accepts(_ root: XMLRootInfo) -> Bool
    /// For collections: local names from the root down to one record.
    func readPlan(for root: XMLRootInfo) -> XMLReadPlan
    /// The references in one document (or one streamed record).
    func references(in document: PanelXMLDocument) throws -> [ReferenceMetadata]
    /// Whether a file with no records is a normal state of the source (a feed with nothing new)
    /// rather than a mistake to reject.
    var emptyIsNormal: Bool { get }
}

extension ReferenceAdapter {
    public var emptyIsNormal: Bool { false }
}

/// The adapters a workspace uses, in detection order. An explicit list, no
/// reflection: adding a format means adding a line here.
public struct ReferenceAdapterRegistry {
    public let adapters: [any ReferenceAdapter]

    public init(generic mappings: [GenericMapping] = []) throws {
        var list: [any ReferenceAdapter] = [
            try JATSAdapter(),
            try AkomaNtosoAdapter(),
            try PubMedAdapter(),
            try CrossrefAdapter(),
            try AtomAdapter(),
            try RSSAdapter(),
        ]
        for mapping in mappings {
            list.append(try GenericAdapter(mapping: mapping))
        }
        adapters = list
    }

    public var names: [String] { adapters.map(\.name) }

    public func adapter(named name: String) -> (any ReferenceAdapter)? {
        adapters.first { $0.name == name }
    }

    /// The first adapter that reads this root, or nil.
    public func detect(_ root: XMLRootInfo) -> (any ReferenceAdapter)? {
        adapters.first { $0.accepts(root) }
    }
}

/// Small helpers shared by the adapters.
extension PanelXMLDocument {
    /// The first selected node's text (or the string result), whitespace collapsed; nil when empty.
    func text(_ expression: XPathExpression, at node: XMLNode? = nil) -> String? {
        collapsedText(expression, at: node)
    }

    /// Each selected node's text, whitespace collapsed, empty ones dropped.
    func texts(_ expression: XPathExpression, at node: XMLNode? = nil) -> [String] {
        guard let value = try? evaluate(expression, at: node) else { return [] }
        guard case .nodes(let nodes) = value else {
            return [value.stringValue.collapsingWhitespace].filter { !$0.isEmpty }
        }
        return nodes.map(\.collapsedText).filter { !$0.isEmpty }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension Array where Element: Hashable {
    /// Order-preserving de-duplication.
    var uniqued: [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
