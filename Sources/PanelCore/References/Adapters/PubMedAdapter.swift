import PanelXML

/// PubMed/MEDLINE `PubmedArticleSet` exports: streamed, one citation a record.
public final class PubMedAdapter: ReferenceAdapter {
    public let name = "pubmed"
    public let format = ReferenceFormat.pubmed

    private let pmid, title, abstractParts, authors, foreName, lastName, collective, affiliation, journal,
        pubDate, year, month, day, medlineDate, mesh, keywords, doi, elocationDOI, country, types: XPathExpression

    public init() throws {
        let citation = "/PubmedArticle/MedlineCitation"
        pmid = try XPathExpression("\(citation)/PMID")
        title = try XPathExpression("\(citation)/Article/ArticleTitle")
        abstractParts = try XPathExpression("\(citation)/Article/Abstract/AbstractText")
        authors = try XPathExpression("\(citation)/Article/AuthorList/Author")
        foreName = try XPathExpression("ForeName")
        lastName = try XPathExpression("LastName")
        collective = try XPathExpression("CollectiveName")
        affiliation = try XPathExpression("AffiliationInfo/Affiliation")
        journal = try XPathExpression("\(citation)/Article/Journal/Title")
        pubDate = try XPathExpression("\(citation)/Article/Journal/JournalIssue/PubDate")
        year = try XPathExpression("Year")
        month = try XPathExpression("Month")
        day = try XPathExpression("Day")
        medlineDate = try XPathExpression("MedlineDate")
        mesh = try XPathExpression("\(citation)/MeshHeadingList/MeshHeading/DescriptorName")
        keywords = try XPathExpression("\(citation)/KeywordList/Keyword")
        doi = try XPathExpression("/PubmedArticle/PubmedData/ArticleIdList/ArticleId[@IdType='doi']")
        elocationDOI = try XPathExpression("\(citation)/Article/ELocationID[@EIdType='doi']")
        country = try XPathExpression("\(citation)/MedlineJournalInfo/Country")
        types = try XPathExpression("\(citation)/Article/PublicationTypeList/PublicationType")
    }

    public func accepts(_ root: XMLRootInfo) -> Bool {
        root.localName == "PubmedArticleSet" && root.namespaceURI == nil
    }

    public func readPlan(for root: XMLRootInfo) -> XMLReadPlan {
        .records(path: ["PubmedArticleSet", "PubmedArticle"])
    }

    public func references(in document: PanelXMLDocument) throws -> [ReferenceMetadata] {
        var metadata = ReferenceMetadata()
        if let value = document.text(pmid) { metadata.identifiers.append(ReferenceIdentifier(.pmid, value)) }
        if let value = document.text(doi) ?? document.text(elocationDOI) {
            metadata.identifiers.append(ReferenceIdentifier(.doi, value))
        }
        metadata.title = document.text(title) ?? ""
        metadata.abstract = document.nodes(abstractParts).map { part in
            let text = part.collapsedText
            guard let label = part.attribute("Label"), !label.isEmpty else { return text }
            return "\(label): \(text)"
        }.joined(separator: " ")
        for author in document.nodes(authors) {
            var name = [document.text(foreName, at: author), document.text(lastName, at: author)]
                .compactMap { $0 }.joined(separator: " ")
            if name.isEmpty { name = document.text(collective, at: author) ?? "" }
            guard !name.isEmpty else { continue }
            metadata.authors.append(Author(name: name, affiliations: document.texts(affiliation, at: author)))
        }
        metadata.container = document.text(journal)
        if let date = document.nodes(pubDate).first {
            metadata.published = PartialDate.make(
                year: document.text(year, at: date), month: document.text(month, at: date), day: document.text(day, at: date))
                ?? document.text(medlineDate, at: date).flatMap { PartialDate.make(year: String($0.prefix(4))) }
        }
        metadata.keywords = (document.texts(mesh) + document.texts(keywords)).uniqued
        metadata.country = document.text(country).map(CountryNames.code(for:))
        metadata.documentType = document.texts(types).first.map { $0.lowercased().replacingOccurrences(of: " ", with: "-") }
            ?? "journal-article"
        return [metadata]
    }
}

import Foundation
