import PanelXML

/// Akoma Ntoso 3.0 (OASIS LegalDocML), as the UN's AKN4UN profile marks up
/// resolutions and reports: one document per file.
public final class AkomaNtosoAdapter: ReferenceAdapter {
    public static let namespace = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
    public let name = "akn"
    public let format = ReferenceFormat.akn

    private let kind, kindName, workURI, workThis, date, country, docTitle, workName, docNumber, authorRefs,
        organisations, keywords, preamble, body: XPathExpression

    public init() throws {
        let ns = ["a": Self.namespace]
        let work = "/a:akomaNtoso/*/a:meta/a:identification/a:FRBRWork"
        kind = try XPathExpression("local-name(/a:akomaNtoso/*[1])", namespaces: ns)
        kindName = try XPathExpression("string(/a:akomaNtoso/*[1]/@name)", namespaces: ns)
        workURI = try XPathExpression("string(\(work)/a:FRBRuri/@value)", namespaces: ns)
        workThis = try XPathExpression("string(\(work)/a:FRBRthis/@value)", namespaces: ns)
        date = try XPathExpression("string(\(work)/a:FRBRdate/@date)", namespaces: ns)
        country = try XPathExpression("string(\(work)/a:FRBRcountry/@value)", namespaces: ns)
        docTitle = try XPathExpression("(/a:akomaNtoso/*/a:preface//a:docTitle | /a:akomaNtoso/*/a:coverPage//a:docTitle)[1]", namespaces: ns)
        workName = try XPathExpression("string(\(work)/a:FRBRname/@value)", namespaces: ns)
        docNumber = try XPathExpression("(/a:akomaNtoso/*/a:preface//a:docNumber)[1]", namespaces: ns)
        authorRefs = try XPathExpression("\(work)/a:FRBRauthor/@href", namespaces: ns)
        organisations = try XPathExpression("/a:akomaNtoso/*/a:meta/a:references/*[@eId]", namespaces: ns)
        keywords = try XPathExpression("/a:akomaNtoso/*/a:meta/a:classification/a:keyword/@showAs", namespaces: ns)
        preamble = try XPathExpression("/a:akomaNtoso/*/a:preamble", namespaces: ns)
        body = try XPathExpression("/a:akomaNtoso/*/a:mainBody | /a:akomaNtoso/*/a:body | /a:akomaNtoso/*/a:judgmentBody | /a:akomaNtoso/*/a:debateBody", namespaces: ns)
    }

    public func accepts(_ root: XMLRootInfo) -> Bool {
        root.localName == "akomaNtoso" && root.namespaceURI == Self.namespace
    }

    public func readPlan(for root: XMLRootInfo) -> XMLReadPlan { .wholeDocument }

    public func references(in document: PanelXMLDocument) throws -> [ReferenceMetadata] {
        var names: [String: String] = [:]
        for node in document.nodes(organisations) {
            if let id = node.attribute("eId"), let shown = node.attribute("showAs") { names[id] = shown }
        }
        var metadata = ReferenceMetadata()
        let uri = document.text(workURI) ?? document.text(workThis)
        if let uri { metadata.identifiers.append(ReferenceIdentifier(.frbr, uri)) }
        let number = document.text(docNumber)
        if let number { metadata.identifiers.append(ReferenceIdentifier(.symbol, number)) }
        metadata.title = document.text(docTitle) ?? document.text(workName) ?? number ?? uri ?? ""
        metadata.published = PartialDate.fromISO(document.text(date))
        metadata.country = document.text(country)
        metadata.documentType = document.text(kindName) ?? document.text(kind)
        metadata.authors = document.strings(authorRefs).map { reference in
            let id = reference.hasPrefix("#") ? String(reference.dropFirst()) : reference
            return Author(name: names[id] ?? id)
        }.uniqued
        metadata.container = metadata.authors.first?.name
        metadata.keywords = document.texts(keywords).uniqued
        metadata.abstract = document.text(preamble) ?? ""
        metadata.body = document.nodes(body).map { $0.collapsedText }.joined(separator: " ")
        return [metadata]
    }
}
