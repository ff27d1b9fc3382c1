import Foundation

/// A typed store failure that names what it was reading or writing.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A row of a query table cannot be read back.
    case undecodable(table: String, key: String, detail: String)
    /// An insert found the key already taken (two writers raced, or the log disagrees with the tables).
    case duplicate(table: String, key: String)
    /// An event cannot be encoded or read.
    case event(EventCodingError)
    /// The database itself failed: locked, damaged, unwritable.
    case database(path: String, detail: String)
    /// The database refused what one write held (a value over its limits, a constraint it
    /// breaks): that data's fault, not the store's; nothing of that write was recorded.
    case dataRefused(path: String, detail: String)
    /// An event dated before the last one in the log: nothing may be backdated.
    case backdated(time: String, last: String, sequence: Int64)
    /// A row an earlier version wrote that this version's layout cannot be made from.
    case unmigratable(table: String, key: String, detail: String)

    public var description: String {
        switch self {
        case .undecodable(let table, let key, let detail):
            "the store's \(table) row '\(key)' cannot be read (\(detail)); run 'panel audit verify'"
        case .duplicate(let table, let key):
            "the store already has \(table) '\(key)'; nothing was recorded"
        case .event(let error):
            error.description
        case .database(let path, let detail):
            "\(path): \(detail)"
        case .dataRefused(let path, let detail):
            "\(path) refused it: \(detail); nothing of it was recorded"
        case .unmigratable(let table, let key, let detail):
            "the store's \(table) row '\(key)' cannot be moved to this version's layout: \(detail); the store was left in its earlier layout, which this version does not read: restore it from a backup or repair that row"
        case .backdated(let time, let last, let sequence):
            "cannot record anything at \(time): the log's last event (\(sequence)) is at \(last), and no record may be backdated; nothing was recorded"
        }
    }
}

/// The last event the store sealed.
public struct ChainHead: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var hash: String

    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }
}

/// Reads of the state the log has made (the query tables), inside one
/// transaction. What a decision reads, it reads through this.
public protocol StoreReader {
    /// The roster (members and external reviewers), in the order they joined.
    func members() throws -> [Member]
    /// Assessments in the order they were opened, review state included.
    func assessments() throws -> [Assessment]
    /// The same, each with its summary statements only where `needed` (asked of it without them)
    /// says so; the others are outlines (`statementsOmitted`).
    func assessments(withStatements needed: (Assessment) -> Bool) throws -> [Assessment]
    func assessment(_ id: String) throws -> Assessment?
    /// An assessment's comments with their responses, in the order received.
    func comments(of assessment: String) throws -> [CommentRecord]
    /// Recorded reviews of an assessment, in the order received (comments included).
    func reviews(of assessment: String) throws -> [Review]
    /// A reference by id, DOI, PMID, FRBR URI or other identifier (a draft's citations resolve through it).
    func reference(matching key: String) throws -> Reference?
    /// Whether a review or response file with these bytes was already recorded.
    func isReceived(file hash: String) throws -> Bool
    /// Every recorded review and response file, by SHA-256.
    func receivedFiles() throws -> Set<String>
    func flags() throws -> [String: Flag]
    /// Flags with these ids, and the unresolved flags of these rules.
    func flags(ids: Set<String>, openRules: Set<String>) throws -> [String: Flag]
    /// Flags whose current version no digest has issued (or, with `since`, that changed since then).
    func pendingFlags(since: Date?) throws -> [String: Flag]
    /// Silences in id order.
    func silences() throws -> [Silence]
    /// Which of these notification keys a digest already issued.
    func issued(_ keys: [String]) throws -> Set<String>
    /// Every issued notification key with the digest that issued it.
    func notifications() throws -> [String: String]
    /// Issued digests, newest first.
    func digests(limit: Int) throws -> [DigestIssued]
    /// The last event sealed, or nil for an empty log.
    func head() throws -> ChainHead?
}

extension StoreReader {
    /// Which of these citations name a reference in the store (by id, DOI, PMID, ...).
    public func resolve(_ citations: [DraftCitation]) throws -> CitationResolution {
        var found: [String: String] = [:]
        for key in Set(citations.map(\.key)) {
            if let reference = try reference(matching: key) { found[key] = reference.id }
        }
        return CitationResolution(found)
    }

    /// The resolution of an assessment's latest draft's citations.
    public func citations(of assessment: Assessment) throws -> CitationResolution {
        try resolve(assessment.latestDraft?.citations ?? [])
    }
}

