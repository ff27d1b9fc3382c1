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

    /// JATS articles shaped like real ones until `megabytes` are written: front matter as publishers
    /// write it (several article ids, ORCIDs, affiliations, history, permissions, funding, a structured
    /// abstract), sections with inline markup, MathML formulas, tables, figures and named entities, and
    /// a reference list; sizes from 20 KB to 1 MB (most under 100 KB, one in ten over 300 KB).
    static func writeJATS(into directory: String, megabytes: Int) throws -> (files: Int, bytes: Int) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var random = Random(state: 42)
        var total = 0
        var index = 0
        while total < megabytes * 1_000_000 {
            index += 1
            let roll = random.int(1...100)
            let target = roll <= 60 ? random.int(20_000...100_000) : roll <= 90 ? random.int(100_000...300_000) : random.int(300_000...1_000_000)
            let text = jatsArticle(index, &random, bytes: target)
            let path = (directory as NSString).appendingPathComponent(String(format: "article-%05d.xml", index))
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            total += text.utf8.count
        }
        return (index, total)
    }

    /// Characters as most JATS carries them (numeric references); one article in twenty uses the
    /// publishing DTDs' named entities instead, which panel reads without the DTD (and which
    /// `xmllint --noout`, without it, reports as errors: so only a few files carry them).
    struct Entities {
        var nbsp = "&#160;", ndash = "&#8211;", mdash = "&#8212;", thinsp = "&#8201;", copy = "&#169;", dagger = "&#8224;"
        static let named = Entities(nbsp: "&nbsp;", ndash: "&ndash;", mdash: "&mdash;", thinsp: "&thinsp;", copy: "&copy;", dagger: "&dagger;")
    }

    /// Inline markup and entities as publishers use them, around generated words.
    static func richParagraph(_ random: inout Random, references: Int, _ e: Entities = Entities()) -> String {
        var parts: [String] = []
        for _ in 0..<random.int(3...7) {
            var text = sentence(&random)
            switch random.int(0...9) {
            case 0: text = "<italic>\(random.pick(words))</italic> " + text
            case 1: text += " (<xref ref-type=\"bibr\" rid=\"r\(random.int(1...references))\">\(random.int(1...references))</xref>)"
            case 2: text += " The effect was <inline-formula><mml:math><mml:mi>&#x3B2;</mml:mi><mml:mo>=</mml:mo><mml:mn>0.\(random.int(10...99))</mml:mn><mml:mo>&#xB1;</mml:mo><mml:mn>0.0\(random.int(1...9))</mml:mn></mml:math></inline-formula>."
            case 3: text += " Values rose from 12\(e.nbsp)% to 31\(e.nbsp)% (2019\(e.ndash)2024)\(e.mdash)see <xref ref-type=\"table\" rid=\"t1\">Table\(e.nbsp)1</xref>."
            case 4: text = "<bold>\(random.pick(words))</bold>: " + text
            case 5: text += " Here <italic>n</italic>\(e.thinsp)=\(e.thinsp)\(random.int(20...4000)) and <italic>p</italic>\(e.thinsp)&lt;\(e.thinsp)0.05."
            default: break
            }
            parts.append(text)
        }
        return parts.joined(separator: " ")
    }

    static func jatsArticle(_ index: Int, _ random: inout Random, bytes target: Int = 20_000) -> String {
        let e = index % 20 == 0 ? Entities.named : Entities()
        var authors = ""
        var affiliations = ""
        for author in 1...random.int(2...12) {
            let country = random.pick(countries)
            authors += """
                <contrib contrib-type="author"\(author == 1 ? " corresp=\"yes\"" : "")><contrib-id contrib-id-type="orcid">https://orcid.org/0000-000\(random.int(1...9))-\(random.int(1000...9999))-\(random.int(1000...9999))</contrib-id><name><surname>\(random.pick(surnames))</surname><given-names>\(random.pick(given))</given-names></name><xref ref-type="aff" rid="aff\(author)"><sup>\(author)</sup></xref></contrib>\n
                """
            affiliations += "<aff id=\"aff\(author)\"><label>\(author)</label><institution-wrap><institution-id institution-id-type=\"ror\">https://ror.org/0\(random.int(10000...99999))</institution-id><institution>Institute \(author) of AI Studies</institution></institution-wrap>, <addr-line>\(random.pick(surnames)) Road</addr-line>, <country country=\"\(country.0)\">\(country.1)</country></aff>\n"
        }
        let references = random.int(30...200)
        var refList = ""
        for ref in 1...references {
            refList += "<ref id=\"r\(ref)\"><label>\(ref)</label><element-citation publication-type=\"journal\"><person-group person-group-type=\"author\"><name><surname>\(random.pick(surnames))</surname><given-names>\(random.pick(given).prefix(1))</given-names></name><name><surname>\(random.pick(surnames))</surname><given-names>\(random.pick(given).prefix(1))</given-names></name><etal/></person-group><article-title>\(sentence(&random))</article-title><source>Journal of \(random.pick(words).capitalizedFirst) Studies</source><year>\(random.int(1998...2025))</year><volume>\(random.int(1...80))</volume><fpage>\(random.int(1...900))</fpage><lpage>\(random.int(901...999))</lpage><pub-id pub-id-type=\"doi\">10.5555/ref.\(index).\(ref)</pub-id></element-citation></ref>\n"
        }
        let table = """
            <table-wrap id="t1" position="float"><label>Table 1</label><caption><title>\(sentence(&random))</title></caption>
            <table frame="hsides" rules="groups"><thead><tr><th align="left">Setting</th><th>Runs</th><th>Rate (%)</th><th>95\(e.nbsp)% CI</th></tr></thead><tbody>
            \((1...random.int(4...20)).map { _ in "<tr><td align=\"left\">\(random.pick(words))</td><td>\(random.int(5...500))</td><td>\(random.int(0...99)).\(random.int(0...9))</td><td>\(random.int(0...40))\(e.ndash)\(random.int(41...99))</td></tr>" }.joined(separator: "\n"))
            </tbody></table><table-wrap-foot><fn><p>CI, confidence interval; \(e.dagger) excluded runs.</p></fn></table-wrap-foot></table-wrap>
            """
        var body = ""
        var section = 0
        // Sections until the article reaches its size (the front and back matter count too).
        let fixed = 6_000 + refList.utf8.count + table.utf8.count
        while fixed + body.utf8.count < target || section < 3 {
            section += 1
            body += "<sec id=\"s\(section)\" sec-type=\"\(["intro", "methods", "results", "discussion"][section % 4])\"><title>\(sentence(&random))</title>\n"
            for _ in 0..<random.int(2...5) { body += "<p>\(richParagraph(&random, references: references, e))</p>\n" }
            if section % 3 == 1 {
                body += "<disp-formula id=\"e\(section)\"><label>(\(section))</label><mml:math display=\"block\"><mml:mrow><mml:mi>P</mml:mi><mml:mo>(</mml:mo><mml:mi>x</mml:mi><mml:mo>)</mml:mo><mml:mo>=</mml:mo><mml:mfrac><mml:mn>1</mml:mn><mml:mrow><mml:mn>1</mml:mn><mml:mo>+</mml:mo><mml:msup><mml:mi>e</mml:mi><mml:mrow><mml:mo>&#x2212;</mml:mo><mml:mi>k</mml:mi><mml:mi>x</mml:mi></mml:mrow></mml:msup></mml:mrow></mml:mfrac></mml:mrow></mml:math></disp-formula>\n"
            }
            if section == 2 { body += table + "\n" }
            if section % 4 == 3 {
                body += "<fig id=\"f\(section)\" position=\"float\"><label>Figure \(section)</label><caption><p>\(sentence(&random))</p></caption><graphic xlink:href=\"fig\(section).tif\"/></fig>\n"
            }
            body += "<sec id=\"s\(section)a\"><title>\(sentence(&random))</title><p>\(richParagraph(&random, references: references, e))</p></sec>\n</sec>\n"
        }
        let year = random.int(2019...2026)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD with MathML3 v1.3 20210610//EN" "JATS-archive-oasis-article1-3-mathml3.dtd">
            <article xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:mml="http://www.w3.org/1998/Math/MathML" xmlns:ali="http://www.niso.org/schemas/ali/1.0/" article-type="research-article" dtd-version="1.3" xml:lang="en">
            <front><journal-meta><journal-id journal-id-type="nlm-ta">J Gen Evid</journal-id><journal-title-group><journal-title>Journal of Generated Evidence</journal-title><abbrev-journal-title>J. Gen. Evid.</abbrev-journal-title></journal-title-group><issn pub-type="epub">2999-\(1000 + index % 9000)</issn><publisher><publisher-name>Generated Press</publisher-name></publisher></journal-meta>
            <article-meta><article-id pub-id-type="doi">10.5555/bench.\(index)</article-id><article-id pub-id-type="pmid">\(70_000_000 + index)</article-id><article-id pub-id-type="pmc">PMC\(9_000_000 + index)</article-id>
            <article-categories><subj-group subj-group-type="heading"><subject>Research Article</subject></subj-group></article-categories>
            <title-group><article-title>\(sentence(&random).dropLast())\(e.mdash)\(random.pick(words)) in <italic>\(random.pick(words))</italic> settings</article-title><subtitle>\(sentence(&random))</subtitle></title-group>
            <contrib-group>
            \(authors)</contrib-group>
            \(affiliations)<author-notes><corresp id="cor1">Correspondence: <email>author\(index)@example.org</email></corresp></author-notes>
            <pub-date pub-type="epub"><day>\(random.int(1...28))</day><month>\(random.int(1...12))</month><year>\(year)</year></pub-date><pub-date pub-type="ppub"><month>\(random.int(1...12))</month><year>\(year)</year></pub-date>
            <volume>\(random.int(1...40))</volume><issue>\(random.int(1...12))</issue><fpage>\(random.int(1...900))</fpage><lpage>\(random.int(901...999))</lpage>
            <history><date date-type="received"><day>\(random.int(1...28))</day><month>\(random.int(1...12))</month><year>\(year - 1)</year></date><date date-type="accepted"><day>\(random.int(1...28))</day><month>\(random.int(1...12))</month><year>\(year)</year></date></history>
            <permissions><copyright-statement>\(e.copy) \(year) The Authors</copyright-statement><copyright-year>\(year)</copyright-year><license license-type="open-access" xlink:href="https://creativecommons.org/licenses/by/4.0/"><ali:license_ref>https://creativecommons.org/licenses/by/4.0/</ali:license_ref><license-p>This article is distributed under the terms of the Creative Commons Attribution 4.0 International License.</license-p></license></permissions>
            <abstract><sec><title>Background</title><p>\(paragraph(&random))</p></sec><sec><title>Methods</title><p>\(paragraph(&random))</p></sec><sec><title>Results</title><p>\(richParagraph(&random, references: references, e))</p></sec></abstract>
            <kwd-group kwd-group-type="author"><kwd>\(random.pick(words))</kwd><kwd>\(random.pick(words))</kwd><kwd>\(random.pick(words)) \(random.pick(words))</kwd><kwd>\(random.pick(words))</kwd></kwd-group>
            <funding-group><award-group><funding-source>\(random.pick(countries).1) Research Council</funding-source><award-id>GR-\(random.int(1000...9999))</award-id></award-group></funding-group>
            <counts><fig-count count="\(section / 4)"/><table-count count="1"/><ref-count count="\(references)"/></counts>
            </article-meta></front>
            <body>
            \(body)</body>
            <back><ack><p>\(sentence(&random))</p></ack><ref-list><title>References</title>
            \(refList)</ref-list></back>
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
