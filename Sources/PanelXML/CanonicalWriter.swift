import CLibXML2
import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Canonical XML 1.0 without comments, of a whole document, written by one walk of the tree:
/// the bytes libxml2's `xmlC14NDocSaveTo` gives, at a fraction of its cost (it looks up every
/// namespace in scope for every element, and copies each attribute value twice).
///
/// It covers what documents are made of: elements, attributes whose values are text, text,
/// processing instructions, comments (left out), and namespace declarations with absolute URIs.
/// On anything else (an entity reference node, a namespace URI that is relative or holds a
/// quote, ...) it gives up, its output so far discarded, and the caller uses libxml2, which also
/// says what is wrong; so the two never disagree on what a document's canonical form is. Tests
/// hold them to the same bytes over edge cases, the fixtures and seeded random documents, and
/// `panel-bench ingest` over its whole corpus.
struct CanonicalWriter {
    /// Bytes not yet handed on: `count` of `capacity` (a plain buffer; most writes are a few bytes).
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity = 256 << 10
    private var count = 0
    private let sink: DigestSink
    /// Namespace declarations written and in scope: prefix ("" for the default) and URI.
    private var rendered: [(prefix: UnsafePointer<xmlChar>?, href: UnsafePointer<xmlChar>?)] = []

    private init(sink: DigestSink) {
        self.sink = sink
        buffer = .allocate(capacity: capacity)
    }

    /// Writes the canonical form of `document` into `sink`; false, having written nothing into it,
    /// when the document holds something this walk leaves to libxml2 (found as the walk meets it:
    /// the bytes go to a digest of the walk's own, handed over only at the end).
    static func write(_ document: xmlDocPtr, into sink: DigestSink) -> Bool {
        let own = DigestSink()
        own.keepBytes = sink.keepBytes
        var writer = CanonicalWriter(sink: own)
        defer { writer.buffer.deallocate() }
        guard writer.document(document) else { return false }
        writer.flush()
        sink.hasher = own.hasher
        sink.bytes = own.bytes
        return true
    }

    // MARK: What the walk covers

    /// An element whose declarations and attributes the walk writes as libxml2 does.
    private static func covers(_ element: xmlNodePtr) -> Bool {
        var declaration = element.pointee.nsDef
        while let ns = declaration {
            if !coversNamespace(ns) { return false }
            declaration = ns.pointee.next
        }
        var namespaced: [xmlAttrPtr] = []
        var attribute = element.pointee.properties
        while let property = attribute {
            var part = property.pointee.children
            while let text = part {
                if text.pointee.type != XML_TEXT_NODE { return false }
                part = text.pointee.next
            }
            if let ns = property.pointee.ns {
                // Two attributes with one name in one namespace under two prefixes (`a:k` and `b:k`,
                // a and b bound to the same URI: a namespace error libxml2 reads on) sort as equal,
                // and libxml2 puts the later first. Left to libxml2.
                for other in namespaced where xmlStrEqual(other.pointee.name, property.pointee.name) != 0
                    && xmlStrEqual(other.pointee.ns!.pointee.href, ns.pointee.href) != 0 {
                    return false
                }
                namespaced.append(property)
            }
            attribute = property.pointee.next
        }
        return true
    }

    /// A declaration libxml2 renders without complaint: an absolute URI (or none), no quote in it.
    private static func coversNamespace(_ ns: xmlNsPtr) -> Bool {
        guard let href = ns.pointee.href, href.pointee != 0 else { return true }
        if xmlStrchr(href, 0x22) != nil { return false }
        guard let uri = xmlParseURI(UnsafeRawPointer(href).assumingMemoryBound(to: CChar.self)) else { return false }
        defer { xmlFreeURI(uri) }
        return uri.pointee.scheme != nil
    }

    // MARK: Writing

