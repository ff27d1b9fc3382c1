import PanelXML

/// A user's mapping for an XML format panel does not know, written in
/// `panel.yaml` under `references.mappings`: which root it reads, which
/// element is one record, and an XPath 1.0 expression per field, evaluated
/// with the record element as context.
public struct GenericMapping: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case identifier, title, authors, published, container, country
        case documentType = "document-type"
        case keywords, abstract, body, url
    }

    public var name: String
    public var root: String
    public var namespace: String?
    /// Local names below the root down to one record; empty: the root is the record.
    public var record: [String]
    public var prefixes: [String: String]
    public var fields: [Field: String]
    public var location: SourceLocation?

    public init(name: String, root: String, namespace: String? = nil, record: [String] = [],
                prefixes: [String: String] = [:], fields: [Field: String], location: SourceLocation? = nil) {
        self.name = name
        self.root = root
        self.namespace = namespace
        self.record = record
        self.prefixes = prefixes
        self.fields = fields
        self.location = location
    }
}

public final class GenericAdapter: ReferenceAdapter {
    public let mapping: GenericMapping
    public let name: String
    public let format = ReferenceFormat.generic
    private let compiled: [GenericMapping.Field: XPathExpression]
    private let recordElement: XPathExpression

    public init(mapping: GenericMapping) throws {
        self.mapping = mapping
        name = "generic:\(mapping.name)"
        var compiled: [GenericMapping.Field: XPathExpression] = [:]
        for (field, source) in mapping.fields {
            compiled[field] = try XPathExpression(source, namespaces: mapping.prefixes)
        }
        self.compiled = compiled
        recordElement = try XPathExpression("/*")
    }

    public func accepts(_ root: XMLRootInfo) -> Bool {
        root.localName == mapping.root && (mapping.namespace == nil || mapping.namespace == root.namespaceURI)
    }

    public func readPlan(for root: XMLRootInfo) -> XMLReadPlan {
        mapping.record.isEmpty ? .wholeDocument : .records(path: [mapping.root] + mapping.record)
    }

    public func references(in document: PanelXMLDocument) throws -> [ReferenceMetadata] {
        guard let record = document.nodes(recordElement).first else { return [] }
        func one(_ field: GenericMapping.Field) -> String? {
            compiled[field].flatMap { document.text($0, at: record) }
        }
        func all(_ field: GenericMapping.Field) -> [String] {
            compiled[field].map { document.texts($0, at: record) } ?? []
        }
        var metadata = ReferenceMetadata()
        if let value = one(.identifier) {
            metadata.identifiers.append(ReferenceIdentifier(parsing: value) ?? ReferenceIdentifier(.id, "\(mapping.name):\(value)"))
        }
        metadata.title = one(.title) ?? ""
        metadata.authors = all(.authors).map { Author(name: $0) }
        metadata.readDate([("published", one(.published), PartialDate.fromISO)])
        metadata.container = one(.container)
        metadata.country = one(.country)
        metadata.documentType = one(.documentType) ?? mapping.name
        metadata.keywords = all(.keywords).uniqued
        metadata.abstract = one(.abstract) ?? ""
        metadata.body = one(.body) ?? ""
        metadata.url = one(.url)
        return [metadata]
    }
}