/// A write transaction: it reads what it decides on, and appends, in one
/// transaction that no other writer can interleave with.
public protocol StoreWriter: StoreReader {
    /// Seals the event onto the chain and updates the query tables.
    @discardableResult
    func append(_ event: NewEvent) throws -> EventRecord
    /// Keeps a small object's bytes in the store (no-op when already there).
    func putObject(_ hash: String, bytes: [UInt8]) throws
    /// Keeps a large object in the store, streamed from a file (no-op when already there);
    /// asked only of stores whose `keepsLargeObjects` is true.
    func putObject(_ hash: String, contentsOf file: URL) throws
    // Reference ingestion.
    func reference(withCanonicalHash hash: String) throws -> String?
    func reference(withIdentifier identifier: ReferenceIdentifier) throws -> String?
    /// Inserts a reference; its `object` may still be empty (see `assignObject`).
    func insert(_ reference: Reference) throws
    /// Sets the source object on every reference this transaction inserted
    /// without one: a streamed file's hash is known only at its end.
    func assignObject(_ hash: String) throws
    /// Records that a new reference matched a reference rule.
    func recordMatch(_ match: RuleMatch) throws
    /// Writes an event already sealed elsewhere, verbatim, and updates the query tables
    /// (copying a log between stores); it must continue the chain exactly.
    func restore(_ record: EventRecord) throws
}

/// What a command opens its store for. A store opened `.readOnly` refuses every write; a store
/// may also open faster so (the SQLite store opens one connection instead of a pool).
public enum StoreAccess: Sendable {
    case readWrite
    case readOnly
}

/// What the core needs from a store: readers and writers in the manner of
/// GRDB's `DatabaseReader` and `DatabaseWriter`. The embedded SQLite store
/// implements it; nothing above this protocol knows which database is underneath.
public protocol PanelStore: AnyObject {
    /// Whether large originals (collections) go into the store rather than the workspace's object folder.
    var keepsLargeObjects: Bool { get }
    /// Runs `body` in one read transaction (a consistent snapshot).
    func read<T>(_ body: (any StoreReader) throws -> T) throws -> T
    /// Runs `body` in one write transaction: no other writer, in this process
    /// or another, runs between its reads and its appends. Throwing rolls back.
    func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T
    /// Runs `body` in one write transaction; each `WriteBatch.file` inside it
    /// is a savepoint, so one bad file rolls back alone while the batch shares
    /// one commit (and one full-text index flush).
    func writeBatch<T>(_ body: (any WriteBatch) throws -> T) throws -> T

    /// Events after `sequence`, oldest first.
    func events(after sequence: Int64, limit: Int?) throws -> [EventRecord]
    /// The events about one subject (an assessment, a member, a flag), optionally of one type, oldest first.
    func events(about subject: String, type: String?) throws -> [EventRecord]
    /// Every event in stored order (not by sequence), for verification.
    func forEachStoredEvent(_ body: (EventRecord) throws -> Void) throws
    /// The last sequence and hash the store recorded when it appended.
    func recordedHead() throws -> ChainHead?

    /// By id, DOI, PMID, FRBR URI or other identifier.
    func reference(matching key: String) throws -> Reference?
    func references(limit: Int, offset: Int) throws -> [Reference]
    func referenceCount() throws -> Int
    func search(_ query: ReferenceQuery) throws -> [ReferenceHit]
    /// Matches of these per-document rules that have no flag yet, in the order
    /// recorded, after position `after`, at most `limit`, with their positions.
    func unflaggedMatches(rules: [String], after: Int64, limit: Int) throws -> [(position: Int64, match: RuleMatch)]
    /// Distinct references per group that matched a rule within [from, to]
    /// (`all` when not grouped), counted by the store without loading matches.
    func windowCounts(rule: String, from: Date, to: Date, groupBy: Aggregation.GroupBy?) throws -> [String: Int]
    /// The bytes of an object kept in the store, or nil (then look in the object folder).
    func object(_ hash: String) throws -> [UInt8]?

    // Everything that is not derived from the log, for copying a panel between stores.
    /// Every reference, full text included, in the order ingested.
    func forEachReference(_ body: (Reference) throws -> Void) throws
    /// Every rule match, in the order recorded.
    func forEachRuleMatch(_ body: (RuleMatch) throws -> Void) throws
    /// The hash of every object the store itself keeps.
    func objectHashes() throws -> [String]
}