    /// False as soon as a node is met that the walk leaves to libxml2.
    private mutating func document(_ document: xmlDocPtr) -> Bool {
        var seenRoot = false
        var child = document.pointee.children
        while let node = child {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                guard element(node) else { return false }
                seenRoot = true
            case XML_PI_NODE:
                // Outside the document element, a PI sits on a line of its own.
                if seenRoot { byte(0x0A) }
                processingInstruction(node)
                if !seenRoot { byte(0x0A) }
            case XML_COMMENT_NODE, XML_DTD_NODE:
                break
            default:
                return false
            }
            child = node.pointee.next
        }
        return true
    }

    private mutating func element(_ root: xmlNodePtr) -> Bool {
        // Iterative, as deep as the parser allows; `marks` holds each open element's share of `rendered`.
        var marks: [Int] = []
        var node: xmlNodePtr? = root
        while let current = node {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                guard Self.covers(current) else { return false }
                marks.append(rendered.count)
                startTag(current)
                if let first = current.pointee.children {
                    node = first
                    continue
                }
                endTag(current)
                rendered.removeSubrange(marks.removeLast()...)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { escaped(content, attribute: false) }
            case XML_PI_NODE:
                processingInstruction(current)
            case XML_COMMENT_NODE:
                break
            default:
                return false
            }
            node = nil
            var climb: xmlNodePtr? = current
            while let up = climb, up != root {
                if let sibling = up.pointee.next {
                    node = sibling
                    break
                }
                climb = up.pointee.parent
                if let parent = climb {
                    endTag(parent)
                    rendered.removeSubrange(marks.removeLast()...)
                }
            }
        }
        return true
    }

    private mutating func startTag(_ element: xmlNodePtr) {
        byte(0x3C)
        qualifiedName(element.pointee.name, element.pointee.ns)
        namespaces(of: element)
        attributes(of: element)
        byte(0x3E)
    }

    private mutating func endTag(_ element: xmlNodePtr) {
        byte(0x3C)
        byte(0x2F)
        qualifiedName(element.pointee.name, element.pointee.ns)
        byte(0x3E)
    }

    private mutating func qualifiedName(_ name: UnsafePointer<xmlChar>?, _ ns: xmlNsPtr?) {
        if let prefix = ns?.pointee.prefix, prefix.pointee != 0 {
            raw(prefix)
            byte(0x3A)
        }
        if let name { raw(name) }
    }

    /// The element's declarations that change what is in scope, sorted by prefix (the default first).
    private mutating func namespaces(of element: xmlNodePtr) {
        guard element.pointee.nsDef != nil else { return }
        var written: [(prefix: UnsafePointer<xmlChar>?, href: UnsafePointer<xmlChar>?)] = []
        var declaration = element.pointee.nsDef
        while let ns = declaration {
            declaration = ns.pointee.next
            let prefix = ns.pointee.prefix
            if let prefix, xmlStrEqual(prefix, "xml") != 0 { continue }
            let href = ns.pointee.href
            // Written only where it changes what the nearest enclosing output says for the prefix;
            // where no default was written, the default is "" already.
            if let current = rendered.last(where: { Self.samePrefix($0.prefix, prefix) }) {
                if Self.sameText(current.href, href) { continue }
            } else if Self.isEmpty(prefix) && Self.isEmpty(href) {
                continue
            }
            written.append((Self.isEmpty(prefix) ? nil : prefix, href))
        }
        written.sort { left, right in
            guard let a = left.prefix else { return right.prefix != nil }
            guard let b = right.prefix else { return false }
            return xmlStrcmp(a, b) < 0
        }
        for (prefix, href) in written {
            if let prefix {
                literal(" xmlns:")
                raw(prefix)
            } else {
                literal(" xmlns")
            }
            byte(0x3D)
            byte(0x22)
            if let href { raw(href) }
            byte(0x22)
            rendered.append((prefix, href))
        }
    }

    /// Attributes sorted as C14N says: no namespace first, by local name; then by namespace URI and local name.
    private mutating func attributes(of element: xmlNodePtr) {
        guard let first = element.pointee.properties else { return }
        if first.pointee.next == nil {
            attribute(first)
            return
        }
        var all: [xmlAttrPtr] = []
        var next: xmlAttrPtr? = first
        while let attribute = next {
            all.append(attribute)
            next = attribute.pointee.next
        }
        all.sort { left, right in
            let a = left.pointee.ns, b = right.pointee.ns
            if a == b { return xmlStrcmp(left.pointee.name, right.pointee.name) < 0 }
            guard let a else { return true }
            guard let b else { return false }
            let order = xmlStrcmp(a.pointee.href, b.pointee.href)
            return order != 0 ? order < 0 : xmlStrcmp(left.pointee.name, right.pointee.name) < 0
        }
        for attribute in all { self.attribute(attribute) }
    }

    private mutating func attribute(_ attribute: xmlAttrPtr) {
        byte(0x20)
        qualifiedName(attribute.pointee.name, attribute.pointee.ns)
        byte(0x3D)
        byte(0x22)
        var part = attribute.pointee.children
        while let text = part {
            if let content = text.pointee.content { escaped(content, attribute: true) }
            part = text.pointee.next
        }
        byte(0x22)
    }

    private mutating func processingInstruction(_ node: xmlNodePtr) {
        literal("<?")
        if let name = node.pointee.name { raw(name) }
        if let content = node.pointee.content, content.pointee != 0 {
            byte(0x20)
            var cursor = content
            var start = cursor
            while cursor.pointee != 0 {
                if cursor.pointee == 0x0D {
                    bytes(start, cursor - start)
                    literal("&#xD;")
                    start = cursor + 1
                }
                cursor += 1
            }
            bytes(start, cursor - start)
        }
        literal("?>")
    }

    /// Text (`<`, `>`, `&`, CR escaped) or an attribute value (`<`, `&`, `"`, tab, LF, CR escaped),
    /// the runs between those bytes found by the C library's `strcspn`.
    private mutating func escaped(_ text: UnsafePointer<xmlChar>, attribute: Bool) {
        var cursor = text
        while true {
            let run = cursor.withMemoryRebound(to: CChar.self, capacity: 1) { strcspn($0, attribute ? "<&\"\t\n\r" : "<>&\r") }
            bytes(cursor, run)
            cursor += run
            let replacement: StaticString
            switch cursor.pointee {
            case 0: return
            case 0x3C: replacement = "&lt;"
            case 0x26: replacement = "&amp;"
            case 0x0D: replacement = "&#xD;"
            case 0x3E: replacement = "&gt;"
            case 0x22: replacement = "&quot;"
            case 0x09: replacement = "&#x9;"
            default: replacement = "&#xA;"
            }
            literal(replacement)
            cursor += 1
        }
    }

    // MARK: Output

    private static func isEmpty(_ text: UnsafePointer<xmlChar>?) -> Bool {
        text == nil || text!.pointee == 0
    }

    /// Equal text, an absent one reading as "".
    private static func sameText(_ left: UnsafePointer<xmlChar>?, _ right: UnsafePointer<xmlChar>?) -> Bool {
        if isEmpty(left) || isEmpty(right) { return isEmpty(left) && isEmpty(right) }
        return xmlStrEqual(left, right) != 0
    }

    private static func samePrefix(_ left: UnsafePointer<xmlChar>?, _ right: UnsafePointer<xmlChar>?) -> Bool {
        sameText(left, right)
    }

    private mutating func byte(_ value: UInt8) {
        if count == capacity { flush() }
        buffer[count] = value
        count += 1
    }

    private mutating func literal(_ text: StaticString) {
        bytes(text.utf8Start, text.utf8CodeUnitCount)
    }

    private mutating func raw(_ text: UnsafePointer<xmlChar>) {
        bytes(text, Int(xmlStrlen(text)))
    }

    private mutating func bytes(_ start: UnsafePointer<UInt8>, _ length: Int) {
        guard length > 0 else { return }
        if count + length > capacity {
            flush()
            if length >= capacity {
                sink.write(UnsafeRawBufferPointer(start: start, count: length))
                return
            }
        }
        (buffer + count).update(from: start, count: length)
        count += length
    }

    private mutating func flush() {
        sink.write(UnsafeRawBufferPointer(start: buffer, count: count))
        count = 0
    }
}
