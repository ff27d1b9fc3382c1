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
        let book = "/PubmedBookArticle/BookDocument"
        bookPMID = try XPathExpression("\(book)/PMID")
        bookDOI = try XPathExpression("\(book)/ArticleIdList/ArticleId[@IdType='doi']")
        chapterTitle = try XPathExpression("\(book)/ArticleTitle")
        bookTitle = try XPathExpression("\(book)/Book/BookTitle")
        bookAbstractParts = try XPathExpression("\(book)/Abstract/AbstractText")
        bookAuthors = try XPathExpression("\(book)/AuthorList[not(@Type='editors')]/Author")
        wholeBookAuthors = try XPathExpression("\(book)/Book/AuthorList[not(@Type='editors')]/Author")
        publisher = try XPathExpression("\(book)/Book/Publisher/PublisherName")
        bookDate = try XPathExpression("\(book)/Book/PubDate")
        bookKeywords = try XPathExpression("\(book)/KeywordList/Keyword")
    }

    private let bookPMID, bookDOI, chapterTitle, bookTitle, bookAbstractParts, bookAuthors, wholeBookAuthors, publisher, bookDate,
        bookKeywords: XPathExpression

    public func accepts(_ root: XMLRootInfo) -> Bool {
        root.localName == "PubmedArticleSet" && root.namespaceURI == nil
    }

    /// Every child of the set: articles, book articles (NCBI Bookshelf chapters and books), and the
    /// `DeleteCitation` lists of update files, which name no reference to store.
    public func readPlan(for root: XMLRootInfo) -> XMLReadPlan {
        .records(path: ["PubmedArticleSet", "*"])
    }

    public func references(in document: PanelXMLDocument) throws -> [ReferenceMetadata] {
        switch document.root?.localName {
        case "PubmedArticle": [article(in: document)]
        case "PubmedBookArticle": [book(in: document)]
        default: []
        }
    }

    /// A structured abstract with its labels (`METHODS: ...`).
    private func abstract(_ parts: XPathExpression, in document: PanelXMLDocument) -> String {
        document.nodes(parts).map { part in
            let text = part.collapsedText
            guard let label = part.attribute("Label"), !label.isEmpty else { return text }
            return "\(label): \(text)"
        }.joined(separator: " ")
    }

    private func authors(_ expression: XPathExpression, in document: PanelXMLDocument) -> [Author] {
        document.nodes(expression).compactMap { author in
            var name = [document.text(foreName, at: author), document.text(lastName, at: author)]
                .compactMap { $0 }.joined(separator: " ")
            if name.isEmpty { name = document.text(collective, at: author) ?? "" }
            return name.isEmpty ? nil : Author(name: name, affiliations: document.texts(affiliation, at: author))
        }
    }

    private func date(_ expression: XPathExpression, in document: PanelXMLDocument) -> String? {
        guard let date = document.nodes(expression).first else { return nil }
        return PartialDate.make(year: document.text(year, at: date), month: document.text(month, at: date), day: document.text(day, at: date))
            ?? PartialDate.fromMedline(document.text(medlineDate, at: date))
    }

    /// A Bookshelf chapter (its title, in the book) or a whole book.
    private func book(in document: PanelXMLDocument) -> ReferenceMetadata {
        var metadata = ReferenceMetadata()
        if let value = document.text(bookPMID) { metadata.identifiers.append(ReferenceIdentifier(.pmid, value)) }
        if let value = document.text(bookDOI) { metadata.identifiers.append(ReferenceIdentifier(.doi, value)) }
        let chapter = document.text(chapterTitle)
        let book = document.text(bookTitle)
        metadata.title = chapter ?? book ?? ""
        metadata.container = chapter == nil ? document.text(publisher) : book
        metadata.abstract = abstract(bookAbstractParts, in: document)
        metadata.authors = authors(bookAuthors, in: document)
        if metadata.authors.isEmpty { metadata.authors = authors(wholeBookAuthors, in: document) }
        metadata.published = date(bookDate, in: document)
        metadata.keywords = document.texts(bookKeywords).uniqued
        metadata.documentType = chapter == nil ? "book" : "book-chapter"
        return metadata
    }

    private func article(in document: PanelXMLDocument) -> ReferenceMetadata {
        var metadata = ReferenceMetadata()
        if let value = document.text(pmid) { metadata.identifiers.append(ReferenceIdentifier(.pmid, value)) }
        if let value = document.text(doi) ?? document.text(elocationDOI) {
            metadata.identifiers.append(ReferenceIdentifier(.doi, value))
        }
        metadata.title = document.text(title) ?? ""
        metadata.abstract = abstract(abstractParts, in: document)
        metadata.authors = authors(authors, in: document)
        metadata.container = document.text(journal)
        metadata.published = date(pubDate, in: document)
        metadata.keywords = (document.texts(mesh) + document.texts(keywords)).uniqued
        metadata.country = document.text(country).map(CountryNames.code(for:))
        metadata.documentType = document.texts(types).first.map { $0.lowercased().replacingOccurrences(of: " ", with: "-") }
            ?? "journal-article"
        return metadata
    }
}

import Foundation
