/// Hard limits applied to every parse. Defaults suit reference documents:
/// generous for real articles, small enough that hostile input stays cheap.
public struct XMLLimits: Sendable, Equatable {
    /// Deepest element nesting allowed (libxml2 itself stops at 256).
    public var maxDepth: Int
    /// Largest whole document, in bytes, when a file is read as one document.
    public var maxDocumentBytes: Int
    /// Largest single record, in bytes, when a collection is streamed.
    public var maxRecordBytes: Int
    /// Most attributes on one element.
    public var maxAttributes: Int
    /// Most warnings kept per parse (the count goes on; the list stops).
    public var maxWarnings: Int

    public init(
        maxDepth: Int = 200,
        maxDocumentBytes: Int = 64 << 20,
        maxRecordBytes: Int = 8 << 20,
        maxAttributes: Int = 1_000,
        maxWarnings: Int = 50
    ) {
        self.maxDepth = maxDepth
        self.maxDocumentBytes = maxDocumentBytes
        self.maxRecordBytes = maxRecordBytes
        self.maxAttributes = maxAttributes
        self.maxWarnings = maxWarnings
    }

    public static let `default` = XMLLimits()
}
