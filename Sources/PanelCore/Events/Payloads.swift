/// The workspace came into being.
public struct WorkspaceInitialized: EventPayload {
    public static let type = "workspace.initialized"
    public var name: String
    public init(name: String) { self.name = name }
}

/// References from one source file were added. The source's original bytes
/// are kept under `object`, so the projection can always be rebuilt.
public struct ReferencesIngested: EventPayload {
    public static let type = "references.ingested"
    public var source: String
    public var object: String
    public var adapter: String
    public var added: Int
    public var duplicates: Int
    /// Ids of the added references (the first 1,000 of a large collection; `added` counts them all).
    public var references: [String]

    public init(source: String, object: String, adapter: String, added: Int, duplicates: Int, references: [String]) {
        self.source = source
        self.object = object
        self.adapter = adapter
        self.added = added
        self.duplicates = duplicates
        self.references = references
    }
}
