import Foundation

/// Deterministic generated corpora: nothing large is committed.
enum Corpus {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    }

    static let words = """
        model models system systems risk risks evaluation evidence deployment agent agents autonomous \
        replication oversight election elections disinformation synthetic media voice cloning detection \
        infrastructure grid incident incidents failure safety security privacy biometric surveillance \
        labour displacement workers automation wages uplift biological chemical capability capabilities \
        benchmark benchmarks assessment governance policy regulation audit transparency accountability \
        dataset training compute frontier open weights misuse harm harms likelihood severity confidence \
        regional global south developing countries language languages access inequality bias fairness \
        the of and to in for with on by from that this these across within between under over
        """.split(separator: " ").map(String.init)

    static func sentence(_ random: inout Random) -> String {
        let count = random.int(8...22)
        var words: [String] = []
        words.reserveCapacity(count)
        for _ in 0..<count { words.append(random.pick(Self.words)) }
        return words.joined(separator: " ").capitalizedFirst + "."
    }

    static func paragraph(_ random: inout Random) -> String {
        (0..<random.int(3...7)).map { _ in sentence(&random) }.joined(separator: " ")
    }

    static let surnames = ["Okonkwo", "Lindqvist", "Prasetyo", "Costa", "Haddad", "Nakamura", "Mensah", "Kowalski", "Quispe", "Rahman", "Tanaka", "Moreau"]
    static let given = ["Adaeze", "Henrik", "Wulan", "Mariana", "Leila", "Kenji", "Kwame", "Agnieszka", "Rosa", "Farhan", "Yuki", "Camille"]
    static let countries = [("NG", "Nigeria"), ("SE", "Sweden"), ("ID", "Indonesia"), ("BR", "Brazil"), ("JO", "Jordan"), ("JP", "Japan"), ("GH", "Ghana"), ("PL", "Poland"), ("PE", "Peru"), ("BD", "Bangladesh")]

    /// JATS articles of about 20 KB each until `megabytes` are written.
    static func writeJATS(into directory: String, megabytes: Int) throws -> (files: Int, bytes: Int) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var random = Random(state: 42)
        var total = 0
        var index = 0
        while total < megabytes * 1_000_000 {
            index += 1
            let text = jatsArticle(index, &random)
            let path = (directory as NSString).appendingPathComponent(String(format: "article-%05d.xml", index))
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            total += text.utf8.count
        }
        return (index, total)
    }

    static func jatsArticle(_ index: Int, _ random: inout Random) -> String {
        var authors = ""
        var affiliations = ""
        for author in 1...random.int(2...6) {
            let country = random.pick(countries)
            authors += """
                <contrib contrib-type="author"><name><surname>\(random.pick(surnames))</surname><given-names>\(random.pick(given))</given-names></name><xref ref-type="aff" rid="aff\(author)"/></contrib>\n
                """
            affiliations += "<aff id=\"aff\(author)\"><institution>Institute \(author) of AI Studies</institution>, <country country=\"\(country.0)\">\(country.1)</country></aff>\n"
        }
        var body = ""
        for section in 1...5 {
            body += "<sec id=\"s\(section)\"><title>\(sentence(&random))</title>\n"
            for _ in 0..<random.int(2...4) { body += "<p>\(paragraph(&random))</p>\n" }
            body += "<sec id=\"s\(section)a\"><title>\(sentence(&random))</title><p>\(paragraph(&random)) See <xref ref-type=\"bibr\" rid=\"r1\">[1]</xref>.</p></sec>\n</sec>\n"
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.3 20210610//EN" "JATS-archivearticle1-3.dtd">
            <article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article" dtd-version="1.3">
            <front><journal-meta><journal-title-group><journal-title>Journal of Generated Evidence</journal-title></journal-title-group></journal-meta>
            <article-meta><article-id pub-id-type="doi">10.5555/bench.\(index)</article-id>
            <title-group><article-title>\(sentence(&random))</article-title></title-group>
            <contrib-group>
            \(authors)</contrib-group>
            \(affiliations)<pub-date pub-type="epub"><day>\(random.int(1...28))</day><month>\(random.int(1...12))</month><year>\(random.int(2019...2026))</year></pub-date>
            <kwd-group><kwd>\(random.pick(words))</kwd><kwd>\(random.pick(words))</kwd><kwd>\(random.pick(words))</kwd></kwd-group>
            <abstract><p>\(paragraph(&random))</p></abstract>
            </article-meta></front>
            <body>
            \(body)</body>
            <back><ref-list><ref id="r1"><element-citation><person-group><name><surname>\(random.pick(surnames))</surname></name></person-group><article-title>\(sentence(&random))</article-title><year>2024</year></element-citation></ref></ref-list></back>
            </article>

            """
    }

    /// A PubMed-style collection written record by record (never held whole).
    static func writePubMedCollection(to path: String, bytes target: Int) throws -> (records: Int, bytes: Int) {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var random = Random(state: 7)
        var written = 0
        var buffer = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
            <PubmedArticleSet>

            """
        var records = 0
        while written + buffer.utf8.count < target {
            records += 1
            buffer += pubmedRecord(records, &random)
            if buffer.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                written += buffer.utf8.count
                buffer = ""
            }
        }
        buffer += "</PubmedArticleSet>\n"
        try handle.write(contentsOf: Data(buffer.utf8))
        written += buffer.utf8.count
        return (records, written)
    }

    static func pubmedRecord(_ index: Int, _ random: inout Random) -> String {
        var authors = ""
        for _ in 0..<random.int(2...5) {
            authors += "<Author ValidYN=\"Y\"><LastName>\(random.pick(surnames))</LastName><ForeName>\(random.pick(given))</ForeName><AffiliationInfo><Affiliation>Department of Informatics, \(random.pick(countries).1).</Affiliation></AffiliationInfo></Author>"
        }
        return """
            <PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">\(50_000_000 + index)</PMID>
            <Article PubModel="Print-Electronic"><Journal><ISSN IssnType="Electronic">2999-0000</ISSN><JournalIssue CitedMedium="Internet"><Volume>\(random.int(1...40))</Volume><PubDate><Year>\(random.int(2015...2026))</Year><Month>Mar</Month></PubDate></JournalIssue><Title>Journal of Generated Medicine</Title></Journal>
            <ArticleTitle>\(sentence(&random))</ArticleTitle>
            <Abstract><AbstractText Label="BACKGROUND">\(paragraph(&random))</AbstractText><AbstractText Label="RESULTS">\(paragraph(&random))</AbstractText></Abstract>
            <AuthorList CompleteYN="Y">\(authors)</AuthorList><Language>eng</Language></Article>
            <MeshHeadingList><MeshHeading><DescriptorName UI="D001185" MajorTopicYN="Y">Artificial Intelligence</DescriptorName></MeshHeading><MeshHeading><DescriptorName UI="D000000" MajorTopicYN="N">\(random.pick(words).capitalizedFirst)</DescriptorName></MeshHeading></MeshHeadingList>
            </MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="pubmed">\(50_000_000 + index)</ArticleId><ArticleId IdType="doi">10.5555/pm.\(index)</ArticleId></ArticleIdList></PubmedData></PubmedArticle>

            """
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
