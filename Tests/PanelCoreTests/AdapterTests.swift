import Foundation
import PanelXML
import Testing
@testable import PanelCore

@Suite("Reference adapters on the shipped fixtures")
struct AdapterTests {
    let registry: ReferenceAdapterRegistry
    let parser = PanelXMLParser()

    init() throws {
        let config = try WorkspaceConfig.parse(
            String(contentsOfFile: Fixtures.path("panel.yaml"), encoding: .utf8), file: "panel.yaml")
        registry = try ReferenceAdapterRegistry(generic: config.mappings)
    }

    /// Reads a fixture the way the ingester does: detect, plan, extract.
    func read(_ relative: String) throws -> (adapter: String, references: [ReferenceMetadata]) {
        var adapter: (any ReferenceAdapter)?
        var found: [ReferenceMetadata] = []
        try parser.parse(fileAt: Fixtures.path(relative), plan: { root in
            adapter = registry.detect(root)
            return adapter?.readPlan(for: root) ?? .wholeDocument
        }) { document in
            found += try adapter?.references(in: document) ?? []
        }
        return (adapter?.name ?? "none", found)
    }

    @Test func jatsArticle() throws {
        let (adapter, references) = try read("references/jats/election-disinformation.xml")
        #expect(adapter == "jats")
        let article = try #require(references.first)
        #expect(references.count == 1)
        #expect(article.title.hasPrefix("Synthetic Voices at the Ballot Box"))
        #expect(article.identifiers.contains(ReferenceIdentifier(.doi, "10.5555/JAIGS.2025.0142")))
        #expect(article.authors.count == 4)
        #expect(article.authors.first?.name == "Adaeze Okonkwo-Reyes")
        #expect(article.authors.first?.affiliations.first?.contains("University of Lagos") == true)
        #expect(article.published == "2025-09-17")
        #expect(article.container == "Journal of AI Governance and Society")
        #expect(article.country == "NG")
        #expect(!article.keywords.isEmpty)
        #expect(!article.abstract.isEmpty)
        #expect(article.body.count > 1_000)
    }

    @Test func jatsNamedEntitiesBecomeCharacters() throws {
        let (_, references) = try read("references/jats/entities-nbsp.xml")
        let article = try #require(references.first)
        let text = article.title + article.abstract + article.body
        #expect(text.contains("\u{A0}"))
        #expect(text.contains("\u{2014}"))
        #expect(!text.contains("&nbsp;"))
    }

    @Test func akomaNtosoResolution() throws {
        let (adapter, references) = try read("references/akn/unga-resolution-ai-panel.xml")
        #expect(adapter == "akn")
        let resolution = try #require(references.first)
        #expect(resolution.identifiers.contains(ReferenceIdentifier(.frbr, "/akn/un/statement/resolution/unga/2025-08-26/79-325")))
        #expect(resolution.identifiers.contains(ReferenceIdentifier(.symbol, "A/RES/79/325")))
        #expect(resolution.published == "2025-08-26")
        #expect(resolution.country == "un")
        #expect(resolution.documentType == "resolution")
        #expect(resolution.authors.map(\.name) == ["General Assembly"])
        #expect(resolution.title.contains("artificial intelligence"))
        #expect(!resolution.body.isEmpty)
    }

    @Test func pubmedCollectionIsStreamedPerCitation() throws {
        let (adapter, references) = try read("references/pubmed/pubmed-ai-health.xml")
        #expect(adapter == "pubmed")
        #expect(references.count == 4)
        #expect(references.map { $0.identifiers.first?.description } == ["pmid:99000001", "pmid:99000002", "pmid:99000003", "pmid:99000004"])
        #expect(references.allSatisfy { !$0.title.isEmpty && !$0.abstract.isEmpty && !$0.authors.isEmpty })
        #expect(references[0].keywords.contains("Artificial Intelligence"))
        #expect(references[3].authors.contains { $0.name.contains(" ") })
    }

