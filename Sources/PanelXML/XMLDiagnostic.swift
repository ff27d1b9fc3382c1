/// One message from a parse: where it happened and what went wrong.
public struct XMLDiagnostic: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable {
        case warning
        case error
        case fatal
    }

    public var severity: Severity
    public var line: Int
    public var column: Int
    public var message: String

    public init(severity: Severity, line: Int, column: Int, message: String) {
        self.severity = severity
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line:column: message`, or just the message when libxml2 gave no position.
    public var description: String {
        line > 0 ? "\(line):\(max(column, 1)): \(message)" : message
    }
}

/// Why a document could not be read. Values, with the file name and position,
/// so callers can print `file:line:column: message` without touching libxml2.
public struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        /// Not well-formed, wrong encoding, empty, not XML at all.
        case malformed
        /// The internal subset declares entities: refused as defusedxml does.
        case entityDeclaration
        /// Depth, size or attribute-count limit exceeded.
        case limitExceeded
        /// The caller's plan or record handler refused the document.
        case rejectedByCaller
        /// The file could not be read.
        case unreadable
    }

    public var source: String
    public var reason: Reason
    public var diagnostic: XMLDiagnostic

    public init(source: String, reason: Reason, diagnostic: XMLDiagnostic) {
        self.source = source
        self.reason = reason
        self.diagnostic = diagnostic
    }

    /// `file:line:column: message`, or `file: message` when there is no position.
    public var description: String { diagnostic.line > 0 ? "\(source):\(diagnostic)" : "\(source): \(diagnostic)" }
}

/// The document parsed but has no Canonical XML 1.0 form (C14N 1.0 refuses
/// relative namespace URIs, for instance). `line` is 0 when unknown.
public struct CanonicalisationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(line): cannot canonicalise: \(message)" : "cannot canonicalise: \(message)"
    }
}
