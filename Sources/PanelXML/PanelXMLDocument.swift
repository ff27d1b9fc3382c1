import Foundation
import CLibXML2
import Crypto

/// A parsed document. Owns its libxml2 tree and frees it on deinit; nodes and
/// XPath results keep it alive. Not Sendable: convert what you need into
/// Swift values before handing anything to another thread.
public final class PanelXMLDocument {
    let pointer: xmlDocPtr
    private var xpathContext: xmlXPathContextPtr?
    private var registeredNamespaces: [String: String] = [:]
    /// Recoverable problems seen while parsing (undeclared entities, ...).
    public let warnings: [XMLDiagnostic]
    /// SHA-256 (hex) of the raw bytes of the file a whole document was read from (the file's
    /// content address, known before the document is handed over); nil for a streamed record.
    public internal(set) var sourceSHA256: String?

    init(owning pointer: xmlDocPtr, warnings: [XMLDiagnostic]) {
        self.pointer = pointer
        self.warnings = warnings
    }

    deinit {
        if let xpathContext { xmlXPathFreeContext(xpathContext) }
        xmlFreeDoc(pointer)
    }

    /// The document element.
    public var root: XMLNode? {
        xmlDocGetRootElement(pointer).map { XMLNode(document: self, pointer: $0) }
    }

    // MARK: XPath

