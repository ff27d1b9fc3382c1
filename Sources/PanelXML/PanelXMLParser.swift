import CLibXML2
import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the root element of a document looks like: enough to choose an adapter.
public struct XMLRootInfo: Sendable, Equatable {
    public var localName: String
    public var namespaceURI: String?
    public var hasDoctype: Bool

    public init(localName: String, namespaceURI: String?, hasDoctype: Bool) {
        self.localName = localName
        self.namespaceURI = namespaceURI
        self.hasDoctype = hasDoctype
    }
}

/// How to read a file once its root is known.
public enum XMLReadPlan: Sendable, Equatable {
    /// Build the whole document and hand it over at the end.
    case wholeDocument
    /// Stream: hand over each element at this path of local names (from the
    /// root down; `*` matches any name) as a document of its own, and free it before reading on.
    case records(path: [String])
}

/// What one parse saw.
public struct XMLParseSummary: Sendable, Equatable {
    public var root: XMLRootInfo?
    public var byteCount: Int
    /// SHA-256 (hex) of the raw bytes read: the file's content address.
    public var sha256: String
    /// Documents handed to the handler (1 for a whole document, N records).
    public var documents: Int
    /// Recoverable problems, capped at `XMLLimits.maxWarnings`.
    public var warnings: [XMLDiagnostic]
    public var warningCount: Int
}

/// The hardened reader. Every parse goes through libxml2's push parser with a
/// fixed option set (no network, no entity substitution, no DTD loading, no
/// huge mode, no recovery), a deny-all entity loader, per-parse error capture,
/// and limits on depth, size and attributes. Documents whose internal subset
/// declares entities are refused outright, as defusedxml does. Named entities
/// from publishing DTDs (`&nbsp;`) read as their characters; unknown ones are
/// kept as literal text with a warning.
///
/// Not thread-safe; use one per thread.
public final class PanelXMLParser {
    public let limits: XMLLimits
    private var buffer: UnsafeMutableRawBufferPointer