extension PanelStore {
    /// Appends events in one transaction, with the objects they refer to.
    @discardableResult
    public func append(_ events: [NewEvent], objects: [String: [UInt8]] = [:]) throws -> [EventRecord] {
        try write { writer in
            for (hash, bytes) in objects { try writer.putObject(hash, bytes: bytes) }
            return try events.map { try writer.append($0) }
        }
    }

    /// Decides inside one write transaction: `decide` reads the state it
    /// needs through the writer, and its events are appended before the
    /// transaction ends. A refusal appends nothing.
    public func decide(objects: [String: [UInt8]] = [:],
                       _ decide: (any StoreReader) throws -> Result<[NewEvent], Refusal>) throws -> Result<[EventRecord], Refusal> {
        try write { writer in
            switch try decide(writer) {
            case .failure(let refusal):
                return .failure(refusal)
            case .success(let events):
                for (hash, bytes) in objects { try writer.putObject(hash, bytes: bytes) }
                return .success(try events.map { try writer.append($0) })
            }
        }
    }

    // Single reads, each in a transaction of its own.
    public func members() throws -> [Member] { try read { try $0.members() } }
    public func assessments() throws -> [Assessment] { try read { try $0.assessments() } }
    public func assessments(withStatements needed: (Assessment) -> Bool) throws -> [Assessment] {
        try read { try $0.assessments(withStatements: needed) }
    }
    public func assessment(_ id: String) throws -> Assessment? { try read { try $0.assessment(id) } }
    public func comments(of assessment: String) throws -> [CommentRecord] { try read { try $0.comments(of: assessment) } }
    public func reviews(of assessment: String) throws -> [Review] { try read { try $0.reviews(of: assessment) } }
    public func isReceived(file hash: String) throws -> Bool { try read { try $0.isReceived(file: hash) } }
    public func flags() throws -> [String: Flag] { try read { try $0.flags() } }
    public func silences() throws -> [Silence] { try read { try $0.silences() } }
    public func digests(limit: Int) throws -> [DigestIssued] { try read { try $0.digests(limit: limit) } }

    /// Walks the whole log and proves the chain, or names the first bad event.
    public func verifyChain() throws -> ChainVerifier {
        var verifier = ChainVerifier()
        try forEachStoredEvent { verifier.check($0) }
        verifier.finish(recordedHead: try recordedHead())
        return verifier
    }

    /// Rebuilds the state from the log (the one fold) and compares it with
    /// what the query tables answer, naming each table and key that differs.
    public func verifyState() throws -> [StateDifference] {
        var state = PanelState()
        do {
            try forEachStoredEvent { try state.apply($0) }
        } catch let error as EventCodingError {
            return [StateDifference(table: "event", key: "", detail: error.description)]
        }
        return try read { reader in try StateComparison.differences(fold: state, store: reader) }
    }
}

/// One write transaction holding several files.
public protocol WriteBatch {
    /// Runs `body` in a savepoint: everything it writes lands with the batch, or nothing does.
    func file<T>(_ body: (any StoreWriter) throws -> T) throws -> T
}

extension PanelStore {
    /// One file in a transaction of its own.
    public func ingest<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        try writeBatch { batch in try batch.file(body) }
    }
}

/// A full-text search with optional filters.
public struct ReferenceQuery: Sendable, Equatable {
    public var expression: SearchExpression
    public var format: ReferenceFormat?
    /// Inclusive bounds on the publication date, `YYYY[-MM[-DD]]`.
    public var from: String?
    public var to: String?
    public var keyword: String?
    public var country: String?
    public var limit: Int

    public init(_ expression: SearchExpression, format: ReferenceFormat? = nil, from: String? = nil, to: String? = nil,
                keyword: String? = nil, country: String? = nil, limit: Int = 20) {
        self.expression = expression
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

/// How far behind the log's last event a new event's time may be and still be recorded (at the
/// last event's time): two commands that read the clock a moment apart and then queue for the
/// writer's lock, on one machine or two. Anything older is a backdated record and refused.
public let backdatingTolerance: TimeInterval = 5

extension PanelStore {
    /// Refuses, before anything is done, a run whose clock is behind the log's last event (as an
    /// append would refuse each of its records): a drop folder's run would otherwise set files
    /// aside while it can record nothing.
    public func refuseIfBehind(_ now: Date) throws {
        guard let head = try recordedHead(), head.sequence > 0,
              let last = try events(after: head.sequence - 1, limit: 1).first,
              let lastDate = Timestamp.parse(last.time),
              lastDate.timeIntervalSince(now) > backdatingTolerance else { return }
        throw StoreError.backdated(time: Timestamp.format(now), last: last.time, sequence: head.sequence)
    }
}