    /// Evaluates a compiled expression with `node` (default: the document) as context.
    public func evaluate(_ expression: XPathExpression, at node: XMLNode? = nil) throws -> XPathValue {
        let context = try prepareContext(for: expression)
        context.pointee.node = node?.pointer ?? UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: xmlNode.self)
        guard let result = xmlXPathCompiledEval(expression.compiled, context) else {
            let message = context.pointee.lastError.message.map { String(cString: $0) }?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "evaluation failed"
            throw XPathError(expression: expression.source, message: message)
        }
        defer { xmlXPathFreeObject(result) }
        return XPathValue(result, document: self)
    }

    /// The string value of the expression (XPath `string()` semantics), or nil when empty.
    public func string(_ expression: XPathExpression, at node: XMLNode? = nil) -> String? {
        guard let value = try? evaluate(expression, at: node) else { return nil }
        let text = value.stringValue
        return text.isEmpty ? nil : text
    }

    /// The string value of every node the expression selects, empty ones dropped.
    public func strings(_ expression: XPathExpression, at node: XMLNode? = nil) -> [String] {
        guard let value = try? evaluate(expression, at: node) else { return [] }
        switch value {
        case .nodes(let nodes): return nodes.map(\.stringValue).filter { !$0.isEmpty }
        default:
            let text = value.stringValue
            return text.isEmpty ? [] : [text]
        }
    }

    /// The text of the first selected node (or the string result) with runs
    /// of whitespace collapsed to one space and the ends trimmed, gathered in
    /// one pass over the tree: the fast path for large bodies of text.
    public func collapsedText(_ expression: XPathExpression, at node: XMLNode? = nil) -> String? {
        guard let value = try? evaluate(expression, at: node) else { return nil }
        switch value {
        case .nodes(let nodes):
            guard let first = nodes.first else { return nil }
            let text = first.collapsedText
            return text.isEmpty ? nil : text
        default:
            let text = TextCollector.collapse(value.stringValue)
            return text.isEmpty ? nil : text
        }
    }

    /// The nodes the expression selects (empty when it selects none or is not a node-set).
    public func nodes(_ expression: XPathExpression, at node: XMLNode? = nil) -> [XMLNode] {
        guard case .nodes(let nodes)? = try? evaluate(expression, at: node) else { return [] }
        return nodes
    }

    private func prepareContext(for expression: XPathExpression) throws -> xmlXPathContextPtr {
        if xpathContext == nil {
            guard let made = xmlXPathNewContext(pointer) else {
                throw XPathError(expression: expression.source, message: "cannot create an XPath context")
            }
            made.pointee.error = { _, _ in }
            xpathContext = made
        }
        let context = xpathContext!
        for (prefix, uri) in expression.namespaces where registeredNamespaces[prefix] != uri {
            xmlXPathRegisterNs(context, prefix, uri)
            registeredNamespaces[prefix] = uri
        }
        return context
    }

    // MARK: Canonical form

    /// SHA-256 (hex) of the document's Canonical XML 1.0 form, without comments:
    /// the same content gives the same hash whatever its attribute order,
    /// quoting, whitespace inside tags, encoding or DOCTYPE line.
    public func canonicalSHA256() throws -> String {
        let sink = DigestSink()
        try writeCanonical(into: sink)
        return sink.hasher.finalize().hexString
    }

    /// The Canonical XML 1.0 bytes.
    public func canonicalBytes() throws -> [UInt8] {
        let sink = DigestSink()
        sink.keepBytes = true
        try writeCanonical(into: sink)
        return sink.bytes
    }

    /// `canonicalSHA256()` as libxml2's own serialiser gives it: slower, for checking the tree
    /// walk that `canonicalSHA256()` uses against it (the benchmark does, on its whole corpus).
    public func libxml2CanonicalSHA256() throws -> String {
        let sink = DigestSink()
        try writeCanonical(into: sink, walk: false)
        return sink.hasher.finalize().hexString
    }

    /// The Canonical XML 1.0 bytes as libxml2's own serialiser writes them (what the tree walk
    /// must equal, and what it leaves to libxml2).
    func libxml2CanonicalBytes() throws -> [UInt8] {
        let sink = DigestSink()
        sink.keepBytes = true
        try writeCanonical(into: sink, walk: false)
        return sink.bytes
    }

    private func writeCanonical(into sink: DigestSink, walk: Bool = true) throws {
        if walk, CanonicalWriter.write(pointer, into: sink) { return }
        LibXML.prepareThread()
        let opaque = Unmanaged.passUnretained(sink).toOpaque()
        guard let output = xmlOutputBufferCreateIO(
            { raw, bytes, length in
                guard let raw, let bytes, length >= 0 else { return -1 }
                let sink = Unmanaged<DigestSink>.fromOpaque(raw).takeUnretainedValue()
                sink.write(UnsafeRawBufferPointer(start: bytes, count: Int(length)))
                return length
            },
            { _ in 0 },
            opaque, nil)
        else { throw XPathError(expression: "c14n", message: "cannot create an output buffer") }
        let written = xmlC14NDocSaveTo(pointer, nil, Int32(XML_C14N_1_0.rawValue), nil, 0, output)
        let closed = xmlOutputBufferClose(output)
        if written < 0 || closed < 0 {
            throw relativeNamespace() ?? CanonicalisationError(
                line: 0, message: "libxml2 could not write the canonical form of the document")
        }
    }

    /// The first namespace declaration Canonical XML 1.0 refuses (a relative
    /// URI such as `xmlns="books"`), with the line of the element declaring it.
    /// libxml2 says only that canonicalisation failed; this says where and why.
    private func relativeNamespace() -> CanonicalisationError? {
        var node: xmlNodePtr? = xmlDocGetRootElement(pointer)
        let root = node
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE {
                var declaration = current.pointee.nsDef
                while let ns = declaration {
                    let uri = LibXML.string(ns.pointee.href) ?? ""
                    if !uri.isEmpty && !Self.isAbsoluteURI(uri) {
                        let name = LibXML.string(current.pointee.name) ?? "?"
                        let prefix = LibXML.string(ns.pointee.prefix).map { "xmlns:\($0)" } ?? "xmlns"
                        return CanonicalisationError(
                            line: Int(xmlGetLineNo(current)),
                            message: "<\(name)> declares \(prefix)=\"\(uri)\", a relative namespace URI, "
                                + "which Canonical XML refuses; the namespace must be an absolute URI")
                    }
                    declaration = ns.pointee.next
                }
                if let child = current.pointee.children {
                    node = child
                    continue
                }
            }
            var climb: xmlNodePtr? = current
            node = nil
            while let up = climb, up != root {
                if let sibling = up.pointee.next {
                    node = sibling
                    break
                }
                climb = up.pointee.parent
            }
        }
        return nil
    }

    /// RFC 3986: a scheme (a letter, then letters, digits, `+`, `-` or `.`) and a colon.
    static func isAbsoluteURI(_ uri: String) -> Bool {
        guard let colon = uri.firstIndex(of: ":"), colon != uri.startIndex else { return false }
        let scheme = uri[..<colon]
        guard let first = scheme.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return scheme.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0))
        }
    }

    /// The document serialised as UTF-8 XML.
    public func serialized() -> String {
        var memory: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(pointer, &memory, &size, "UTF-8")
        return LibXML.takeString(memory) ?? ""
    }
}

final class DigestSink {
    var hasher = SHA256()
    var keepBytes = false
    var bytes: [UInt8] = []

    func write(_ chunk: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: chunk)
        if keepBytes { bytes.append(contentsOf: chunk) }
    }
}

/// A node of a document; keeps its document alive.
public struct XMLNode {
    public let document: PanelXMLDocument
    let pointer: xmlNodePtr

    init(document: PanelXMLDocument, pointer: xmlNodePtr) {
        self.document = document
        self.pointer = pointer
    }

    public enum Kind: Sendable { case element, attribute, text, other }

    public var kind: Kind {
        switch pointer.pointee.type {
        case XML_ELEMENT_NODE: .element
        case XML_ATTRIBUTE_NODE: .attribute
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: .text
        default: .other
        }
    }

