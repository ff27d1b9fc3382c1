import Foundation
import PanelTestSupport
import Testing
@testable import PanelXML

/// The tree walk that writes Canonical XML must give libxml2's bytes exactly: the canonical hash
/// names every reference (`ref-` + its first 12 digits) and finds duplicates across years of
/// ingests, so one byte of difference would make an old reference look new.
@Suite("Canonical XML by tree walk equals libxml2's")
struct CanonicalWriterTests {
    let parser = PanelXMLParser()

    /// The walk's bytes, or nil when it leaves the document to libxml2.
    func walked(_ document: PanelXMLDocument) -> [UInt8]? {
        let sink = DigestSink()
        sink.keepBytes = true
        return CanonicalWriter.write(document.pointer, into: sink) ? sink.bytes : nil
    }

    /// `walks`: whether the walk is to cover the document (nil: either, for random documents).
    func check(_ text: String, walks: Bool? = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let document = try parser.document(bytes: Array(text.utf8), source: "t")
        let reference = try document.libxml2CanonicalBytes()
        #expect(try document.canonicalSHA256() == Self.sha256(reference), sourceLocation: sourceLocation)
        guard let bytes = walked(document) else {
            #expect(walks != true, "left to libxml2: \(text)", sourceLocation: sourceLocation)
            return
        }
        #expect(walks != false, "walked, though libxml2 was expected: \(text)", sourceLocation: sourceLocation)
        #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: reference, as: UTF8.self), sourceLocation: sourceLocation)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        let sink = DigestSink()
        bytes.withUnsafeBytes { sink.write($0) }
        return sink.hasher.finalize().hexString
    }

    @Test(arguments: [
        // Attribute order, quoting, empty elements, the declaration and DOCTYPE line.
        "<?xml version=\"1.0\"?><!DOCTYPE r><r b='2' a=\"1\"><e/><f></f></r>",
        // Escaping in text and in attribute values: tabs, newlines and CRs given as references.
        "<r a=\"x &lt; y &amp; z &gt; w &quot;q&quot; 'a'\" t=\"1&#9;2&#10;3&#13;4\">a &lt; b &gt; c &amp; d \"q\" 'a'&#13;\n\tend</r>",
        // Namespaces: declared on the root, redeclared the same (not repeated), rebound, undeclared default.
        "<r xmlns=\"urn:a\" xmlns:x=\"urn:x\"><x:e x:k=\"1\"><e xmlns=\"urn:a\" xmlns:x=\"urn:x\"/><e xmlns=\"urn:b\"><e xmlns=\"\"><x:f/></e></e></x:e></r>",
        // Prefix order, and attributes sorted by namespace URI then name (no namespace first).
        "<r xmlns:z=\"http://a/\" xmlns:a=\"http://z/\" xmlns=\"urn:d\" z:b=\"1\" a:b=\"2\" c=\"3\" a:a=\"4\" b=\"5\" xml:lang=\"en\"/>",
        // An empty default namespace where none was declared is not written.
        "<r><e xmlns=\"\"/></r>",
        // Processing instructions before, inside and after the document element; comments everywhere.
        "<?a one?><!--c--><?b?><r><?p  data with\rcr ?><!--x-->t<?q?></r><!--d--><?z end?>",
        // CDATA, named entities from publishing DTDs, an undeclared one kept as text, characters beyond ASCII.
        "<r><![CDATA[<b> & ]]>&nbsp;&mdash;&unknownthing; Ünïcødé 中文 😀</r>",
        // Whitespace in tags, line ends in text, character references.
        "<r\n  a = \"1\"\n>\r\nline\r\nnext&#x41;&#66;</r >",
        // Deep and mixed content.
        "<a><b><c><d><e>t</e>u</d>v<d/></c></b>w<b x=\"y\"/></a>",
        // JATS-like: xlink and MathML declared on the root, used below.
        "<article xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:mml=\"http://www.w3.org/1998/Math/MathML\" article-type=\"research-article\"><front><article-meta><article-id pub-id-type=\"doi\">10.5555/x</article-id></article-meta></front><body><p>See <xref ref-type=\"bibr\" rid=\"b1\">1</xref> and <ext-link xlink:href=\"https://e.org/?a=1&amp;b=2\" xlink:type=\"simple\">this</ext-link>, <mml:math><mml:mi>x</mml:mi></mml:math>.</p></body></article>",
    ])
    func documentsOfEveryShape(text: String) throws {
        try check(text)
    }

