import PanelXML

/// Akoma Ntoso (OASIS LegalDocML), as the UN's AKN4UN profile and parliaments mark up
/// resolutions, acts, reports and judgments: one document per file. The 3.0 standard's
/// namespace, the OASIS working and committee drafts' (`.../akn/3.0/WD17`, `.../CSD03`, ...)
/// that published examples still use, and the legacy 1.0 and 2.0 namespaces are all read;
/// the paths name elements by their local name, so one compiled set serves every namespace.
public final class AkomaNtosoAdapter: ReferenceAdapter {
    public static let namespace = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
    public static let legacyNamespaces = ["http://www.akomantoso.org/1.0", "http://www.akomantoso.org/2.0"]
    public let name = "akn"
    public let format = ReferenceFormat.akn

    /// Whether a namespace is one of Akoma Ntoso's, final, pre-release or legacy.
    public static func isAkomaNtoso(_ namespace: String?) -> Bool {
        guard let namespace else { return false }
        return namespace == Self.namespace || namespace.hasPrefix(Self.namespace + "/") || legacyNamespaces.contains(namespace)
    }

    /// `a:name` steps written as `*[local-name()='name']`: the same path in every Akoma Ntoso namespace.
    static func anyNamespace(_ path: String) -> String {
        var out = ""
        var rest = Substring(path)
        while let range = rest.range(of: "a:") {
            out += rest[..<range.lowerBound]
            let nameStart = range.upperBound
            let nameEnd = rest[nameStart...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") } ?? rest.endIndex
            out += "*[local-name()='\(rest[nameStart..<nameEnd])']"
            rest = rest[nameEnd...]
        }
        return out + rest
    }

    private let kind, kindName, workURI, workThis, date, country, docTitle, shortTitle, workAlias, workName, docNumber, authorRefs,
        organisations, keywords, preamble, body: XPathExpression

    public init() throws {
        let ns: [String: String] = [:]
        func XPathExpression(_ path: String, namespaces: [String: String]) throws -> PanelXML.XPathExpression {
            try PanelXML.XPathExpression(Self.anyNamespace(path), namespaces: namespaces)
        }
        let work = "/a:akomaNtoso/*/a:meta/a:identification/a:FRBRWork"
        kind = try XPathExpression("local-name(/a:akomaNtoso/*[1])", namespaces: ns)
        kindName = try XPathExpression("string(/a:akomaNtoso/*[1]/@name)", namespaces: ns)
        workURI = try XPathExpression("string(\(work)/a:FRBRuri/@value)", namespaces: ns)
        workThis = try XPathExpression("string(\(work)/a:FRBRthis/@value)", namespaces: ns)
        date = try XPathExpression("string(\(work)/a:FRBRdate/@date)", namespaces: ns)
        country = try XPathExpression("string(\(work)/a:FRBRcountry/@value)", namespaces: ns)
        docTitle = try XPathExpression(
            "(/a:akomaNtoso/*/a:preface//a:docTitle | /a:akomaNtoso/*/a:coverPage//a:docTitle | /a:akomaNtoso/*/a:header//a:docTitle)[1]",
            namespaces: ns)
        shortTitle = try XPathExpression(
            "(/a:akomaNtoso/*/a:preface//a:shortTitle | /a:akomaNtoso/*/a:coverPage//a:shortTitle | /a:akomaNtoso/*/a:header//a:shortTitle)[1]",
            namespaces: ns)
        workAlias = try XPathExpression("string(\(work)/a:FRBRalias/@value)", namespaces: ns)
        workName = try XPathExpression("string(\(work)/a:FRBRname/@value)", namespaces: ns)
        docNumber = try XPathExpression("(/a:akomaNtoso/*/a:preface//a:docNumber)[1]", namespaces: ns)
        authorRefs = try XPathExpression("\(work)/a:FRBRauthor/@href", namespaces: ns)
        organisations = try XPathExpression("/a:akomaNtoso/*/a:meta/a:references/*[@eId]", namespaces: ns)
        keywords = try XPathExpression("/a:akomaNtoso/*/a:meta/a:classification/a:keyword/@showAs", namespaces: ns)
        preamble = try XPathExpression("/a:akomaNtoso/*/a:preamble", namespaces: ns)
        body = try XPathExpression("/a:akomaNtoso/*/a:mainBody | /a:akomaNtoso/*/a:body | /a:akomaNtoso/*/a:judgmentBody | /a:akomaNtoso/*/a:debateBody", namespaces: ns)
    }

    public func accepts(_ root: XMLRootInfo) -> Bool {
        root.localName == "akomaNtoso" && Self.isAkomaNtoso(root.namespaceURI)
    }

    public func readPlan(for root: XMLRootInfo) -> XMLReadPlan { .wholeDocument }

    public func references(in document: PanelXMLDocument) throws -> [ReferenceMetadata] {
        var names: [String: String] = [:]
        for node in document.nodes(organisations) {
            if let id = node.attribute("eId"), let shown = node.attribute("showAs") { names[id] = shown }
        }
        var metadata = ReferenceMetadata()
        metadata.namespace = document.root?.namespaceURI
        let uri = document.text(workURI) ?? document.text(workThis)
        if let uri { metadata.identifiers.append(ReferenceIdentifier(.frbr, uri)) }
        let number = document.text(docNumber)
        if let number { metadata.identifiers.append(ReferenceIdentifier(.symbol, number)) }
        metadata.title = document.text(docTitle) ?? document.text(shortTitle) ?? document.text(workAlias) ?? document.text(workName)
            ?? number ?? uri ?? ""
        metadata.readDate([("<FRBRWork><FRBRdate date>", document.text(date), PartialDate.fromISO)])
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