    /// Local name (no prefix).
    public var localName: String { LibXML.string(pointer.pointee.name) ?? "" }

    public var namespaceURI: String? {
        guard pointer.pointee.type == XML_ELEMENT_NODE || pointer.pointee.type == XML_ATTRIBUTE_NODE,
              let ns = pointer.pointee.ns else { return nil }
        return LibXML.string(ns.pointee.href)
    }

    /// XPath string-value: all descendant text, in document order.
    public var stringValue: String {
        LibXML.takeString(xmlXPathCastNodeToString(pointer)) ?? ""
    }

    /// The string-value with whitespace collapsed, in one pass over the subtree.
    public var collapsedText: String {
        var collector = TextCollector()
        switch pointer.pointee.type {
        case XML_ELEMENT_NODE, XML_DOCUMENT_NODE:
            collector.walk(pointer)
        default:
            if let content = xmlXPathCastNodeToString(pointer) {
                collector.append(content)
                panel_xml_free(content)
            }
        }
        return collector.finish()
    }

    /// An attribute's value by local name, in no namespace unless one is given.
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        guard pointer.pointee.type == XML_ELEMENT_NODE else { return nil }
        if let namespace {
            return LibXML.takeString(xmlGetNsProp(pointer, name, namespace))
        }
        return LibXML.takeString(xmlGetNoNsProp(pointer, name))
    }

    /// Element children, in order.
    public var elementChildren: [XMLNode] {
        var result: [XMLNode] = []
        var child = pointer.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                result.append(XMLNode(document: document, pointer: current))
            }
            child = current.pointee.next
        }
        return result
    }

    /// The line the node starts on.
    public var line: Int { Int(xmlGetLineNo(pointer)) }
}


/// Gathers text with whitespace collapsed: one pass, one String at the end.
struct TextCollector {
    private var bytes: [UInt8] = []
    private var pendingSpace = false
    /// An element's edge came last: a word ends, unless punctuation that closes one follows
    /// ("language<xref>1</xref>." reads "language 1.", not "language 1 .").
    private var pendingBreak = false

    static func collapse(_ text: String) -> String {
        var collector = TextCollector()
        for byte in text.utf8 { collector.push(byte) }
        return collector.finish()
    }

    mutating func push(_ byte: UInt8) {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D:
            pendingSpace = !bytes.isEmpty
        default:
            if pendingSpace || (pendingBreak && !Self.closesAWord(byte)) { bytes.append(0x20) }
            pendingSpace = false
            pendingBreak = false
            bytes.append(byte)
        }
    }

    /// . , ; : ! ? ) ]
    private static func closesAWord(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x29, 0x5D: true
        default: false
        }
    }

    /// `push` for each byte, with each run of words copied at once.
    mutating func append(_ text: UnsafePointer<xmlChar>) {
        var cursor = text
        while true {
            let byte = cursor.pointee
            switch byte {
            case 0:
                return
            case 0x20, 0x09, 0x0A, 0x0D:
                pendingSpace = !bytes.isEmpty
                cursor += 1
            default:
                if pendingSpace || (pendingBreak && !Self.closesAWord(byte)) { bytes.append(0x20) }
                pendingSpace = false
                pendingBreak = false
                // The run goes on over single spaces between words, which stay as they are.
                var end = cursor + 1
                while true {
                    switch end.pointee {
                    case 0, 0x09, 0x0A, 0x0D: break
                    case 0x20:
                        switch end[1] {
                        case 0, 0x20, 0x09, 0x0A, 0x0D: break
                        default:
                            end += 2
                            continue
                        }
                    default:
                        end += 1
                        continue
                    }
                    break
                }
                bytes.append(contentsOf: UnsafeBufferPointer(start: cursor, count: end - cursor))
                cursor = end
            }
        }
    }

    /// A `<sup>` that holds only citation numbers (`3`, `4,5–7`, `1, 2`) and no `<xref>`: a marker
    /// that ends the word before it ("coli<sup>3</sup>" reads "coli 3", so "coli" is found), where
    /// a superscript with a letter or a sign (`x`, `-1`) stays part of its word.
    static func isCitationMarker(_ element: xmlNodePtr) -> Bool {
        guard element.pointee.type == XML_ELEMENT_NODE, let name = element.pointee.name, xmlStrEqual(name, "sup") != 0,
              let first = element.pointee.children else { return false }
        var sawDigit = false
        var child: xmlNodePtr? = first
        while let node = child {
            guard node.pointee.type == XML_TEXT_NODE, let content = node.pointee.content else { return false }
            var cursor = UnsafePointer(content)
            while cursor.pointee != 0 {
                switch cursor.pointee {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    sawDigit = true
                case UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: " "):
                    if !sawDigit { return false }
                case 0xE2 where cursor[1] == 0x80 && (cursor[2] == 0x93 || cursor[2] == 0x94):  // – —
                    if !sawDigit { return false }
                    cursor += 2
                default:
                    return false
                }
                cursor += 1
            }
            child = node.pointee.next
        }
        return sawDigit
    }

    /// A word ends here (if any text follows).
    private mutating func boundary() {
        pendingBreak = !bytes.isEmpty
    }

    /// Text and CDATA of the subtree in document order (attributes excluded),
    /// iteratively, so deep trees cannot exhaust the stack. The edges of an element that is not
    /// inline markup end a word: `<num>1.</num><heading>Purpose</heading><p>Public bodies…` reads
    /// "1. Purpose Public bodies…", as a reader sees it, not "1.PurposePublic bodies…".
    mutating func walk(_ root: xmlNodePtr) {
        if bytes.capacity == 0 { bytes.reserveCapacity(4096) }
        var names = InlineNames()
        var node: xmlNodePtr? = root.pointee.children
        while let current = node {
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { append(content) }
            case XML_ELEMENT_NODE:
                if !names.isInline(current) || Self.isCitationMarker(current) { boundary() }
                if let child = current.pointee.children {
                    node = child
                    continue
                }
            default:
                break
            }
            // Next sibling, or climb until one exists (stopping at the root), ending the words
            // of the block elements climbed out of.
            var climb: xmlNodePtr? = current
            node = nil
            while let up = climb, up != root {
                if up != current, !names.isInline(up) || Self.isCitationMarker(up) { boundary() }
                if let sibling = up.pointee.next {
                    node = sibling
                    break
                }
                climb = up.pointee.parent
            }
        }
    }

    func finish() -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// Which elements mark up words inside running text, so that their edges are not word