    /// Text longer than the walk's buffer, and many small pieces across its edge.
    @Test func outputLongerThanTheBuffer() throws {
        let long = String(repeating: "words & more <words> \r", count: 40_000)
        try check("<r a=\"\(String(repeating: "v&amp;", count: 50_000))\">\(long.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;"))"
                  + String(repeating: "<e x=\"1\">t</e>", count: 30_000) + "</r>")
    }

    /// A namespace URI libxml2 refuses (relative) is left to it, so its error stands.
    @Test func whatTheWalkDoesNotCoverIsLeftToLibxml2() throws {
        let relative = try parser.document(bytes: Array("<r><b xmlns=\"rel/ns\"/></r>".utf8), source: "r")
        #expect(walked(relative) == nil)
        #expect(throws: CanonicalisationError.self) { try relative.canonicalSHA256() }
        // One name in one namespace under two prefixes: equal in C14N's order, which libxml2 breaks
        // its own way (the later first). Left to it, so the hash is libxml2's.
        try check("<r xmlns:a=\"urn:x\" xmlns:b=\"urn:x\" a:k=\"1\" b:k=\"2\"/>", walks: false)
        try check("<r xmlns:a=\"urn:x\" xmlns:b=\"urn:x\"><e b:k=\"2\" z=\"0\" a:k=\"1\"/></r>", walks: false)
        // The same name in two namespaces, or with and without one, is fine.
        try check("<r xmlns:a=\"urn:x\" xmlns:b=\"urn:y\" a:k=\"1\" b:k=\"2\" k=\"3\"/>")
    }

    /// Every XML file among the shipped fixtures that parses: the walk covers it and gives libxml2's bytes.
    @Test func everyFixture() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures")
        let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }
            .filter { ["xml", "nxml", "rss", "atom", "akn"].contains(($0 as NSString).pathExtension) }.sorted()
        var compared = 0
        for file in files {
            let path = root.appendingPathComponent(file).path
            var documents: [PanelXMLDocument] = []
            do {
                // Collections are streamed record by record, as ingest reads them; each record is hashed alone.
                try parser.parse(fileAt: path, plan: { root in
                    ["PubmedArticleSet", "feed", "rss", "doi_batch"].contains(root.localName) ? .records(path: Self.recordPath(root.localName)) : .wholeDocument
                }) { documents.append($0) }
            } catch {
                continue  // a bad fixture, refused before canonicalisation
            }
            for document in documents {
                guard let reference = try? document.libxml2CanonicalBytes() else {
                    #expect(walked(document) == nil, "\(file): libxml2 refuses it, the walk must too")
                    continue
                }
                let bytes = try #require(walked(document), "\(file): left to libxml2")
                #expect(bytes == reference, "\(file)")
                compared += 1
            }
        }
        #expect(compared > 30)
    }

    static func recordPath(_ root: String) -> [String] {
        switch root {
        case "PubmedArticleSet": ["PubmedArticleSet", "*"]
        case "feed": ["feed", "entry"]
        case "rss": ["rss", "channel", "item"]
        default: ["doi_batch", "body", "*"]
        }
    }

    /// Random documents from a fixed seed: names from a few namespaces and prefixes, rebound at
    /// random depths, attributes in and out of them, text with every character C14N escapes.
    @Test func generatedDocuments() throws {
        var random = SeededRandom(seed: 20261202)
        var walked = 0
        for _ in 0..<500 {
            let text = Self.randomDocument(&random)
            try check(text, walks: nil)
            if self.walked(try parser.document(bytes: Array(text.utf8), source: "t")) != nil { walked += 1 }
        }
        #expect(walked > 400, "most random documents are the walk's own")
    }

    static func randomDocument(_ random: inout SeededRandom) -> String {
        let uris = ["urn:a", "urn:b", "http://e.org/x", "https://w.org/2005/Atom", ""]
        let prefixes = ["p", "q", "ab", "z"]
        let texts = ["plain", " spaced  out ", "a&amp;b", "x &lt; y", "q&gt;", "\"quoted\"", "'single'", "tab\there", "line\nend",
                     "cr&#13;ret", "&#9;&#10;", "Ünï 中 😀", "&nbsp;", ""]
        var out = ""
        var declared: [[String]] = [[]]
        func element(_ depth: Int) {
            var prefixesHere: [String] = []
            var attributes = ""
            let name = ["r", "e", "f", "g"][random.next(4)]
            var qualified = name
            for _ in 0..<random.next(3) {
                let prefix = prefixes[random.next(prefixes.count)]
                guard !prefixesHere.contains(prefix) else { continue }
                let uri = uris[random.next(uris.count - 1)]
                attributes += " xmlns:\(prefix)=\"\(uri)\""
                prefixesHere.append(prefix)
            }
            if random.next(4) == 0 { attributes += " xmlns=\"\(uris[random.next(uris.count)])\"" }
            let inScope = Set(declared.joined()).union(prefixesHere)
            if let prefix = inScope.sorted().randomElement(using: &random), random.next(2) == 0 { qualified = "\(prefix):\(name)" }
            var used: Set<String> = []
            for _ in 0..<random.next(4) {
                let local = ["a", "b", "id", "lang"][random.next(4)]
                let prefix = random.next(3) == 0 ? inScope.sorted().randomElement(using: &random) : nil
                // Two prefixes may name one URI: then `p:a` and `q:a` are one attribute twice (libxml2
                // reads on, and the walk leaves such an element to it).
                let key = prefix.map { "\($0):\(local)" } ?? local
                guard !used.contains(key) else { continue }
                used.insert(key)
                // In an attribute, a quote is written as a reference, and publishing entities are not known.
                let value = texts[random.next(texts.count)].replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "&nbsp;", with: "&#160;")
                attributes += " \(key)=\"\(value)\""
            }
            if random.next(8) == 0 { attributes += " xml:lang=\"en\"" }
            declared.append(prefixesHere)
            out += "<\(qualified)\(attributes)>"
            for _ in 0..<random.next(depth > 4 ? 1 : 4) {
                switch random.next(6) {
                case 0, 1: element(depth + 1)
                case 2: out += "<?pi \(["data", "", "x?y"][random.next(3)])?>"
                case 3: out += "<!-- note -->"
                default: out += texts[random.next(texts.count)]
                }
            }
            out += "</\(qualified)>"
            declared.removeLast()
        }
        if random.next(3) == 0 { out += "<?lead in?>" }
        element(0)
        if random.next(3) == 0 { out += "<?tail end?><!-- after -->" }
        return out
    }
}

@Suite("Text collection")
struct TextCollectorTests {
    /// Runs copied at once read exactly as byte by byte: random pieces of words, spaces, tabs,
    /// line ends, punctuation and non-ASCII, appended in several calls.
    @Test func runsReadAsBytesDo() {
        var random = SeededRandom(seed: 7)
        let pieces = ["word", " ", "  ", "\t", "\n", "\r\n", ".", ",", ")", "Ü", "中", "😀", "a.b", " x ", ""]
        for _ in 0..<2000 {
            let parts = (0..<random.next(6)).map { _ in (0..<random.next(5)).map { _ in pieces[random.next(pieces.count)] }.joined() }
            var collector = TextCollector()
            for part in parts { part.withCString { $0.withMemoryRebound(to: UInt8.self, capacity: part.utf8.count + 1) { collector.append($0) } } }
            #expect(collector.finish() == TextCollector.collapse(parts.joined()), "\(parts)")
        }
    }
}