    @Test func crossrefDepositGivesEachArticle() throws {
        let (adapter, references) = try read("references/crossref/crossref-deposit.xml")
        #expect(adapter == "crossref")
        #expect(references.count == 2)
        #expect(references[0].identifiers == [ReferenceIdentifier(.doi, "10.5555/jaigs.2025.0142")])
        #expect(references[1].identifiers == [ReferenceIdentifier(.doi, "10.5555/jaigs.2025.0151")])
        #expect(references.allSatisfy { $0.container == "Journal of AI Governance and Society" })
        #expect(!references[1].abstract.isEmpty)
    }

    @Test func atomAndRSSEntries() throws {
        let atom = try read("references/feeds/incidents.atom")
        #expect(atom.adapter == "atom")
        #expect(atom.references.count == 4)
        #expect(atom.references[0].identifiers.first?.scheme == .uri)
        #expect(atom.references[0].published == "2025-11-06")
        #expect(atom.references[0].authors.count == 2)
        #expect(!atom.references[0].body.contains("<p>"))
        let rss = try read("references/feeds/policy-news.rss")
        #expect(rss.adapter == "rss")
        #expect(rss.references.count == 3)
        #expect(rss.references.allSatisfy { $0.published?.hasPrefix("2025-1") == true })
    }

    @Test func genericMappingFromPanelYAML() throws {
        let (adapter, references) = try read("references/generic/incident-register.xml")
        #expect(adapter == "generic:incident-register")
        #expect(references.count == 3)
        let first = try #require(references.first)
        #expect(first.identifiers == [ReferenceIdentifier(.id, "incident-register:INC-2025-014")])
        #expect(first.published == "2025-06-02")
        #expect(first.country == "BR")
        #expect(first.keywords == ["misinformation", "elections", "synthetic-media"])
        #expect(first.container == "Joint Secretariat Incident Register")
    }

    @Test func unknownRootHasNoAdapter() throws {
        let (adapter, references) = try read("../fixtures/references-bad/unknown-root.xml")
        #expect(adapter == "none")
        #expect(references.isEmpty)
    }

    @Test(arguments: [
        ("2025", nil, nil, "2025"), ("2025", "Mar", "14", "2025-03-14"), ("2025", "9", nil, "2025-09"),
        ("2025", "December", "1", "2025-12-01"), ("25", "1", "1", nil),
        // A day the month does not have keeps the month; a month that does not exist keeps the year.
        ("2021", "02", "31", "2021-02"), ("2024", "2", "29", "2024-02-29"), ("2023", "2", "29", "2023-02"), ("2025", "13", "1", "2025"),
    ] as [(String?, String?, String?, String?)])
    func partialDates(year: String?, month: String?, day: String?, expected: String?) {
        #expect(PartialDate.make(year: year, month: month, day: day) == expected)
    }

    /// A `<MedlineDate>` range or season is read from its start, as precisely as it is written.
    @Test(arguments: [
        ("1998 Dec-1999 Jan", "1998-12"), ("2002 Nov 15-Dec 1", "2002-11-15"), ("1999 Jul-Aug", "1999-07"),
        ("2007 Dec 1-15", "2007-12-01"), ("2000 Spring", "2000"), ("2000 Fall-Winter", "2000"), ("1975-1976", "1975"),
        ("2025 Jan-Feb", "2025-01"), ("2021 Feb 30-Mar 2", "2021-02"), ("Spring 2000", "2000"), ("Summer", nil), ("", nil),
        ("1998 Dec 1999 Jan", "1998-12"), ("2001 June", "2001-06"),
    ] as [(String, String?)])
    func medlineDates(text: String, expected: String?) {
        #expect(PartialDate.fromMedline(text) == expected)
    }

    @Test func rfc822Dates() {
        #expect(PartialDate.fromRFC822("Tue, 04 Nov 2025 09:30:00 +0000") == "2025-11-04")
        // What feeds write instead: the month is the word that names one, never a number read as it.
        #expect(PartialDate.fromRFC822("Nov 4 2025 09:30") == "2025-11-04")
        #expect(PartialDate.fromRFC822("Tuesday, November 4, 2025 9:30 AM") == "2025-11-04")
        #expect(PartialDate.fromRFC822("4 November 2025") == "2025-11-04")
        #expect(PartialDate.fromRFC822("2025-11-04T09:30:00Z") == "2025-11-04")
        #expect(PartialDate.fromRFC822("04 11 2025") == "2025")
        #expect(PartialDate.fromRFC822("Nov 2025") == "2025-11")
        #expect(PartialDate.fromRFC822("04/11/2025") == nil)
    }