/// boundaries: emphasis, sub- and superscripts, links, citations and named things, as JATS, Akoma
/// Ntoso, PubMed, Crossref and XHTML write them (by local name, whatever the namespace). Every
/// other element (a title, a paragraph, a cell, a list item, `<br/>`) ends a word.
struct InlineNames {
    static let inline: Set<String> = [
        // Emphasis and typography (JATS, PubMed, Crossref face markup, XHTML, Akoma Ntoso).
        "i", "b", "u", "em", "strong", "italic", "bold", "underline", "overline", "strike", "sc", "scp", "monospace",
        "roman", "sans-serif", "tt", "font", "ovl", "sup", "sub", "small", "big", "s", "mark", "ruby", "span",
        "styled-content", "named-content", "abbrev", "abbr", "acronym", "cite", "code", "dfn", "kbd", "samp", "var", "q",
        "bdi", "bdo", "data", "time", "ins", "del", "wbr",
        // Links inside a sentence. (A citation or footnote marker, JATS <xref> or Akoma Ntoso <noteRef>, is
        // not part of the word it follows: "coli<xref>3</xref>" reads "coli 3".)
        "a", "ext-link", "uri", "email", "ref", "mref", "rref", "authorialNote", "inline-formula",
        "inline-graphic", "private-char", "glyph-ref",
        // Akoma Ntoso's inline semantic markup.
        "inline", "term", "def", "entity", "person", "organization", "concept", "object", "event", "location", "process",
        "role", "quantity", "date", "docTitle", "docNumber", "docDate", "docType", "docStatus", "docProponent", "docPurpose",
        "docCommittee", "docIntroducer", "docStage", "docAuthority", "docJurisdiction", "shortTitle", "affectedDocument",
        "relatedDocument", "legislature", "session", "fillIn", "omissis", "courtType", "judge", "lawyer", "party",
        "neutralCitation", "outcome", "recordedTime",
    ]

    /// Answers remembered by the name's address, in a small direct-mapped table (no hashing, no
    /// allocation per element): libxml2 keeps each name once per document, so a long body with a
    /// few dozen distinct element names reads each name once.
    private static let slots = 128
    private var names: [UnsafePointer<xmlChar>?] = []
    private var answers: [Bool] = []

    mutating func isInline(_ element: xmlNodePtr) -> Bool {
        guard let name = element.pointee.name else { return false }
        if names.isEmpty {
            // Made at the first element: most texts read (a name, a title) have none.
            names = Array(repeating: nil, count: Self.slots)
            answers = Array(repeating: false, count: Self.slots)
        }
        let slot = (Int(bitPattern: UInt(bitPattern: name)) >> 3) & (Self.slots - 1)
        if names[slot] == name { return answers[slot] }
        let answer = Self.inline.contains(String(cString: name))
        names[slot] = name
        answers[slot] = answer
        return answer
    }
}

extension String {
    /// Runs of whitespace become one space; leading and trailing space goes.
    public var collapsingWhitespace: String { TextCollector.collapse(self) }
}
