import PanelXML

/// Atom 1.0 feeds: streamed, each entry a reference.
public final class AtomAdapter: ReferenceAdapter {
    public static let namespace = "http://www.w3.org/2005/Atom"
    public let name = "atom"
    public let format = ReferenceFormat.atom
    /// A feed with no entries is a quiet day, not a bad file.
    public let emptyIsNormal = true

    private let id, title, published, updated, authors, link, categories, summary, content: XPathExpression

    public init() throws {
        let ns = ["a": Self.namespace]
        id = try XPathExpression("/a:entry/a:id", namespaces: ns)
        title = try XPathExpression("/a:entry/a:title", namespaces: ns)
        published = try XPathExpression("/a:entry/a:published", namespaces: ns)
        updated = try XPathExpression("/a:entry/a:updated", namespaces: ns)
        authors = try XPathExpression("/a:entry/a:author/a:name", namespaces: ns)
        link = try XPathExpression("string((/a:entry/a:link[@rel='alternate' or not(@rel)])[1]/@href)", namespaces: ns)
        categories = try XPathExpression("/a:entry/a:category/@term", namespaces: ns)
        summary = try XPathExpression("/a:entry/a:summary", namespaces: ns)
        content = try XPathExpression("/a:entry/a:content", namespaces: ns)
    }

    /// An Atom text construct as its `type` says (RFC 4287 §3.1): `html` is escaped HTML, read as a
    /// reader sees it; `text` (the default) and `xhtml` (markup in the feed itself) are text as they stand.
    private func text(_ expression: XPathExpression, in document: PanelXMLDocument) -> String? {
        guard let node = document.nodes(expression).first else { return nil }
        let text = (node.attribute("type") ?? "text").lowercased() == "html" ? HTMLText.plain(node.stringValue) : node.collapsedText
        return text.isEmpty ? nil : text
    }

    public func accepts(_ root: XMLRootInfo) -> Bool {
        root.localName == "feed" && root.namespaceURI == Self.namespace
    }

    public func readPlan(for root: XMLRootInfo) -> XMLReadPlan { .records(path: ["feed", "entry"]) }

    public func references(in document: PanelXMLDocument) throws -> [ReferenceMetadata] {
        var metadata = ReferenceMetadata()
        if let value = document.text(id) { metadata.identifiers.append(ReferenceIdentifier(.uri, value)) }
        metadata.title = text(title, in: document) ?? ""
        metadata.readDate([
            ("<published>", document.text(published), PartialDate.fromISO),
            ("<updated>", document.text(updated), PartialDate.fromISO),
        ])
        metadata.authors = document.texts(authors).map { Author(name: $0) }
        metadata.url = document.text(link)
        metadata.keywords = document.texts(categories).uniqued
        metadata.abstract = text(summary, in: document) ?? ""
        metadata.body = text(content, in: document) ?? ""
        metadata.documentType = "feed-entry"
        return [metadata]
    }
}

/// RSS 2.0 feeds: streamed, each item a reference.
public final class RSSAdapter: ReferenceAdapter {
    public let name = "rss"
    public let format = ReferenceFormat.rss
    /// A channel with no items is a quiet day, not a bad file.
    public let emptyIsNormal = true

    private let title, link, guid, date, dcDate, creators, authorField, categories, description, encoded: XPathExpression

    public init() throws {
        let ns = ["dc": "http://purl.org/dc/elements/1.1/", "content": "http://purl.org/rss/1.0/modules/content/"]
        title = try XPathExpression("/item/title", namespaces: ns)
        link = try XPathExpression("/item/link", namespaces: ns)
        guid = try XPathExpression("/item/guid", namespaces: ns)
        date = try XPathExpression("/item/pubDate", namespaces: ns)
        dcDate = try XPathExpression("/item/dc:date", namespaces: ns)
        creators = try XPathExpression("/item/dc:creator", namespaces: ns)
        authorField = try XPathExpression("/item/author", namespaces: ns)
        categories = try XPathExpression("/item/category", namespaces: ns)
        description = try XPathExpression("/item/description", namespaces: ns)
        encoded = try XPathExpression("/item/content:encoded", namespaces: ns)
    }

    public func accepts(_ root: XMLRootInfo) -> Bool {
        root.localName == "rss" && root.namespaceURI == nil
    }

    public func readPlan(for root: XMLRootInfo) -> XMLReadPlan { .records(path: ["rss", "channel", "item"]) }

    public func references(in document: PanelXMLDocument) throws -> [ReferenceMetadata] {
        var metadata = ReferenceMetadata()
        if let value = document.text(guid) ?? document.text(link) {
            metadata.identifiers.append(ReferenceIdentifier(.uri, value))
        }
        // RSS titles are plain text by the specification and HTML in practice (`&lt;b&gt;AI&lt;/b&gt;`):
        // read as a reader sees them (a '<' that opens no tag stays).
        metadata.title = (document.text(title) ?? "").strippingHTMLTags
        metadata.url = document.text(link)
        metadata.readDate([
            ("<pubDate>", document.text(date), PartialDate.fromRFC822),
            ("<dc:date>", document.text(dcDate), PartialDate.fromISO),
        ])
        metadata.authors = (document.texts(creators) + document.texts(authorField)).uniqued.map { Author(name: $0) }
        metadata.keywords = document.texts(categories).uniqued
        metadata.abstract = (document.text(description) ?? "").strippingHTMLTags
        metadata.body = (document.text(encoded) ?? "").strippingHTMLTags
        // An item may have a description and no title (RSS 2.0 asks for one of them): its opening
        // words stand for the title, as feed readers show it.
        if metadata.title.isEmpty { metadata.title = Self.opening(metadata.abstract) }
        metadata.documentType = "feed-item"
        return [metadata]
    }

    /// The first sentence of a text, or its first 100 characters at a word's end with an ellipsis.
    static func opening(_ text: String) -> String {
        if let end = text.firstIndex(where: { ".!?".contains($0) }), text.distance(from: text.startIndex, to: end) < 100 {
            return String(text[...end])
        }
        guard text.count > 100 else { return text }
        let cut = text.prefix(100)
        return String(cut[..<(cut.lastIndex(of: " ") ?? cut.endIndex)]) + "…"
    }
}