    @Test(arguments: [
        ("references-real-world/wd17-act.xml", "Algorithmic Accountability Act, 2025", "/akn/gh/act/2025/14", "2025-06-30", "gh",
         "http://docs.oasis-open.org/legaldocml/ns/akn/3.0/WD17"),
        ("references-real-world/csd03-judgment.xml", "Data Rights Collective v Minister of Home Affairs", "/akn/za/judgment/zacc/2026/7", "2026-02-12", "za",
         "http://docs.oasis-open.org/legaldocml/ns/akn/3.0/CSD03"),
        ("references-real-world/legacy-1.0-act.xml", "Electronic Transactions (Amendment) Act", "/ke/act/2009-05-04/3", "2009-05-04", "ke",
         "http://www.akomantoso.org/1.0"),
        ("references/akn/unga-resolution-ai-panel.xml", "", "/akn/un/statement/resolution/unga/2025-08-26/79-325", "2025-08-26", "un",
         "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"),
    ])
    func akomaNtosoInEveryNamespace(file: String, title: String, uri: String, date: String, country: String, namespace: String) throws {
        let (adapter, references) = try read(file)
        #expect(adapter == "akn")
        let document = try #require(references.first)
        if !title.isEmpty { #expect(document.title == title) }
        #expect(document.identifiers.contains(ReferenceIdentifier(.frbr, uri)))
        #expect(document.published == date)
        #expect(document.country == country)
        #expect(document.namespace == namespace)
    }

    /// The act writes `<num>1.</num><heading>Purpose</heading><content><p>Public bodies…` with no space
    /// between them: the body still reads as words, so searching "purpose" or "public" finds it.
    @Test func anActsNumberHeadingAndTextAreSeparateWords() throws {
        let document = try #require(try read("references-real-world/wd17-act.xml").references.first)
        #expect(document.body == "1. Purpose Public bodies shall assess automated decision systems before use.")
    }

    /// One line, an author named in two scripts, the date only as `iso-8601-date`, section titles and a
    /// citation marker against a word: what some publishers deliver.
    @Test func minifiedJATSWithNameAlternativesAndAnISODate() throws {
        let (adapter, references) = try read("references-real-world/jats-minified-name-alternatives.xml")
        #expect(adapter == "jats")
        let article = try #require(references.first)
        #expect(article.title == "Evaluation suites for multilingual model refusals")
        #expect(article.authors.map(\.name) == ["Hiro Tanaka", "Ama Mensah"], "the western form of a name given in two scripts")
        #expect(article.published == "2025-03-04")
        #expect(article.abstract == "Background Refusal rates differ by language 1. Findings Low-resource languages see fewer refusals.")
        #expect(article.body == "Introduction We compare twelve languages.")
    }

    @Test func aBillsShortTitleOnItsCoverPageIsItsTitle() throws {
        let (adapter, references) = try read("references-real-world/akn-bill-cover-page.xml")
        #expect(adapter == "akn")
        #expect(references.first?.title == "Deepfake Labelling Bill")
        #expect(references.first?.documentType == "bill")
    }

    /// Each Atom text construct as its type says: escaped HTML read as a reader sees it, plain text
    /// kept as written (its '<' included), XHTML as text.
    @Test func atomTextConstructsAreReadByTheirType() throws {
        let (adapter, references) = try read("references-real-world/atom-text-constructs.xml")
        #expect(adapter == "atom")
        #expect(references.map(\.title) == ["Incident notice: agentic procurement tool", "Guidance on model cards"])
        #expect(references.first?.abstract == "Thresholds where x < 5 and y > 3 are <angle> words, kept as written.")
        #expect(references.first?.body == "The tool placed orders without review\u{2014}twice.")
        #expect(references.last?.body == "Scope Model cards must list evaluations.")
    }

    @Test func rssTitlesAndDescriptionsAreReadAsAReaderSeesThem() throws {
        let (adapter, references) = try read("references-real-world/rss-escaped-html.xml")
        #expect(adapter == "rss")
        let item = try #require(references.first)
        #expect(item.title == "Minister announces AI task force")
        #expect(item.abstract == "The task force\u{2014}twelve members\u{A0}strong\u{2014}reports in June.")
        // An item with a description and nothing else is a reference, titled by its first sentence.
        #expect(references.count == 2)
        #expect(references.last?.title == "Consultation on the draft code of practice for AI in schools closes on 30 March.")
        #expect(references.last?.published == "2026-01-12")
    }

    @Test func aCrossrefArticleWithoutADateTakesItsIssues() throws {
        let (adapter, references) = try read("references-real-world/crossref-issue-date.xml")
        #expect(adapter == "crossref")
        #expect(references.map(\.published) == ["2023-10-20", "2023-11"])
    }

    /// A Bookshelf chapter is a reference like an article; the deleted citations of an update file are none.
    @Test func pubMedBookChaptersAreReadAndDeletionsAreNotReferences() throws {
        let (adapter, references) = try read("references-real-world/pubmed-book-and-deletions.xml")
        #expect(adapter == "pubmed")
        #expect(references.map(\.documentType) == ["journal-article", "book-chapter"])
        #expect(references.first?.published == "2025-01", "<MedlineDate>2025 Jan-Feb</MedlineDate>: the range's first month")
        #expect(references.first?.abstract == "METHODS: We observed two sites. RESULTS: Waits fell.")
        let chapter = try #require(references.last)
        #expect(chapter.title == "Chapter 3: Auditing clinical algorithms")
        #expect(chapter.container == "AI in Health Systems: A Fictional Handbook")
        #expect(chapter.authors.map(\.name) == ["Yui Nakamura"], "the chapter's authors, not the book's editors")
        #expect(chapter.identifiers == [ReferenceIdentifier(.pmid, "99100002"), ReferenceIdentifier(.doi, "10.5555/nbk990002")])
        #expect(chapter.published == "2024-11")
        #expect(chapter.abstract == "Audits find drift after upgrades.")
    }

    @Test func anUnknownNamespaceIsNotAkomaNtoso() throws {
        #expect(try read("references-real-world/unknown-namespace.bad.xml").adapter == "none")
        #expect(IngestError.unknownFormat(source: "f.xml", root: "akomaNtoso", namespace: "http://example.org/not-akoma-ntoso", known: ["akn"]).description
            .contains("<{http://example.org/not-akoma-ntoso}akomaNtoso>"))
    }

