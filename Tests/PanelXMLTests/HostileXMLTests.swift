import Foundation
import Testing
@testable import PanelXML

/// The hostile corpus, generated here: every document must give a clean
/// error or a safe parse, read no file, open no socket, and finish quickly.
@Suite("Hostile XML")
struct HostileXMLTests {
    let parser = PanelXMLParser()

    func outcome(_ text: String) -> Result<PanelXMLDocument, XMLParseError> {
        outcome(Array(text.utf8))
    }

    func outcome(_ bytes: [UInt8]) -> Result<PanelXMLDocument, XMLParseError> {
        do {
            return .success(try parser.document(bytes: bytes, source: "hostile.xml"))
        } catch let error as XMLParseError {
            return .failure(error)
        } catch {
            Issue.record("unexpected error type: \(error)")
            return .failure(XMLParseError(source: "", reason: .malformed, diagnostic: .init(severity: .fatal, line: 0, column: 0, message: "")))
        }
    }

    func expectRefused(_ text: String, _ reason: XMLParseError.Reason, containing fragment: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        switch outcome(text) {
        case .success(let document):
            Issue.record("parsed, expected \(reason): \(document.serialized().prefix(200))", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(error.reason == reason, "\(error)", sourceLocation: sourceLocation)
            if let fragment {
                #expect(error.description.contains(fragment), "\(error)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func billionLaughsIsRefusedAtTheDeclaration() {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            text += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">\n"
        }
        text += "]>\n<lolz>&lol9;</lolz>\n"
        let started = Date()
        expectRefused(text, .entityDeclaration, containing: "hostile.xml:3:")
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test func quadraticBlowupIsRefused() {
        let big = String(repeating: "A", count: 100_000)
        let text = "<!DOCTYPE q [<!ENTITY a \"\(big)\">]><q>" + String(repeating: "&a;", count: 2_000) + "</q>"
        expectRefused(text, .entityDeclaration)
    }

    @Test(arguments: [
        "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><x>&xxe;</x>",
        "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><x a=\"&xxe;\"/>",
        "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"http://127.0.0.1:9/secret\">]><x>&xxe;</x>",
        "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"http://127.0.0.1:9/secret\">]><x a=\"&xxe;\"/>",
        "<!DOCTYPE x [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><x/>",
        "<!DOCTYPE x [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/p.dtd\"> %p;]><x/>",
    ])
    func externalEntitiesAreRefused(text: String) {
        expectRefused(text, .entityDeclaration, containing: "entity declarations are not allowed")
    }

    @Test(arguments: [
        "<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><x>safe</x>",
        "<!DOCTYPE x PUBLIC \"-//X//DTD X//EN\" \"http://127.0.0.1:9/x.dtd\"><x>safe</x>",
    ])
    func externalDTDIsNeverLoaded(text: String) throws {
        let started = Date()
        let document = try outcome(text).get()
        #expect(document.root?.stringValue == "safe")
        #expect(!document.serialized().contains("root:"))
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test func deepNestingHitsTheDepthLimit() {
        let text = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        expectRefused(text, .limitExceeded, containing: "nested deeper than 200")
    }

    /// 100,000 attributes on one element (about 1 MB) are refused after reading only as far as the
    /// 1,001st, so refusing costs no more than parsing an ordinary document of the same size
    /// (checked as a ratio measured in the same run, not a wall-clock timeout).
    @Test func manyAttributesAreRefusedCheaply() {
        var hostile = "<x"
        for index in 0..<100_000 { hostile += " a\(index)=\"v\"" }
        hostile += "/>"
        var ordinary = "<doc>"
        while ordinary.utf8.count < hostile.utf8.count { ordinary += "<p a=\"v\">ordinary text, nothing hostile</p>" }
        ordinary += "</doc>"
        func seconds(_ body: () -> Void) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        let refusing = seconds { expectRefused(hostile, .limitExceeded, containing: "more than 1000 attributes") }
        let parsing = seconds {
            if case .failure(let error) = outcome(ordinary) { Issue.record("the ordinary document failed: \(error)") }
        }
        #expect(refusing < parsing * 2 + 0.05, "refusing took \(refusing) s, parsing an ordinary document of the same size \(parsing) s")
    }

    @Test func aLatinDeclarationOverUTF8BytesIsRefusedNotMisread() {
        let mislabelled = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<doc>Caf\u{E9} in S\u{E3}o Paulo</doc>\n".utf8)
        switch outcome(mislabelled) {
        case .success(let document): Issue.record("accepted as \(document.serialized())")
        case .failure(let error):
            #expect(error.reason == .malformed)
            #expect(error.description.contains("declares encoding=\"ISO-8859-1\" but its bytes are UTF-8"), "\(error)")
        }
        // Real Latin-1 bytes under the same declaration read as they should.
        var latin = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<doc>Caf".utf8)
        latin += [0xE9]
        latin += Array("</doc>\n".utf8)
        switch outcome(latin) {
        case .success(let document): #expect(document.serialized().contains("Café") || document.serialized().contains("Caf&#xE9;"))
        case .failure(let error): Issue.record("refused real Latin-1: \(error)")
        }
    }

    @Test func attributesInCommentsCDATAAndInstructionsDoNotCount() {
        let equals = String(repeating: "a=1 ", count: 2_000)
        let text = "<?pi \(equals)?><doc><!-- \(equals) --><![CDATA[ \(equals) ]]><x a=\"\(equals)\"/></doc>"
        if case .failure(let error) = outcome(text) { Issue.record("refused: \(error)") }
    }

    @Test func hugeAttributeValueIsBounded() {
        let text = "<x a=\"" + String(repeating: "v", count: 20_000_000) + "\"/>"
        switch outcome(text) {
        case .success: Issue.record("a 20 MB attribute value was accepted")
        case .failure(let error): #expect(error.reason == .malformed || error.reason == .limitExceeded)
        }
    }

    @Test func oversizedDocumentHitsTheSizeLimit() {
        let small = PanelXMLParser(limits: XMLLimits(maxDocumentBytes: 100_000))
        let text = "<x>" + String(repeating: "<p>text</p>", count: 100_000) + "</x>"
        #expect(throws: XMLParseError.self) { try small.document(bytes: Array(text.utf8), source: "big.xml") }
        do {
            _ = try small.document(bytes: Array(text.utf8), source: "big.xml")
        } catch let error as XMLParseError {
            #expect(error.reason == .limitExceeded)
        } catch {}
    }

    @Test func invalidUTF8IsMalformedWithItsLine() {
        var bytes = Array("<x>\n<p>ok</p>\n<p>".utf8)
        bytes += [0xC3, 0x28, 0xFF]
        bytes += Array("</p></x>".utf8)
        guard case .failure(let error) = outcome(bytes) else {
            Issue.record("invalid UTF-8 accepted")
            return
        }
        #expect(error.reason == .malformed)
        #expect(error.diagnostic.line == 3)
        #expect(error.description.hasPrefix("hostile.xml:3:"))
    }

    @Test func lyingEncodingDeclarationIsCleanErrorOrSafeParse() {
        let texts = [
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?><x>caf\u{E9}</x>",
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><x>caf\u{E9}</x>",
            "<?xml version=\"1.0\" encoding=\"no-such-encoding\"?><x>text</x>",
        ]
        for text in texts {
            switch outcome(text) {
            case .success(let document): #expect(document.root?.localName == "x")
            case .failure(let error): #expect(error.reason == .malformed)
            }
        }
    }

    @Test func nulBytesAreMalformed() {
        var bytes = Array("<x>a".utf8)
        bytes += [0, 0, 0]
        bytes += Array("b</x>".utf8)
        guard case .failure(let error) = outcome(bytes) else {
            Issue.record("NUL bytes accepted")
            return
        }
        #expect(error.reason == .malformed)
    }

    @Test func emptyFileIsMalformed() {
        guard case .failure(let error) = outcome([UInt8]()) else {
            Issue.record("empty input accepted")
            return
        }
        #expect(error.description == "hostile.xml:1:1: empty file: no XML document")
    }

    @Test func proseIsNotXML() {
        guard case .failure(let error) = outcome("This is a memo, not a document.\nRegards.") else {
            Issue.record("prose accepted")
            return
        }
        #expect(error.reason == .malformed)
        #expect(error.diagnostic.line == 1)
        #expect(error.description == "hostile.xml:1:1: not an XML document: no root element found")
    }

    @Test func fileThatDoesNotExistIsUnreadable() {
        #expect(throws: XMLParseError.self) { try parser.document(fileAt: "/nonexistent/panel/file.xml") }
    }

    /// libxml2 must not write to stderr itself: every message comes back as a value.
    @Test func libxml2PrintsNothing() throws {
        let capture = try StderrCapture()
        _ = outcome("<x><y></x>")
        _ = outcome("<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>")
        _ = outcome("<x>&undefined;</x>")
        _ = outcome("<x xmlns:a=\"\"><b:c/></x>")
        _ = try? XPathExpression("//[broken")
        let printed = capture.finish()
        #expect(!printed.contains("parser error"), "\(printed)")
        #expect(!printed.contains("namespace error"), "\(printed)")
        #expect(!printed.contains("XPath error"), "\(printed)")
        #expect(!printed.contains("Opening and ending tag mismatch"), "\(printed)")
    }
}

/// Redirects fd 2 to a file for the duration of a check.
final class StderrCapture {
    private let saved: Int32
    private let path: String

    init() throws {
        path = NSTemporaryDirectory() + "panel-stderr-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        saved = dup(2)
        let descriptor = open(path, O_WRONLY)
        dup2(descriptor, 2)
        close(descriptor)
    }

    func finish() -> String {
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}

/// Proof by observation: a listener on loopback sees no connection, and a
/// secret file's contents never reach a document.
@Suite("No network, no file", .serialized)
struct NoNetworkNoFileTests {
    @Test func nothingConnectsAndNothingIsRead() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(listener, 16) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = UInt16(bigEndian: address.sin_port)
        let url = "http://127.0.0.1:\(port)"

        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("panel-secret-\(UUID().uuidString).txt")
        try Data("TOP-SECRET-MARKER".utf8).write(to: secret)
        defer { try? FileManager.default.removeItem(at: secret) }

        let documents = [
            "<!DOCTYPE x SYSTEM \"\(url)/x.dtd\"><x>a</x>",
            "<!DOCTYPE x PUBLIC \"-//X//EN\" \"\(url)/x.dtd\"><x>a</x>",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"\(url)/e\">]><x>&e;</x>",
            "<!DOCTYPE x [<!ENTITY % p SYSTEM \"\(url)/p\"> %p;]><x/>",
            "<x xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"\(url)/i.xml\"/></x>",
            "<!DOCTYPE x SYSTEM \"\(secret.path)\"><x>a</x>",
            "<!DOCTYPE x SYSTEM \"file://\(secret.path)\"><x>a</x>",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file://\(secret.path)\">]><x>&e;</x>",
            "<x xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"\(secret.path)\" parse=\"text\"/></x>",
        ]
        let parser = PanelXMLParser()
        for text in documents {
            if let document = try? parser.document(bytes: Array(text.utf8), source: "d.xml") {
                let serialized = document.serialized()
                let content = document.root?.stringValue ?? ""
                #expect(serialized.contains("TOP-SECRET-MARKER") == false, "\(text)")
                #expect(content.contains("TOP-SECRET-MARKER") == false, "\(text)")
            }
        }
        // Nothing is waiting to be accepted: no connection was attempted.
        _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)
        let accepted = accept(listener, nil, nil)
        if accepted >= 0 { close(accepted) }
        #expect(accepted < 0, "the parser connected to \(url)")
    }
}
