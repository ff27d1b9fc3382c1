import Foundation
import Testing
@testable import PanelXML

@Suite("XML parsing, XPath, C14N, writer")
struct XMLParserTests {
    let parser = PanelXMLParser()

    @Test func namedEntitiesFromPublishingDTDsReadAsCharacters() throws {
        let text = """
            <!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.3//EN" "JATS-archivearticle1-3.dtd">
            <article><p>5&nbsp;%&emsp;x&mdash;y</p></article>
            """
        let document = try parser.document(bytes: Array(text.utf8), source: "a.xml")
        #expect(document.root?.stringValue == "5\u{A0}%\u{2003}x\u{2014}y")
        #expect(document.warnings.isEmpty)
    }

    @Test func namedEntitiesWorkWithoutADoctypeToo() throws {
        let document = try parser.document(bytes: Array("<p>a&nbsp;b&hellip;</p>".utf8), source: "a.xml")
        #expect(document.root?.stringValue == "a\u{A0}b\u{2026}")
    }

    @Test func unknownEntityIsKeptAsTextWithAWarning() throws {
        let document = try parser.document(bytes: Array("<p>\nx &frobnicate; y</p>".utf8), source: "a.xml")
        #expect(document.root?.stringValue == "\nx &frobnicate; y")
        #expect(document.warnings == [XMLDiagnostic(severity: .warning, line: 2, column: 15,
                                                     message: "undeclared entity '&frobnicate;' kept as text")])
    }

    @Test func mismatchedTagGivesLineAndColumn() {
        do {
            _ = try parser.document(bytes: Array("<a>\n  <b>text</c>\n</a>".utf8), source: "m.xml")
            Issue.record("accepted a mismatched tag")
        } catch let error as XMLParseError {
            #expect(error.reason == .malformed)
            #expect(error.description.hasPrefix("m.xml:2:"))
            #expect(error.diagnostic.message.contains("Opening and ending tag mismatch"))
        } catch {
            Issue.record("\(error)")
        }
    }

    /// What libxml2's push parser reports at the end of input ("Extra content at the end of the
    /// document", "Couldn't find end of Start Tag cont", "expected '>'", "Comment not terminated",
    /// "AttValue: ' expected") is said as what it is: a file with no element, or one cut off, and where.
    /// An error in a complete construct keeps libxml2's words.
    @Test(arguments: [
        ("   \n\n  ", "3:3: no XML document: the file holds only whitespace (or a byte-order mark)"),
        ("\u{FEFF}", "1:1: no XML document: the file holds only whitespace (or a byte-order mark)"),
        ("x", "1:1: not an XML document: no root element found"),
        ("\u{FEFF}  notes", "1:3: not an XML document: no root element found"),
        ("<?xml version=\"1.0\"?>\n", "2:1: no root element: the file holds only whitespace, comments or the XML declaration"),
        ("<!-- only a comment -->", "1:24: no root element: the file holds only whitespace, comments or the XML declaration"),
        ("<article><front><title>Cut", "1:27: the file ends inside <title> with 3 elements still open (truncated?)"),
        ("<a>\n</a>\n<b/>", "3:1: Extra content at the end of the document"),
        ("<article><front><contrib-group><cont", "1:37: the file ends inside <contrib-group> with 3 elements still open (truncated?)"),
        ("<article><front><pub-date pub-type='ep", "1:39: the file ends inside <front> with 2 elements still open (truncated?)"),
        ("<article><front><!-- a note", "1:28: the file ends inside <front> with 2 elements still open (truncated?)"),
        ("<article></article>\n<!-- a note", "2:12: the file ends inside markup after its root element (truncated?)"),
        ("<?xml version=\"1.0\"?>\n<artic", "2:7: the file ends before its root element is complete (truncated?)"),
        ("<article><b></c></b></article>", "1:17: Opening and ending tag mismatch: b line 1 and c"),
    ])
    func anInputThatEndsTooSoonSaysHow(text: String, expected: String) {
        do {
            try parser.parse(bytes: Array(text.utf8), source: "f.xml") { _ in }
            Issue.record("accepted \(text)")
        } catch {
            #expect("\(error)" == "f.xml:\(expected)")
        }
    }

    /// Every message is one line (a reason file and a cron mail read it as such): libxml2's
    /// two-line UTF-8 complaint included.
    @Test func invalidUTF8IsOneLineNamingTheBytes() {
        let bytes: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>caf".utf8) + [0xE9, 0x20, 0xFF] + Array("</a>".utf8)
        do {
            try parser.parse(bytes: bytes, source: "u.xml") { _ in }
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect("\(error)" == "u.xml:2:7: not valid UTF-8 (bytes 0xE9 0x20 0xFF 0x3C); save the file as UTF-8 or declare its encoding")
        }
    }

    @Test func aTextNodeOverLibxml2sLimitSaysSo() {
        let bytes = Array("<a>".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 10_500_000) + Array("</a>".utf8)
        do {
            try parser.parse(bytes: bytes, source: "t.xml") { _ in }
            Issue.record("accepted a text node over the limit")
        } catch let error as XMLParseError {
            #expect(error.reason == .limitExceeded)
            #expect(error.diagnostic.message.hasPrefix("a text node longer than 10,000,000 bytes"))
        } catch {
            Issue.record("\(error)")
        }
    }

    /// A named pipe is refused when opened, not waited on (a writer may never come).
    @Test(.timeLimit(.minutes(1))) func aNamedPipeIsRefusedWithoutWaiting() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-\(UUID().uuidString).xml").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        do {
            try parser.parse(fileAt: path) { _ in }
            Issue.record("read a named pipe")
        } catch let error as XMLParseError {
            #expect(error.reason == .unreadable)
            #expect(error.diagnostic.message == "not a regular file (a pipe, socket or device); not read")
        }
    }

    @Test func recordsAreStreamedOneAtATime() throws {
        var text = "<set>\n"
        for index in 0..<1_000 { text += "  <rec n=\"\(index)\"><t>title \(index)</t></rec>\n  <!-- gap -->\n" }
        text += "</set>"
        var seen: [String] = []
        let title = try XPathExpression("string(/rec/t)")
        let summary = try parser.parse(bytes: Array(text.utf8), source: "set.xml", plan: { root in
            #expect(root.localName == "set")
            return .records(path: ["set", "rec"])
        }) { record in
            #expect(record.root?.localName == "rec")
            seen.append(record.string(title) ?? "")
        }
        #expect(seen.count == 1_000)
        #expect(seen.first == "title 0")
        #expect(seen.last == "title 999")
        #expect(summary.documents == 1_000)
        #expect(summary.root?.localName == "set")
    }

    @Test func recordsKeepNamespacesDeclaredOnTheRoot() throws {
        let text = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>f</title>
            <entry><id>tag:a,2025:1</id></entry><entry><id>tag:a,2025:2</id></entry></feed>
            """
        let id = try XPathExpression("string(/a:entry/a:id)", namespaces: ["a": "http://www.w3.org/2005/Atom"])
        var ids: [String] = []
        try parser.parse(bytes: Array(text.utf8), source: "f.atom", plan: { _ in .records(path: ["feed", "entry"]) }) {
            ids.append($0.string(id) ?? "")
        }
        #expect(ids == ["tag:a,2025:1", "tag:a,2025:2"])
    }

    @Test func handlerErrorStopsTheParseAndIsRethrown() throws {
        struct Stop: Error {}
        let text = "<set><rec/><rec/><rec/></set>"
        var count = 0
        #expect(throws: Stop.self) {
            try parser.parse(bytes: Array(text.utf8), source: "s.xml", plan: { _ in .records(path: ["set", "rec"]) }) { _ in
                count += 1
                if count == 2 { throw Stop() }
            }
        }
        #expect(count == 2)
    }

    @Test func canonicalHashIgnoresSerialisationDetails() throws {
        let one = try parser.document(bytes: Array("<?xml version=\"1.0\"?><r b='2' a=\"1\"><e/></r>".utf8), source: "1")
        let two = try parser.document(bytes: Array("<r  a=\"1\" b=\"2\"><e></e></r>".utf8), source: "2")
        let three = try parser.document(bytes: Array("<r a=\"1\" b=\"3\"><e/></r>".utf8), source: "3")
        #expect(try one.canonicalSHA256() == two.canonicalSHA256())
        #expect(try one.canonicalSHA256() != three.canonicalSHA256())
        #expect(String(decoding: try one.canonicalBytes(), as: UTF8.self) == "<r a=\"1\" b=\"2\"><e></e></r>")
    }

    @Test func canonicalisationFailureNamesTheLine() throws {
        let document = try parser.document(bytes: Array("<r>\n<a>\n<b xmlns=\"rel/ns\"/></a></r>".utf8), source: "r")
        #expect(throws: CanonicalisationError(
            line: 3,
            message: "<b> declares xmlns=\"rel/ns\", a relative namespace URI, which Canonical XML refuses; the namespace must be an absolute URI"
        )) { try document.canonicalSHA256() }
        // Absolute URIs of any scheme, and the empty default namespace, canonicalise.
        let fine = try parser.document(bytes: Array("<r xmlns=\"urn:x\"><a xmlns=\"\"/><b xmlns:q=\"http://e/q\"/></r>".utf8), source: "f")
        #expect(try !fine.canonicalSHA256().isEmpty)
    }

    @Test func rawBytesAreHashed() throws {
        let summary = try parser.parse(bytes: Array("<x/>".utf8), source: "x") { _ in }
        // sha256("<x/>")
        #expect(summary.sha256 == "2a31f44da4bd7decbbd3ddfd1a37ae04d02ec665e2c2688816ccc65631586ed1")
        #expect(summary.byteCount == 4)
    }

    /// Parliaments' and publishers' XML often puts no whitespace between a number, a heading and a
    /// paragraph: their edges still end words, or search would find neither "Purpose" nor "Public".
    /// Inline markup (emphasis, sub- and superscripts, links) does not split the word it sits in.
    @Test(arguments: [
        ("<section><num>1.</num><heading>Purpose</heading><content><p>Public bodies shall.</p></content></section>",
         "1. Purpose Public bodies shall."),
        ("<body><sec><title>Methods</title><p>We used H<sub>2</sub>O and <italic>E. coli</italic>.</p></sec></body>",
         "Methods We used H2O and E. coli."),
        ("<Abstract><AbstractText Label=\"A\">First part.</AbstractText><AbstractText>Second</AbstractText></Abstract>",
         "First part. Second"),
        ("<t><table><tr><td>cell</td><td>other</td></tr></table>line<break/>next e<sup>x</sup> see<xref>1</xref></t>",
         "cell other line next ex see 1"),
        ("<p>E. coli<sup><xref ref-type=\"bibr\" rid=\"B3\">3</xref></sup> grew</p>", "E. coli 3 grew"),
        // A superscript that holds only citation numbers is a marker, not part of the word, with or without <xref>;
        // one with a letter or a sign stays in it (x², e^x, a footnote letter).
        ("<p>E. coli<sup>3</sup> grew in <italic>vitro</italic><sup>4,5–7</sup>. Smith<sup>1, 2</sup>, m<sup>2</sup>x<sup>-1</sup> a<sup>b</sup></p>",
         "E. coli 3 grew in vitro 4,5–7. Smith 1, 2, m 2 x-1 ab"),
        ("<akn:p xmlns:akn=\"urn:akn\">The <akn:term>Minister</akn:term>'s <akn:ref href=\"#a\">Act</akn:ref> <akn:b>now</akn:b></akn:p>",
         "The Minister's Act now"),
        ("<r>  <p> spaced </p>  <p>out</p> </r>", "spaced out"),
    ])
    func blockElementsEndWordsAndInlineMarkupDoesNot(xml: String, text: String) throws {
        let document = try parser.document(bytes: Array(xml.utf8), source: "t.xml")
        #expect(document.root?.collapsedText == text)
    }

    @Test(arguments: [
        ("<p>One</p><p>Two<br/>three</p>", "One Two three"),
        ("Cdata<b>bold</b>word and <a href=\"x>y\">a link</a>.", "Cdataboldword and a link."),
        ("x < 5 and y > 3", "x < 5 and y > 3"),
        ("a &amp;mdash; b &mdash; c &#8212; d &#x2014; e &bogus; f & g", "a &mdash; b \u{2014} c \u{2014} d \u{2014} e &bogus; f & g"),
        ("before<script>alert('<p>')</script><style>p{}</style><!-- <p>hidden</p> -->after", "before after"),
        ("<td>cell</td><td>next", "cell next"),
        ("unclosed <b tag", "unclosed <b tag"),
    ])
    func htmlFragmentsReadAsAReaderSeesThem(html: String, text: String) {
        #expect(HTMLText.plain(html) == text)
    }

    @Test func xpathCompilesOnceAndEvaluatesWithNamespaces() throws {
        let expression = try XPathExpression("//a:b[@k='v']", namespaces: ["a": "urn:x"])
        for _ in 0..<3 {
            let document = try parser.document(bytes: Array("<r xmlns=\"urn:x\"><b k=\"v\">one</b><b>two</b></r>".utf8), source: "x")
            #expect(document.strings(expression) == ["one"])
            #expect(try document.evaluate(expression).count == 1)
        }
    }

    @Test func invalidXPathIsATypedError() {
        #expect(throws: XPathError.self) { try XPathExpression("//[") }
        do {
            _ = try XPathExpression("count(//a")
        } catch {
            #expect(error.expression == "count(//a")
            #expect(error.description == "invalid XPath 'count(//a': invalid expression at character 10")
        }
    }

    @Test func unknownPrefixAndFunctionFailAtCompileTime() {
        #expect(throws: XPathError(expression: "//q:x", message: "undefined namespace prefix")) {
            try XPathExpression("//q:x")
        }
        #expect(throws: XPathError.self) { try XPathExpression("frobnicate(1)") }
        #expect(throws: Never.self) { try XPathExpression("//q:x", namespaces: ["q": "urn:q"]) }
    }

    @Test func writerEscapesAndNests() throws {
        let writer = XMLWriter(indent: false)
        writer.startElement("feed", namespace: "http://www.w3.org/2005/Atom")
        writer.element("title", text: "Risks & <warnings>")
        writer.element("link", attributes: [("href", "https://example.org/?a=1&b=\"2\"")])
        writer.endElement()
        let output = try #require(writer.finish())
        #expect(output.contains("<title>Risks &amp; &lt;warnings&gt;</title>"))
        #expect(output.contains("href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\""))
        let reparsed = try parser.document(bytes: Array(output.utf8), source: "w")
        #expect(reparsed.root?.namespaceURI == "http://www.w3.org/2005/Atom")
    }
}