    @Test func jatsPrefersTheFullElectronicDate() throws {
        let (adapter, references) = try read("references-real-world/jats-epub-after-print.xml")
        #expect(adapter == "jats")
        #expect(references.first?.published == "2012-11-12")
    }

    @Test func crossrefPreprintsAndPeerReviewsAreReferencesOfTheirOwnType() throws {
        let (adapter, references) = try read("references-real-world/crossref-preprint-review.xml")
        #expect(adapter == "crossref")
        #expect(references.map(\.documentType) == ["posted-content-preprint", "peer-review"])
        let preprint = try #require(references.first)
        #expect(preprint.title == "Red-teaming agentic systems in low-resource languages")
        #expect(preprint.published == "2026-01-08")
        #expect(preprint.authors.map(\.name) == ["Lerato Mokoena", "Open Evaluation Consortium"], "an organisation with another role is not an author")
        #expect(references[1].authors.isEmpty, "the reviewer of a peer review is not its author")
        // DOIs keep their case and match in any case.
        let doi = try #require(preprint.identifiers.first)
        #expect(doi.value == "10.5555/Preprint.2026.ABC")
        #expect(doi == ReferenceIdentifier(.doi, "https://doi.org/10.5555/preprint.2026.abc"))
    }

    @Test func anUnsupportedCrossrefRecordIsNamed() throws {
        #expect(throws: UnsupportedRecord(adapter: "crossref", record: "book", supported: ["journal", "posted_content", "peer_review"])) {
            _ = try read("references-real-world/crossref-book.bad.xml")
        }
    }
}