    public init(limits: XMLLimits = .default, chunkSize: Int = 256 << 10) {
        self.limits = limits
        self.buffer = .allocate(byteCount: max(chunkSize, 4096), alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Parses the file at `path`.
    @discardableResult
    public func parse(
        fileAt path: String,
        plan: (XMLRootInfo) throws -> XMLReadPlan = { _ in .wholeDocument },
        onChunk: ((UnsafeRawBufferPointer) throws -> Void)? = nil,
        handle: (PanelXMLDocument) throws -> Void
    ) throws -> XMLParseSummary {
        func unreadable(_ message: String) -> XMLParseError {
            XMLParseError(source: path, reason: .unreadable, diagnostic: XMLDiagnostic(severity: .fatal, line: 0, column: 0, message: message))
        }
        // Opened without waiting (a named pipe would wait for a writer forever), then read only if
        // it is a regular file: whatever a folder held when it was listed, nothing here blocks.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw unreadable("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw unreadable("cannot read: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw unreadable(info.st_mode & S_IFMT == S_IFDIR ? "a folder, not a file" : "not a regular file (a pipe, socket or device); not read")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return try run(source: path, plan: plan, onChunk: onChunk, handle: handle) { target in
            while true {
                let count = read(descriptor, target.baseAddress, target.count)
                if count >= 0 { return count }
                if errno != EINTR { return -1 }
            }
        }
    }

    /// Parses bytes held in memory; `source` names them in messages.
    @discardableResult
    public func parse(
        bytes: some Collection<UInt8>,
        source: String,
        plan: (XMLRootInfo) throws -> XMLReadPlan = { _ in .wholeDocument },
        handle: (PanelXMLDocument) throws -> Void
    ) throws -> XMLParseSummary {
        let data = Array(bytes)
        var offset = 0
        return try run(source: source, plan: plan, onChunk: nil, handle: handle) { target in
            let count = min(target.count, data.count - offset)
            if count > 0 {
                data.withUnsafeBytes { all in
                    target.baseAddress!.copyMemory(from: all.baseAddress! + offset, byteCount: count)
                }
                offset += count
            }
            return count
        }
    }

    /// Parses a whole document held in memory.
    public func document(bytes: some Collection<UInt8>, source: String) throws -> PanelXMLDocument {
        var result: PanelXMLDocument?
        try parse(bytes: bytes, source: source) { result = $0 }
        guard let result else {
            throw XMLParseError(
                source: source, reason: .malformed,
                diagnostic: XMLDiagnostic(severity: .fatal, line: 0, column: 0, message: "no document"))
        }
        return result
    }

    /// Parses a whole document from a file.
    public func document(fileAt path: String) throws -> PanelXMLDocument {
        var result: PanelXMLDocument?
        try parse(fileAt: path) { result = $0 }
        guard let result else {
            throw XMLParseError(
                source: path, reason: .malformed,
                diagnostic: XMLDiagnostic(severity: .fatal, line: 0, column: 0, message: "no document"))
        }
        return result
    }

    // MARK: - The feed loop

    private static let options: Int32 = {
        let flags: [xmlParserOption] = [
            XML_PARSE_NONET, XML_PARSE_NOERROR, XML_PARSE_NOWARNING,
            XML_PARSE_COMPACT, XML_PARSE_BIG_LINES, XML_PARSE_NOCDATA,
        ]
        return flags.reduce(Int32(0)) { $0 | Int32($1.rawValue) }
    }()

    private func run(
        source: String,
        plan: (XMLRootInfo) throws -> XMLReadPlan,
        onChunk: ((UnsafeRawBufferPointer) throws -> Void)?,
        handle: (PanelXMLDocument) throws -> Void,
        read: (UnsafeMutableRawBufferPointer) -> Int
    ) throws -> XMLParseSummary {
        LibXML.prepareThread()
        return try withoutActuallyEscaping(plan) { plan in
            try withoutActuallyEscaping(handle) { handle in
                let session = ParseSession(source: source, limits: limits, plan: plan, handle: handle)
                return try feed(session: session, onChunk: onChunk, read: read)
            }
        }
    }

    private func feed(
        session: ParseSession,
        onChunk: ((UnsafeRawBufferPointer) throws -> Void)?,
        read: (UnsafeMutableRawBufferPointer) -> Int
    ) throws -> XMLParseSummary {
        var hasher = SHA256()
        var total = 0

        // The first bytes go in at creation, so libxml2 can detect the encoding.
        var filled = 0
        while filled < 4 {
            let count = read(UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count < 0 { throw session.unreadable() }
            if count == 0 { break }
            filled += count
        }
        if filled == 0 {
            throw XMLParseError(
                source: session.source, reason: .malformed,
                diagnostic: XMLDiagnostic(severity: .fatal, line: 1, column: 1, message: "empty file: no XML document"))
        }
        let head = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
        var encoding = EncodingCheck(head: head)
        encoding.check(head)
        var opening = OpeningByte(head: head)
        hasher.update(bufferPointer: head)
        try onChunk?(head)
        total = filled

        let first = min(filled, 4)
        guard let context = head.baseAddress!.withMemoryRebound(to: CChar.self, capacity: first, {
            xmlCreatePushParserCtxt(nil, nil, $0, Int32(first), session.source)
        }) else {
            throw session.failure(.malformed, "libxml2 could not create a parser")
        }
        defer {
            if let document = context.pointee.myDoc { xmlFreeDoc(document) }
            context.pointee.myDoc = nil
            xmlFreeParserCtxt(context)
        }
        xmlCtxtUseOptions(context, Self.options)
        session.install(on: context)

        var pending = UnsafeRawBufferPointer(rebasing: buffer[first..<filled])
        var attributes = AttributeGuard(limit: limits.maxAttributes)
        _ = attributes.exceeds(UnsafeRawBufferPointer(rebasing: buffer[0..<first]))  // four bytes cannot hold a thousand attributes
        var finished = false
        while !finished {
            if attributes.exceeds(pending) {
                throw session.failure(.limitExceeded, "an element has more than \(limits.maxAttributes) attributes")
            }
            if !pending.isEmpty {
                _ = pending.withMemoryRebound(to: CChar.self) {
                    xmlParseChunk(context, $0.baseAddress, Int32($0.count), 0)
                }
            }
            if session.stopped || context.pointee.instate == XML_PARSER_EOF { break }
            let count = read(buffer)
            if count < 0 { throw session.unreadable() }
            if count == 0 {
                finished = true
                let open = Int(context.pointee.nameNr)
                let innermost = context.pointee.name.map { String(cString: $0) }
                let failedBefore = session.firstFailure != nil
                xmlParseChunk(context, nil, 0, 1)
                if !failedBefore { session.explainEnd(openElements: open, innermost: innermost, opening: opening.byte) }
                break
            }
            pending = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            encoding.check(pending)
            opening.look(at: pending)
            hasher.update(bufferPointer: pending)
            try onChunk?(pending)
            total += count
            session.checkSize(total: total, context: context)
        }

        if let error = session.callerError { throw error }
        if let failure = session.firstFailure { throw failure }
        if let contradiction = encoding.contradiction() {
            throw XMLParseError(source: session.source, reason: .malformed,
                                diagnostic: XMLDiagnostic(severity: .fatal, line: 1, column: 1, message: contradiction))
        }
        if context.pointee.wellFormed == 0 {
            throw session.failure(.malformed, "document is not well-formed")
        }
        guard let root = session.root else {
            throw session.failure(.malformed, "no root element")
        }
        if !finished {
            // libxml2 stops without a structured error in one case: a text node over its limit
            // (reported as out of memory; huge mode, which lifts it, is never enabled).
            throw session.failure(.limitExceeded, context.pointee.errNo == Int32(XML_ERR_NO_MEMORY.rawValue)
                ? "a text node longer than 10,000,000 bytes (libxml2's limit), or out of memory; the rest was not read"
                : "parsing stopped before the end of the input")
        }
        let sha256 = hasher.finalize().hexString
        if session.recordPath == nil, let document = context.pointee.myDoc {
            context.pointee.myDoc = nil
            let whole = PanelXMLDocument(owning: document, warnings: session.warnings)
            whole.sourceSHA256 = sha256
            session.deliver(whole)
            if let error = session.callerError { throw error }
        }
        return XMLParseSummary(
            root: root,
            byteCount: total,
            sha256: sha256,
            documents: session.documents,
            warnings: session.warnings,
            warningCount: session.warningCount
        )
    }
}

/// Everything one parse knows; reached from libxml2's callbacks through
/// the context's `_private` pointer.
/// The first byte of a document after a UTF-8 byte-order mark and whitespace, looked for only
/// until found: a document begins with `<`, text that is no XML with anything else. A head that
/// is not plain UTF-8 or ASCII (a UTF-16 mark, a zero byte) is not judged: `<` is assumed.
struct OpeningByte {
    private(set) var byte: UInt8?

    init(head: UnsafeRawBufferPointer) {
        if head.count >= 2, (head[0] == 0xFE && head[1] == 0xFF) || (head[0] == 0xFF && head[1] == 0xFE) || head.prefix(4).contains(0) {
            byte = UInt8(ascii: "<")
            return
        }
        let bom = head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF
        look(at: UnsafeRawBufferPointer(rebasing: head[(bom ? 3 : 0)...]))
    }

    mutating func look(at bytes: UnsafeRawBufferPointer) {
        guard byte == nil else { return }
        byte = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }
}

final class ParseSession {
    let source: String
    let limits: XMLLimits
    let plan: (XMLRootInfo) throws -> XMLReadPlan
    let handle: (PanelXMLDocument) throws -> Void

    var context: xmlParserCtxtPtr?
    var depth = 0
    var hasDoctype = false
    var root: XMLRootInfo?
    var recordPath: [String]?
    var matchedDepth = 0
    var recordStart = -1
    var documents = 0
    var warnings: [XMLDiagnostic] = []
    var warningCount = 0
    var firstFailure: XMLParseError? { didSet { stopped = firstFailure != nil || callerError != nil } }
    var callerError: (any Error)? { didSet { stopped = firstFailure != nil || callerError != nil } }
    /// A failure or the caller's error has ended the parse: kept as a flag, as every element
    /// start and end asks (reading the optional existential each time was 3% of an ingest).
    private(set) var stopped = false
    var firstFatal: XMLDiagnostic?
    private var standIns: [String: UnsafeMutablePointer<xmlEntity>] = [:]

    init(
        source: String, limits: XMLLimits,
        plan: @escaping (XMLRootInfo) throws -> XMLReadPlan,
        handle: @escaping (PanelXMLDocument) throws -> Void
    ) {
        self.source = source
        self.limits = limits
        self.plan = plan
        self.handle = handle
    }

    deinit {
        for entity in standIns.values { NamedEntities.release(entity) }
    }


    static func from(_ raw: UnsafeMutableRawPointer?) -> ParseSession? {
        guard let raw else { return nil }
        let context = raw.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let me = context.pointee._private else { return nil }
        return Unmanaged<ParseSession>.fromOpaque(me).takeUnretainedValue()
    }

    func install(on context: xmlParserCtxtPtr) {
        self.context = context
        context.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        guard let sax = context.pointee.sax else { return }
        sax.pointee.serror = { raw, error in
            guard let session = ParseSession.from(raw), let error else { return }
            session.record(LibXML.diagnostic(from: error))
        }
        sax.pointee.entityDecl = { raw, name, _, _, _, _ in
            guard let session = ParseSession.from(raw) else { return }
            let entity = LibXML.string(name) ?? "?"
            session.fail(.entityDeclaration, "entity declarations are not allowed (found '\(entity)')")
        }
        sax.pointee.internalSubset = { raw, name, externalID, systemID in
            xmlSAX2InternalSubset(raw, name, externalID, systemID)
            ParseSession.from(raw)?.hasDoctype = true
        }
        sax.pointee.getEntity = { raw, name in
            if let found = xmlSAX2GetEntity(raw, name) { return found }
            guard let session = ParseSession.from(raw), let name else { return nil }
            return session.standIn(for: name)
        }
        sax.pointee.startElementNs = { raw, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaulted, attributes in
            xmlSAX2StartElementNs(raw, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaulted, attributes)
            ParseSession.from(raw)?.didStart(localName: localName, uri: uri, attributeCount: Int(attributeCount))
        }
        sax.pointee.endElementNs = { raw, localName, prefix, uri in
            let session = ParseSession.from(raw)
            let node = session?.context?.pointee.node
            xmlSAX2EndElementNs(raw, localName, prefix, uri)
            session?.didEnd(node: node)
        }
    }

    // MARK: Diagnostics

    func record(_ diagnostic: XMLDiagnostic) {
        switch diagnostic.severity {
        case .fatal:
            var diagnostic = diagnostic
            if diagnostic.message == "Document is empty" {
                diagnostic.message = "not an XML document: no root element found"
            }
            if firstFatal == nil { firstFatal = diagnostic }
            if firstFailure == nil {
                firstFailure = XMLParseError(source: source, reason: .malformed, diagnostic: diagnostic)
            }
        case .warning, .error:
            warn(diagnostic)
        }
    }

    /// Called when the end of input raised the first fatal error. The push parser reads a construct
    /// only once it is complete, so such an error is about the file stopping short, whatever libxml2
    /// calls it ("Extra content at the end of the document", "Couldn't find end of Start Tag cont",
    /// "expected '>'", "Comment not terminated", ...): say that, with `openElements` and `innermost`
    /// (read just before the end) saying where.
    /// `opening` is the file's first byte after a UTF-8 byte-order mark and whitespace (nil: none;
    /// `<` when unknown), which tells text that is no XML from a file cut short.
    func explainEnd(openElements: Int, innermost: String?, opening: UInt8?) {
        guard var diagnostic = firstFatal else { return }
        // A start tag cut short is still reported as started (`depth`), not yet as open (`openElements`).
        if root == nil && depth == 0 && opening == nil {
            diagnostic.message = "no XML document: the file holds only whitespace (or a byte-order mark)"
        } else if root == nil && depth == 0, let opening, opening != UInt8(ascii: "<") {
            diagnostic.message = "not an XML document: no root element found"
        } else if root == nil || (openElements == 0 && depth > 0) {
            diagnostic.message = root == nil && diagnostic.message == "Extra content at the end of the document"
                ? "no root element: the file holds only whitespace, comments or the XML declaration"
                : "the file ends before its root element is complete (truncated?)"
        } else if openElements > 0 {
            diagnostic.message = "the file ends inside <\(innermost ?? "?")> with \(openElements) element\(openElements == 1 ? "" : "s") still open (truncated?)"
        } else {
            diagnostic.message = "the file ends inside markup after its root element (truncated?)"
        }
        firstFatal = diagnostic
        firstFailure = XMLParseError(source: source, reason: .malformed, diagnostic: diagnostic)
    }

    func warn(_ diagnostic: XMLDiagnostic) {
        warningCount += 1
        if warnings.count < limits.maxWarnings { warnings.append(diagnostic) }
    }

    func position() -> (line: Int, column: Int) {
        guard let context else { return (0, 0) }
        return (Int(xmlSAX2GetLineNumber(context)), Int(xmlSAX2GetColumnNumber(context)))
    }

    func failure(_ reason: XMLParseError.Reason, _ message: String) -> XMLParseError {
        if reason == .malformed, let firstFatal {
            return XMLParseError(source: source, reason: reason, diagnostic: firstFatal)
        }
        let (line, column) = position()
        return XMLParseError(
            source: source, reason: reason,
            diagnostic: XMLDiagnostic(severity: .fatal, line: line, column: column, message: message))
    }

    func unreadable() -> XMLParseError {
        let reason = String(cString: strerror(errno))
        return XMLParseError(
            source: source, reason: .unreadable,
            diagnostic: XMLDiagnostic(severity: .fatal, line: 0, column: 0, message: "read failed: \(reason)"))
    }

    func fail(_ reason: XMLParseError.Reason, _ message: String) {
        if firstFailure == nil { firstFailure = failure(reason, message) }
        if let context { xmlStopParser(context) }
    }

    // MARK: Entities

    func standIn(for name: UnsafePointer<xmlChar>) -> UnsafeMutablePointer<xmlEntity>? {
        // Only in element content: attribute values take one byte of a
        // predefined entity, so there the parser's own handling stands.
        guard let context, context.pointee.instate == XML_PARSER_CONTENT, context.pointee.inSubset == 0 else {
            return nil
        }
        let key = String(cString: name)
        if let known = NamedEntities.entity(named: key) { return known }
        if let made = standIns[key] { return made }
        let (line, column) = position()
        warn(XMLDiagnostic(
            severity: .warning, line: line, column: column,
            message: "undeclared entity '&\(key);' kept as text"))
        let made = NamedEntities.makeEntity(name: key, content: "&\(key);")
        standIns[key] = made
        return made
    }

    // MARK: Elements

    func didStart(localName: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?, attributeCount: Int) {
        guard !stopped else { return }
        depth += 1
        if depth > limits.maxDepth {
            fail(.limitExceeded, "elements nested deeper than \(limits.maxDepth)")
            return
        }
        if attributeCount > limits.maxAttributes {
            fail(.limitExceeded, "element has \(attributeCount) attributes, more than \(limits.maxAttributes)")
            return
        }
        guard let localName else { return }
        if depth == 1 {
            let info = XMLRootInfo(
                localName: String(cString: localName),
                namespaceURI: LibXML.string(uri),
                hasDoctype: hasDoctype)
            root = info
            do {
                switch try plan(info) {
                case .wholeDocument: recordPath = nil
                case .records(let path): recordPath = path.isEmpty ? nil : path
                }
            } catch {
                callerError = error
                if let context { xmlStopParser(context) }
                return
            }
        }
        guard let path = recordPath else { return }
        if matchedDepth == depth - 1, depth <= path.count, path[depth - 1] == "*" || xmlStrEqual(localName, path[depth - 1]) != 0 {
            matchedDepth = depth
            if depth == path.count, let context { recordStart = Int(xmlByteConsumed(context)) }
        }
    }

    func didEnd(node: xmlNodePtr?) {
        defer { depth -= 1 }
        guard !stopped, let path = recordPath, matchedDepth == depth else { return }
        matchedDepth -= 1
        guard depth == path.count, let node else { return }
        recordStart = -1
        emitRecord(node)
    }

    func checkSize(total: Int, context: xmlParserCtxtPtr) {
        if recordPath == nil {
            if total > limits.maxDocumentBytes {
                fail(.limitExceeded, "document larger than \(limits.maxDocumentBytes) bytes")
            }
        } else if recordStart >= 0 {
            let consumed = Int(xmlByteConsumed(context))
            if consumed - recordStart > limits.maxRecordBytes {
                fail(.limitExceeded, "record larger than \(limits.maxRecordBytes) bytes")
            }
        }
    }

    /// Copies the finished record into a document of its own, then frees
    /// everything read so far under its parent, so memory stays one record deep.
    private func emitRecord(_ node: xmlNodePtr) {
        guard let single = xmlNewDoc("1.0") else {
            fail(.malformed, "out of memory copying a record")
            return
        }
        if let copy = xmlDocCopyNode(node, single, 1) {
            xmlDocSetRootElement(single, copy)
        }
        if let parent = node.pointee.parent {
            var child = parent.pointee.children
            while let current = child {
                child = current.pointee.next
                xmlUnlinkNode(current)
                xmlFreeNode(current)
            }
        }
        deliver(PanelXMLDocument(owning: single, warnings: []))
    }

    func deliver(_ document: PanelXMLDocument) {
        documents += 1
        do {
            try handle(document)
        } catch {
            callerError = error
            if let context { xmlStopParser(context) }
        }
    }
}

extension Sequence<UInt8> {
    /// Lower-case hexadecimal.
    public var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
