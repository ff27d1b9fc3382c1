import CLibXML2

/// Builds XML output through libxml2's text writer, so escaping and encoding
/// are libxml2's, not hand-rolled.
public final class XMLWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr
    private var failed = false

    public init(indent: Bool = true) {
        LibXML.prepareThread()
        buffer = xmlBufferCreate()
        writer = xmlNewTextWriterMemory(buffer, 0)
        if indent {
            xmlTextWriterSetIndent(writer, 1)
            xmlTextWriterSetIndentString(writer, "  ")
        }
        check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil))
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    private func check(_ status: Int32) {
        if status < 0 { failed = true }
    }

    /// Opens an element; `namespace` declares a default namespace on it.
    public func startElement(_ name: String, namespace: String? = nil) {
        if let namespace {
            check(xmlTextWriterStartElementNS(writer, nil, name, namespace))
        } else {
            check(xmlTextWriterStartElement(writer, name))
        }
    }

    public func attribute(_ name: String, _ value: String) {
        check(xmlTextWriterWriteAttribute(writer, name, value))
    }

    public func text(_ value: String) {
        check(xmlTextWriterWriteString(writer, value))
    }

    public func endElement() {
        check(xmlTextWriterEndElement(writer))
    }

    /// `<name attributes>text</name>` in one call.
    public func element(_ name: String, attributes: [(String, String)] = [], text value: String? = nil) {
        startElement(name)
        for (key, content) in attributes { attribute(key, content) }
        if let value { text(value) }
        endElement()
    }

    /// Closes every open element and returns the document, or nil if libxml2
    /// refused a call (for example a name that is not a valid XML name).
    public func finish() -> String? {
        check(xmlTextWriterEndDocument(writer))
        xmlTextWriterFlush(writer)
        guard !failed, let content = buffer.pointee.content else { return nil }
        return String(cString: content)
    }
}
