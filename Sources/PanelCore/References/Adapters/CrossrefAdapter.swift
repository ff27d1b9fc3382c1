import PanelXML

/// Crossref deposit XML (`doi_batch`): streamed record by record (each child of
/// `body`): every `journal_article` of a `journal`, and `posted_content`
/// (preprints) and `peer_review` records, each a reference of its own type.
public final class CrossrefAdapter: ReferenceAdapter {
    public let name = "crossref"
    public let format = ReferenceFormat.crossref
    private var byNamespace: [String: Expressions] = [:]

    private struct Expressions {
        let journalTitle, articles, title, people, given, surname, organisation, affiliations, abstract,
            date, issueDate, postedDate, reviewDate, year, month, day, doi, resource: XPathExpression

        init(namespace: String) throws {
            let ns = ["c": namespace]
            journalTitle = try XPathExpression("/c:journal/c:journal_metadata/c:full_title", namespaces: ns)
            articles = try XPathExpression("/c:journal/c:journal_article", namespaces: ns)
            title = try XPathExpression("c:titles/c:title", namespaces: ns)
            // Authors only: an organisation with another role ("on behalf of the ... Consortium") is not one.
            people = try XPathExpression(
                "c:contributors/c:person_name[@contributor_role='author' or not(@contributor_role)] | c:contributors/c:organization[@contributor_role='author' or not(@contributor_role)]",
                namespaces: ns)
            given = try XPathExpression("c:given_name", namespaces: ns)
            surname = try XPathExpression("c:surname", namespaces: ns)
            organisation = try XPathExpression("self::c:organization", namespaces: ns)
            affiliations = try XPathExpression("c:affiliations/c:institution/c:institution_name | c:affiliation", namespaces: ns)
            abstract = try XPathExpression("*[local-name()='abstract']", namespaces: ns)
            date = try XPathExpression("(c:publication_date[@media_type='online'] | c:publication_date)[1]", namespaces: ns)
            // An article without a date of its own is dated by its issue.
            issueDate = try XPathExpression(
                "(../c:journal_issue/c:publication_date[@media_type='online'] | ../c:journal_issue/c:publication_date)[1]", namespaces: ns)
            postedDate = try XPathExpression("c:posted_date", namespaces: ns)
            reviewDate = try XPathExpression("c:review_date", namespaces: ns)
            year = try XPathExpression("c:year", namespaces: ns)
            month = try XPathExpression("c:month", namespaces: ns)
            day = try XPathExpression("c:day", namespaces: ns)
            doi = try XPathExpression("c:doi_data/c:doi", namespaces: ns)
            resource = try XPathExpression("c:doi_data/c:resource", namespaces: ns)
        }
    }

    public init() throws {}

    public func accepts(_ root: XMLRootInfo) -> Bool {
        root.localName == "doi_batch" && (root.namespaceURI ?? "").hasPrefix("http://www.crossref.org/schema/")
    }

    public func readPlan(for root: XMLRootInfo) -> XMLReadPlan {
        .records(path: ["doi_batch", "body", "*"])
    }

    public func references(in document: PanelXMLDocument) throws -> [ReferenceMetadata] {
        let namespace = document.root?.namespaceURI ?? ""
        let x: Expressions
        if let cached = byNamespace[namespace] {
            x = cached
        } else {
            x = try Expressions(namespace: namespace)
            byNamespace[namespace] = x
        }
        guard let record = document.root else { return [] }
        switch record.localName {
        case "journal": break
        case "posted_content", "peer_review":
            var metadata = item(record, in: document, x: x, dates: record.localName == "posted_content" ? x.postedDate : x.reviewDate)
            metadata.documentType = record.localName == "posted_content" ? "posted-content" + (record.attribute("type").map { "-\($0)" } ?? "") : "peer-review"
            return [metadata]
        default:
            throw UnsupportedRecord(adapter: name, record: record.localName, supported: ["journal", "posted_content", "peer_review"])
        }
        let journal = document.text(x.journalTitle)
        return document.nodes(x.articles).map { article in
            var metadata = item(article, in: document, x: x, dates: x.date)
            if metadata.published == nil { metadata.published = date(x.issueDate, at: article, in: document, x: x) }
            metadata.container = journal
            metadata.documentType = article.attribute("publication_type").map { "journal-article-\($0)" } ?? "journal-article"
            return metadata
        }
    }

    /// What every record type shares: title, DOI, authors, abstract, the first date.
    private func item(_ article: XMLNode, in document: PanelXMLDocument, x: Expressions, dates: XPathExpression) -> ReferenceMetadata {
        do {
            var metadata = ReferenceMetadata()
            metadata.title = document.text(x.title, at: article) ?? ""
            if let value = document.text(x.doi, at: article) { metadata.identifiers.append(ReferenceIdentifier(.doi, value)) }
            metadata.url = document.text(x.resource, at: article)
            for person in document.nodes(x.people, at: article) {
                let name: String
                if person.localName == "organization" {
                    name = person.collapsedText
                } else {
                    name = [document.text(x.given, at: person), document.text(x.surname, at: person)]
                        .compactMap { $0 }.joined(separator: " ")
                }
                guard !name.isEmpty else { continue }
                metadata.authors.append(Author(name: name, affiliations: document.texts(x.affiliations, at: person)))
            }
            metadata.abstract = document.text(x.abstract, at: article) ?? ""
            metadata.published = date(dates, at: article, in: document, x: x)
            return metadata
        }
    }

    /// The first date `dates` selects from `record`, as precise as it is given.
    private func date(_ dates: XPathExpression, at record: XMLNode, in document: PanelXMLDocument, x: Expressions) -> String? {
        guard let date = document.nodes(dates, at: record).first else { return nil }
        return PartialDate.make(year: document.text(x.year, at: date), month: document.text(x.month, at: date), day: document.text(x.day, at: date))
    }
}

/// A record type an adapter does not read, named in the rejection.
public struct UnsupportedRecord: Error, Sendable, Equatable, CustomStringConvertible {
    public var adapter: String
    public var record: String
    public var supported: [String]

    public var description: String {
        "\(adapter) <\(record)> records are not read (\(supported.map { "<\($0)>" }.joined(separator: ", ")) are); nothing from this file was stored"
    }
}
