/// What the core needs from a store. The embedded SQLite store implements it;
/// nothing above this protocol knows which database is underneath.
public protocol PanelStore: AnyObject {
    /// Appends events (sealing them into the hash chain) in one transaction,
    /// with the objects they refer to (hash to bytes) and their query tables.
    @discardableResult
    func append(_ events: [NewEvent], objects: [String: [UInt8]]) throws -> [EventRecord]
    /// Events after `sequence`, oldest first.
    func events(after sequence: Int64, limit: Int?) throws -> [EventRecord]
    /// Every event in stored order (by rowid, not by sequence), for verification.
    func forEachStoredEvent(_ body: (EventRecord) throws -> Void) throws
    /// The last sequence and hash the store recorded when it appended.
    func recordedHead() throws -> (sequence: Int64, hash: String)?

    /// Runs `body` in one write transaction; each `WriteBatch.file` inside it
    /// is a savepoint, so one bad file rolls back alone while the batch shares
    /// one commit (and one full-text index flush).
    func writeBatch<T>(_ body: (any WriteBatch) throws -> T) throws -> T
    /// By id, DOI, PMID, FRBR URI or other identifier.
    func reference(matching key: String) throws -> Reference?
    func references(limit: Int, offset: Int) throws -> [Reference]
    func referenceCount() throws -> Int
    func search(_ query: ReferenceQuery) throws -> [ReferenceHit]
    /// The roster, in the order members joined (the projection of member events).
    func members() throws -> [Member]
    /// Assessments in the order they were opened (the projection of their events).
    func assessments() throws -> [Assessment]
    func assessment(_ id: String) throws -> Assessment?
    /// An assessment's comments with their responses, in the order received.
    func comments(of assessment: String) throws -> [CommentRecord]
    /// Recorded reviews of an assessment, in the order received (comments included).
    func reviews(of assessment: String) throws -> [Review]
    /// Whether a review or response file with these bytes was already recorded.
    func isReceived(file hash: String) throws -> Bool
    /// Matches of these per-document rules that have no flag yet, in the order
    /// recorded, after position `after`, at most `limit`, with their positions.
    func unflaggedMatches(rules: [String], after: Int64, limit: Int) throws -> [(position: Int64, match: RuleMatch)]
    /// Distinct references per group that matched a rule within [from, to]
    /// (`all` when not grouped), counted by the store without loading matches.
    func windowCounts(rule: String, from: String, to: String, groupBy: Aggregation.GroupBy?) throws -> [String: Int]
    func flags() throws -> [String: Flag]
    func silences() throws -> [Silence]
    /// Issued digests, newest first.
    func digests(limit: Int) throws -> [DigestIssued]
    /// The bytes of an object kept in the store, or nil (then look in the object folder).
    func object(_ hash: String) throws -> [UInt8]?
}

extension PanelStore {
    @discardableResult
    public func append(_ events: [NewEvent]) throws -> [EventRecord] {
        try append(events, objects: [:])
    }

    /// Walks the whole log and proves the chain, or names the first bad event.
    public func verifyChain() throws -> ChainVerifier {
        var verifier = ChainVerifier()
        try forEachStoredEvent { verifier.check($0) }
        verifier.finish(recordedHead: try recordedHead())
        return verifier
    }
}

/// One write transaction holding several files.
public protocol WriteBatch {
    /// Runs `body` in a savepoint: everything it writes lands with the batch, or nothing does.
    func file<T>(_ body: (any WriteSession) throws -> T) throws -> T
}

extension PanelStore {
    /// One file in a transaction of its own.
    public func ingest<T>(_ body: (any WriteSession) throws -> T) throws -> T {
        try writeBatch { batch in try batch.file(body) }
    }
}

/// The writes (and reads) of one savepoint inside a write transaction.
public protocol WriteSession {
    func reference(withCanonicalHash hash: String) throws -> String?
    func reference(withIdentifier identifier: ReferenceIdentifier) throws -> String?
    /// Inserts a reference; its `object` may still be empty (see `assignObject`).
    func insert(_ reference: Reference) throws
    /// Keeps a small object's bytes in the store (no-op when already there).
    func putObject(_ hash: String, bytes: [UInt8]) throws
    /// Sets the source object on every reference this transaction inserted
    /// without one: a streamed file's hash is known only at its end.
    func assignObject(_ hash: String) throws
    @discardableResult
    func append(_ event: NewEvent) throws -> EventRecord
    /// Records that a new reference matched a reference rule.
    func recordMatch(_ match: RuleMatch) throws
    // Reads inside the same transaction.
    /// Flags with these ids, and the unresolved flags of these rules.
    func flags(ids: Set<String>, openRules: Set<String>) throws -> [String: Flag]
    /// Flags whose current version no digest has issued (or, with `since`, that changed since then).
    func pendingFlags(since: String?) throws -> [String: Flag]
    func silences() throws -> [Silence]
    /// Which of these notification keys a digest already issued.
    func issued(_ keys: [String]) throws -> Set<String>
    func isReceived(file hash: String) throws -> Bool
    func assessment(_ id: String) throws -> Assessment?
    func members() throws -> [Member]
    func comments(of assessment: String) throws -> [CommentRecord]
}

/// A full-text search with optional filters.
public struct ReferenceQuery: Sendable, Equatable {
    public var text: String
    public var format: ReferenceFormat?
    /// Inclusive bounds on the publication date, `YYYY[-MM[-DD]]`.
    public var from: String?
    public var to: String?
    public var keyword: String?
    public var country: String?
    public var limit: Int

    public init(text: String, format: ReferenceFormat? = nil, from: String? = nil, to: String? = nil,
                keyword: String? = nil, country: String? = nil, limit: Int = 20) {
        self.text = text
        self.format = format
        self.from = from
        self.to = to
        self.keyword = keyword
        self.country = country
        self.limit = limit
    }
}

public struct ReferenceHit: Sendable, Equatable, Codable {
    public var reference: Reference
    /// BM25 rank as SQLite reports it: lower is better.
    public var rank: Double
    public var snippet: String

    public init(reference: Reference, rank: Double, snippet: String) {
        self.reference = reference
        self.rank = rank
        self.snippet = snippet
    }
}
