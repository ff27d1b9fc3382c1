import PanelXML

/// JATS (NISO Z39.96) journal articles: one article per file.
public final class JATSAdapter: ReferenceAdapter {
    public let name = "jats"
    public let format = ReferenceFormat.jats

    private let title, journal, doi, pmid, contributors, personName, alternativeName, givenNames, surname, stringName, collab,
        affiliationRefs, inlineAffiliations, affiliations, affiliationText, keywords, abstract, body,
        pubDate, year, month, day, country, articleType: XPathExpression

    public init() throws {
        let meta = "/article/front/article-meta"
        title = try XPathExpression("\(meta)/title-group/article-title")
        journal = try XPathExpression("/article/front/journal-meta//journal-title")
        doi = try XPathExpression("\(meta)/article-id[@pub-id-type='doi']")
        pmid = try XPathExpression("\(meta)/article-id[@pub-id-type='pmid']")
        contributors = try XPathExpression("\(meta)//contrib[@contrib-type='author' or not(@contrib-type)]")
        // A name given in several scripts (<name-alternatives>): the western form, else the first.
        personName = try XPathExpression("name | name-alternatives/name[@name-style='western']")
        alternativeName = try XPathExpression("name-alternatives/name")
        givenNames = try XPathExpression("given-names")
        surname = try XPathExpression("surname")
        stringName = try XPathExpression("string-name | name-alternatives/string-name")
        collab = try XPathExpression("collab")
        affiliationRefs = try XPathExpression("xref[@ref-type='aff']/@rid")
        inlineAffiliations = try XPathExpression("aff")
        affiliations = try XPathExpression("\(meta)//aff[@id] | /article/front//aff[@id]")
        affiliationText = try XPathExpression("node()[not(self::label)]")
        keywords = try XPathExpression("\(meta)/kwd-group/kwd")
        abstract = try XPathExpression("\(meta)/abstract")
        body = try XPathExpression("/article/body")
        pubDate = try XPathExpression("\(meta)/pub-date")
        year = try XPathExpression("year")
        month = try XPathExpression("month")
        day = try XPathExpression("day")
        country = try XPathExpression("(\(meta)//aff//country)[1]/@country | (\(meta)//aff//country)[1]")
        articleType = try XPathExpression("string(/article/@article-type)")
    }

    public func accepts(_ root: XMLRootInfo) -> Bool {
        root.localName == "article" && (root.namespaceURI == nil || root.namespaceURI == "")
    }

    public func readPlan(for root: XMLRootInfo) -> XMLReadPlan { .wholeDocument }

    public func references(in document: PanelXMLDocument) throws -> [ReferenceMetadata] {
        var affiliationByID: [String: String] = [:]
        for node in document.nodes(affiliations) {
            guard let id = node.attribute("id") else { continue }
            let text = document.nodes(affiliationText, at: node).map(\.stringValue).joined().collapsingWhitespace
            affiliationByID[id] = text.trimmingCharacters(in: CharacterSet(charactersIn: ", "))
        }

        var metadata = ReferenceMetadata()
        metadata.title = document.text(title) ?? ""
        metadata.container = document.text(journal)
        if let value = document.text(doi) { metadata.identifiers.append(ReferenceIdentifier(.doi, value)) }
        if let value = document.text(pmid) { metadata.identifiers.append(ReferenceIdentifier(.pmid, value)) }
        for contributor in document.nodes(contributors) {
            let parts = document.nodes(personName, at: contributor).first ?? document.nodes(alternativeName, at: contributor).first
            var name = parts.map { [document.text(givenNames, at: $0), document.text(surname, at: $0)].compactMap { $0 }.joined(separator: " ") } ?? ""
            if name.isEmpty { name = document.text(stringName, at: contributor) ?? document.text(collab, at: contributor) ?? "" }
            guard !name.isEmpty else { continue }
            var affiliations = document.strings(affiliationRefs, at: contributor)
                .flatMap { $0.split(separator: " ").map(String.init) }
                .compactMap { affiliationByID[$0] }
            affiliations += document.nodes(inlineAffiliations, at: contributor).map { $0.collapsedText }
            metadata.authors.append(Author(name: name, affiliations: affiliations.uniqued))
        }
        metadata.keywords = document.texts(keywords).uniqued
        metadata.abstract = document.text(abstract) ?? ""
        metadata.body = document.text(body) ?? ""
        // The electronic publication date first, then print, then any other (collection, ...);
        // within each, the most complete; the precision the document gives is kept.
        let dates = document.nodes(pubDate).compactMap { node -> (rank: Int, date: String)? in
            // The parts as elements, else the machine-readable attribute alone (`iso-8601-date="2025-03-04"`).
            guard let date = PartialDate.make(year: document.text(year, at: node), month: document.text(month, at: node),
                                              day: document.text(day, at: node))
                    ?? PartialDate.fromISO(node.attribute("iso-8601-date")) else { return nil }
            let type = node.attribute("pub-type") ?? node.attribute("date-type") ?? ""
            let format = node.attribute("publication-format") ?? ""
            let electronic = type == "epub" || (type == "pub" && format == "electronic") || format == "electronic"
            let print = type == "ppub" || (type == "pub" && format == "print") || format == "print" || type == "pub"
            return (rank: electronic ? 0 : print ? 1 : 2, date: date)
        }
        metadata.published = dates.min { left, right in
            left.rank != right.rank ? left.rank < right.rank : left.date.count > right.date.count
        }?.date
        metadata.country = document.text(country).map(CountryNames.code(for:))
        metadata.documentType = document.text(articleType) ?? "article"
        return [metadata]
    }
}

import Foundation
