import Crypto
import Foundation
import PanelXML

/// A reference that was already there.
public struct DuplicateNote: Sendable, Equatable, Codable {
    public var source: String
    public var existing: String
    public var reason: String
}

/// A file that was not ingested, and why: `file:line:column: message`.
public struct Rejection: Sendable, Equatable, Codable, CustomStringConvertible {
    public var source: String
    public var message: String
    /// False for a file turned away unread (not there, a link, not a regular file).
    public var read = true
    public var description: String { message }
}

/// A file not read in this run, and why (`path: reason`).
public struct SkippedFile: Sendable, Equatable, Codable {
    public var source: String
    public var reason: String

    public init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }
}

/// What one ingest run did.
public struct IngestReport: Sendable, Equatable, Codable {
    /// How many ids and duplicate notes a report lists; the counts go on.
    public static let listLimit = 1_000

    public var files = 0
    public var bytes = 0
    /// References added.
    public var added = 0
    /// Their ids (the first `listLimit`).
    public var references: [String] = []
    /// References skipped as already present.
    public var duplicates = 0
    /// Which ones they duplicate (the first `listLimit`).
    public var duplicateNotes: [DuplicateNote] = []
    public var rejected: [Rejection] = []
    /// Files passed over: in a folder walk, what is not XML by its name, hidden, or not a regular
    /// file; in a drop folder, what is left for a later run.
    public var skipped = 0
    /// Which ones, with why (the first `listLimit`).
    public var skippedFiles: [SkippedFile] = []
    public var warnings: [String] = []
    /// Rule matches recorded for new references.
    public var ruleMatches = 0
    public var seconds = 0.0
    /// Set when the store refused or failed part-way: the run stopped there.
    public var stopped: IngestStop?

    public init() {}

    mutating func skip(_ files: [SkippedFile]) {
        skipped += files.count
        skippedFiles += files.prefix(Self.listLimit - skippedFiles.count)
    }
}

/// Why a run stopped before its last file: a fault of the store (a clock behind the log, a
/// locked, full or damaged database), not of a file. The batch it met recorded nothing.
public struct IngestStop: Sendable, Equatable, Codable {
    /// What the store said.
    public var message: String
    /// The store refused (a record would be backdated) rather than failed.
    public var refused: Bool
    /// The files not recorded because of it, in the order they would have been read: left as
    /// they are (a drop folder does not move them), for a run once the fault is fixed.
    public var unrecorded: [String]

    init(message: String, refused: Bool, unrecorded: [String]) {
        self.message = message
        self.refused = refused
        self.unrecorded = unrecorded
    }

    /// The stop a run fault makes (see `isRunFault`), with the files it leaves unrecorded.
    init(_ fault: any Error, unrecorded: [String]) {
        self.init(message: Self.runFaultMessage(fault), refused: Self.isRefusal(fault), unrecorded: unrecorded)
    }

    /// A failure of the run rather than of the file being read: the store refused or failed (a
    /// clock behind the log, a locked, full or damaged database) or an object could not be written.
    /// What the database refused of the file's own data (a value over a limit, a constraint) is
    /// the file's: it would be refused again on every run, and must not stop them all.
    static func isRunFault(_ error: any Error) -> Bool {
        switch error {
        case StoreError.dataRefused, StoreError.duplicate: return false
        case is StoreError: return true
        case let error as CocoaError:
            return [.fileWriteUnknown, .fileWriteNoPermission, .fileWriteOutOfSpace, .fileWriteVolumeReadOnly].contains(error.code)
        default: return false
        }
    }

    /// What a run fault says: the store's own words, or the file that could not be written and why.
    static func runFaultMessage(_ error: any Error) -> String {
        if let error = error as? CocoaError {
            let path = error.filePath ?? "the object store"
            let reason = (error.userInfo[NSLocalizedDescriptionKey] as? String) ?? (error as NSError).localizedFailureReason ?? "cannot be written"
            return "\(path): \(reason)"
        }
        return String(describing: error)
    }

    /// The store refused (a record would be backdated) rather than failed.
    static func isRefusal(_ error: any Error) -> Bool {
        if case StoreError.backdated = error { return true }
        return false
    }
}

public struct IngestProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var bytesDone: Int
    public var bytesTotal: Int
    public var elapsed: Double
}

/// Why a file could not be read as references (besides XML errors).
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownFormat(source: String, root: String, namespace: String?, known: [String])
    case wrongFormat(source: String, adapter: String, root: String, namespace: String?)
    case noReferences(source: String, adapter: String)
    /// A record with neither a title nor an identifier: not a reference, and never stored as an empty one.
    case emptyReference(source: String, adapter: String, record: Int)
    case unknownAdapter(String, known: [String])
    case missing(String)

    public var description: String {
        switch self {
        case .unknownFormat(let source, let root, let namespace, let known):
            let name = namespace.map { "{\($0)}\(root)" } ?? root
            return "\(source):1:1: no adapter reads a <\(name)> document (known: \(known.joined(separator: ", ")); add a generic mapping in panel.yaml)"
        case .wrongFormat(let source, let adapter, let root, let namespace):
            let name = namespace.map { "{\($0)}\(root)" } ?? root
            return "\(source):1:1: --format \(adapter) does not read a <\(name)> document"
        case .noReferences(let source, let adapter):
            return "\(source): no references found (read as \(adapter))"
        case .emptyReference(let source, let adapter, let record):
            if adapter == "jats" {
                return "\(source):1:1: <article> with neither a title nor an identifier in front/article-meta (article-title, article-id): nothing to cite it by; if it is publisher-native XML (Nature, IOP, RSC), it needs a generic mapping in panel.yaml"
            }
            return "\(source): record \(record + 1) has neither a title nor an identifier (read as \(adapter)); nothing from this file was stored"
        case .unknownAdapter(let name, let known):
            let hint = ["json", "text"].contains(name.lowercased()) ? "; --format names the XML format, --json prints the report as JSON" : ""
            return "unknown reference format '\(name)' (known: \(known.joined(separator: ", ")), generic:NAME\(hint))"
        case .missing(let path):
            return "\(path): no such file or directory"
        }
    }
}

/// Reads XML files into references: detects the format from the root
/// element, streams collections record by record, de-duplicates by
/// identifier and canonical hash, keeps the original bytes, and commits each
/// file in one transaction with its event. One bad file never stops a run.
public final class ReferenceIngester {
    /// Extensions taken when a folder is walked; files named explicitly are always read.
    public static let folderExtensions: Set<String> = ["xml", "nxml", "jats", "akn", "atom", "rss", "rdf"]

    private let store: any PanelStore
    private let objects: ObjectStore
    private let registry: ReferenceAdapterRegistry
    private let clock: any PanelClock
    private let actor: String
    private let parser: PanelXMLParser
    private let forced: (any ReferenceAdapter)?
    private let rules: ReferenceRuleSet?

    public init(store: any PanelStore, objects: ObjectStore, registry: ReferenceAdapterRegistry,
                clock: any PanelClock, actor: String, limits: XMLLimits = .default, format: String? = nil,
                rules: ReferenceRuleSet? = nil) throws {
        self.rules = rules
        self.store = store
        var objects = objects
        if store.keepsLargeObjects {
            // A database shared by machines keeps every original (no shared folder).
            objects.largeObjectsInStore = true
        } else {
            // Beside an embedded store, every original is a file written once (renamed into place):
            // copying it into the database's pages and log, then its file, cost a quarter of an ingest.
            objects.inlineLimit = 0
        }
        self.objects = objects
        self.registry = registry
        self.clock = clock
        self.actor = actor
        self.parser = PanelXMLParser(limits: limits)
        if let format {
            guard let adapter = registry.adapter(named: format) else {
                throw IngestError.unknownAdapter(format, known: registry.names)
            }
            forced = adapter
        } else {
            forced = nil
        }
    }

    /// Files under the given paths: folders walked recursively in name order. A path given that
    /// is missing or not a readable kind of file is a rejection; what a folder walk passes over
    /// (hidden names, other extensions, links that lead nowhere, pipes and devices) is listed as
    /// skipped with the reason, never dropped unsaid. Panel's own files in a drop folder (its lock,
    /// and the reason beside each file set aside in `rejected/`) are passed over unlisted, and a
    /// drop folder's `processed/` and `rejected/` (beside its lock) are listed, not walked.
    public static func expand(_ paths: [String]) -> (files: [(path: String, size: Int)], missing: [Rejection], skipped: [SkippedFile]) {
        var files: [(String, Int)] = []
        var missing: [Rejection] = []
        var skipped: [SkippedFile] = []
        // Every path absolute, as it is recorded: what was read, missed and passed over reads alike.
        for path in paths.map(absolute) {
            switch FileKind.of(path)?.followed(at: path) {
            case nil:
                missing.append(Rejection(source: path, message: IngestError.missing(path).description, read: false))
            case .link(let destination, _)?:
                missing.append(Rejection(source: path, message: "\(path): a symbolic link to \(destination), which does not exist", read: false))
            case .special(let what)?:
                missing.append(Rejection(source: path, message: "\(path): \(what), not a regular file; not read", read: false))
            case .regular(let size, _)?:
                files.append((path, size))
            case .directory?:
                let (found, passed) = walk(path)
                files += found.map { ($0.path, $0.size) }
                skipped += passed
            }
        }
        return (files, missing, skipped)
    }

    /// The files under a folder that ingest reads, and those it passes over with the reason.
    private static func walk(_ root: String) -> (files: [(path: String, size: Int)], skipped: [SkippedFile]) {
        var files: [(path: String, size: Int)] = []
        var skipped: [SkippedFile] = []
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        } catch {
            return ([], [SkippedFile(source: root, reason: "\(root)/: the folder cannot be read")])
        }
        let extensions = folderExtensions.sorted().map { "." + $0 }.joined(separator: " ")
        let present = Set(names)
        // A drop folder (a run has taken its lock) keeps the files its runs took in processed/ and
        // rejected/: not read again by a walk (a link set aside there is not followed either).
        let dropFolder = present.contains(DropFolder.lockName)
        for name in names {
            let full = (root as NSString).appendingPathComponent(name)
            if name == DropFolder.lockName { continue }
            if dropFolder, DropFolder.ownFolders.contains(name) {
                skipped.append(SkippedFile(source: full, reason: "\(full)/: a drop folder's own folder (its files were taken by a run already); name it to read it"))
                continue
            }
            if name.hasSuffix(DropFolder.reasonSuffix), present.contains(String(name.dropLast(DropFolder.reasonSuffix.count))) { continue }
            if name.hasPrefix(".") {
                skipped.append(SkippedFile(source: full, reason: "\(full): hidden (the name starts with a dot)"))
                continue
            }
            let kind = FileKind.of(full)
            if case .link(_, .directory?) = kind {
                skipped.append(SkippedFile(source: full, reason: "\(full): a symbolic link to a folder, not followed"))
                continue
            }
            switch kind?.followed(at: full) {
            case nil: continue  // gone since the listing
            case .link(let destination, _)?:
                skipped.append(SkippedFile(source: full, reason: "\(full): a symbolic link to \(destination), which does not exist"))
            case .directory?:
                let nested = walk(full)
                files += nested.files
                skipped += nested.skipped
            case .special(let what)?:
                skipped.append(SkippedFile(source: full, reason: "\(full): \(what), not a regular file; not read"))
            case .regular(let size, _)?:
                if folderExtensions.contains((name as NSString).pathExtension.lowercased()) {
                    files.append((full, size))
                } else {
                    skipped.append(SkippedFile(source: full, reason: "\(full): not an XML file name (\(extensions)); name it on the command line to read it"))
                }
            }
        }
        return (files, skipped)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    /// Threads that prepare small files for the writer (1: the writer does everything, streaming).
    public var jobs = 1

    /// Files share a transaction until a batch holds this many files or bytes.
    public var batchFiles = 256
    public var batchBytes = 32 << 20

    /// Ingests the files under `paths`. A file in `recordAs` is recorded (its references' source and
    /// its event) under the path given there, where it will be kept: a drop folder's `processed/` copy.
    public func ingest(paths: [String], recordAs: [String: String] = [:], progress: ((IngestProgress) -> Void)? = nil) -> IngestReport {
        let started = Date()
        let recordAs = Dictionary(recordAs.map { (Self.absolute($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        let (files, missing, skipped) = Self.expand(paths)
        var report = IngestReport()
        report.rejected = missing
        report.skip(skipped)
        let bytesTotal = files.reduce(0) { $0 + $1.size }
        var bytesBefore = 0
        var next = 0
        // With --jobs N, N threads parse, extract, hash and match small files ahead of this one,
        // which records them in the same order (and with the same checks) as a single thread would.
        let pipeline = jobs > 1 ? IngestPipeline(ingester: self, files: files, jobs: jobs, window: max(batchFiles, 2 * jobs)) : nil
        defer { pipeline?.stop() }
        while next < files.count {
            var end = next
            var batchSize = 0
            while end < files.count, end - next < batchFiles, batchSize < batchBytes || end == next {
                batchSize += files[end].size
                end += 1
            }
            let batch = files[next..<end]
            var outcomes: [(path: String, result: Result<FileResult, any Error>)] = []
            do {
                try store.writeBatch { transaction in
                    for file in batch {
                        let base = bytesBefore
                        let done = next + outcomes.count
                        let source = recordAs[file.path] ?? file.path
                        let outcome: Result<FileResult, any Error>
                        switch pipeline?.take(done) {
                        case .some(.success(let prepared)):
                            outcome = Result { try transaction.file { session in try record(prepared, path: file.path, source: source, session: session) } }
                        case .some(.failure(let error)):
                            outcome = .failure(error)
                        case nil:
                            outcome = ingest(file: file.path, source: source, in: transaction) { fileBytes in
                                progress?(IngestProgress(
                                    filesDone: done, filesTotal: files.count, bytesDone: base + fileBytes,
                                    bytesTotal: bytesTotal, elapsed: Date().timeIntervalSince(started)))
                            }
                        }
                        // The store refusing or failing is no fault of the file: the batch is undone and
                        // the run stops, rather than blame this file and go on to fail the same way.
                        if case .failure(let error) = outcome, IngestStop.isRunFault(error) { throw error }
                        outcomes.append((file.path, outcome))
                        bytesBefore += file.size
                        progress?(IngestProgress(
                            filesDone: done + 1, filesTotal: files.count, bytesDone: bytesBefore,
                            bytesTotal: bytesTotal, elapsed: Date().timeIntervalSince(started)))
                    }
                }
            } catch {
                // The batch did not commit: none of its files was recorded, and no file is to blame (a
                // file's own faults are its outcome). The run stops here; every file from this batch on
                // is left unrecorded, not rejected, for a run once the store is fixed.
                report.stopped = IngestStop(error, unrecorded: files[next...].map(\.path))
                break
            }
            for (path, outcome) in outcomes {
                report.files += 1
                switch outcome {
                case .success(let result):
                    report.bytes += result.bytes
                    report.added += result.added
                    report.references += result.references.prefix(IngestReport.listLimit - report.references.count)
                    report.duplicates += result.duplicates
                    report.duplicateNotes += result.duplicateNotes.prefix(IngestReport.listLimit - report.duplicateNotes.count)
                    report.warnings += result.warnings
                    report.ruleMatches += result.matches
                case .failure(let error):
                    report.rejected.append(Rejection(source: path, message: Self.message(for: error, source: path)))
                }
            }
            next = end
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// One file's outcome. Memory stays flat however large the file: counts,
    /// plus the first few ids and notes; de-duplication within the file goes
    /// through the store, which already holds the file's earlier records.
    private struct FileResult {
        var added = 0
        var references: [String] = []
        var duplicates = 0
        var duplicateNotes: [DuplicateNote] = []

        var matches = 0

        mutating func add(_ id: String) {
            added += 1
            if references.count < IngestReport.listLimit { references.append(id) }
        }

        mutating func skip(_ note: DuplicateNote) {
            duplicates += 1
            if duplicateNotes.count < IngestReport.listLimit { duplicateNotes.append(note) }
        }

        var bytes = 0
        /// A reference was inserted before the file's content address was known (a streamed record).
        var objectPending = false
        /// The records' warnings (the first `warningLimit`; `warningCount` counts them all), then,
        /// once the file is finished, the parser's before them.
        var warnings: [String] = []
        var warningCount = 0
        static let warningLimit = 100

        mutating func warn(_ warning: String) {
            warningCount += 1
            if warnings.count < Self.warningLimit { warnings.append(warning) }
        }
    }

    private func ingest(file path: String, source: String, in batch: any WriteBatch,
                        progress: @escaping (Int) -> Void) -> Result<FileResult, any Error> {
        let writer = objects.beginWrite()
        do {
            return .success(try batch.file { session in try read(path, source: source, session: session, writer: writer, progress: progress) })
        } catch {
            writer.abandon()
            return .failure(error)
        }
    }

    /// Refuses a run whose clock is behind the log, before it reads or moves anything.
    public func refuseIfBehind() throws {
        try store.refuseIfBehind(clock.now())
    }

    static func message(for error: any Error, source: String) -> String {
        switch error {
        case let error as XMLParseError: error.description
        case let error as IngestError: error.description
        case let error as XPathError: "\(source): \(error)"
        case let error as CanonicalisationError: error.line > 0 ? "\(source):\(error)" : "\(source): \(error)"
        default: "\(source): \(error)"
        }
    }

    /// The adapter for a document's root: the forced one if it reads it, else the one that recognises it.
    private func adapter(for root: XMLRootInfo, path: String) throws -> any ReferenceAdapter {
        if let forced {
            guard forced.accepts(root) else {
                throw IngestError.wrongFormat(source: path, adapter: forced.name, root: root.localName, namespace: root.namespaceURI)
            }
            return forced
        }
        guard let detected = registry.detect(root) else {
            throw IngestError.unknownFormat(source: path, root: root.localName, namespace: root.namespaceURI, known: registry.names)
        }
        return detected
    }

    /// One reference read from a document, ready for the store: what the writer needs without the document.
    struct PreparedRecord {
        var metadata: ReferenceMetadata
        var canonicalHash: String
        var recordIndex: Int
        /// The reference rules it matches, when they were evaluated with the document (parallel ingest).
        var rules: [Rule]?
        /// What the adapter could not read in it (`record N: ` first, in a collection).
        var warnings: [String]
    }

    /// The references of one parsed document, checked and hashed (pure: no store).
    /// With `rules`, the record's rule matches are worked out here, while the document is at hand.
    private func prepare(_ document: PanelXMLDocument, adapter: any ReferenceAdapter, path: String, streamed: Bool,
                         recordIndex: inout Int, rules: ReferenceRuleSet?) throws -> [PreparedRecord] {
        let found = try adapter.references(in: document)
        guard !found.isEmpty else { return [] }
        let canonical = try document.canonicalSHA256()
        var records: [PreparedRecord] = []
        for (offset, metadata) in found.enumerated() {
            defer { recordIndex += 1 }
            if metadata.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && metadata.identifiers.isEmpty {
                throw IngestError.emptyReference(source: path, adapter: adapter.name, record: recordIndex)
            }
            let hash = found.count == 1 ? canonical : Self.sha256("\(canonical)#\(offset)")
            let place = streamed || found.count > 1 ? "record \(recordIndex + 1): " : ""
            records.append(PreparedRecord(
                metadata: metadata, canonicalHash: hash, recordIndex: recordIndex,
                rules: rules.map { $0.matches(document, metadata: metadata, format: adapter.format) },
                warnings: metadata.warnings.map { place + $0 }))
        }
        return records
    }

    /// Records one reference unless the store already has it (by canonical XML or any identifier);
    /// `matched` gives the reference rules it matches, asked only when it is new. `path` is the file
    /// read (named in notes), `source` where the reference records it is kept.
    /// `object` is the file's content address when already known (a whole document, a prepared
    /// file), else "" until `finish` assigns it.
    private func commit(_ record: PreparedRecord, adapter: any ReferenceAdapter, path: String, source: String, object: String, now: String,
                        session: any StoreWriter, result: inout FileResult, matched: () -> [Rule]) throws {
        if let existing = try session.reference(withCanonicalHash: record.canonicalHash) {
            result.skip(DuplicateNote(source: path, existing: existing, reason: "same canonical XML"))
            return
        }
        for identifier in record.metadata.identifiers {
            if let existing = try session.reference(withIdentifier: identifier) {
                result.skip(DuplicateNote(source: path, existing: existing, reason: "same \(identifier)"))
                return
            }
        }
        let metadata = record.metadata
        let id = Reference.id(canonicalHash: record.canonicalHash)
        try session.insert(Reference(
            id: id, format: adapter.format, adapter: adapter.name, metadata: metadata,
            canonicalHash: record.canonicalHash, object: object, source: source, recordIndex: record.recordIndex, ingestedAt: now))
        result.add(id)
        if object.isEmpty { result.objectPending = true }
        for warning in record.warnings { result.warn("\(path): \(warning)") }
        for rule in record.rules ?? matched() {
            try session.recordMatch(RuleMatch(
                rule: rule.id, reference: id, title: metadata.title,
                keywords: metadata.keywords.map { $0.lowercased() }, country: metadata.country,
                format: adapter.format, at: metadata.published.map(Self.dateTime) ?? now,
                assessments: rule.citesApproved ? ApprovedTopics.matching(metadata, in: rules?.approved ?? []) : nil))
            result.matches += 1
        }
    }

    /// After a file's references: its warnings, its original, and the event that records it.
    private func finish(_ path: String, source: String, adapter: (any ReferenceAdapter)?, summary: XMLParseSummary,
                        session: any StoreWriter, result: inout FileResult, object: () throws -> StoredObject) throws {
        result.bytes = summary.byteCount
        // The parser's warnings first (they come from reading the file), then the records'.
        var warnings = summary.warnings.map { "\(path):\($0)" }
        if summary.warningCount > summary.warnings.count {
            warnings.append("\(path): \(summary.warningCount - summary.warnings.count) more parser warnings")
        }
        warnings += result.warnings
        if result.warningCount > result.warnings.count {
            warnings.append("\(path): \(result.warningCount - result.warnings.count) more record warnings")
        }
        result.warnings = warnings
        if result.added == 0 && result.duplicates == 0 {
            // A feed polled on a quiet day: nothing to store, and nothing wrong (a daily job must
            // not fail for it). Said, so an empty file is never mistaken for an ingested one.
            if summary.documents == 0, let adapter, adapter.emptyIsNormal {
                result.warnings.append("\(path): an empty \(adapter.name) feed (no items): nothing to store")
                return
            }
            throw IngestError.noReferences(source: path, adapter: adapter?.name ?? "?")
        }
        // The original bytes are kept before (or, inline, with) the transaction's commit.
        switch try object() {
        case .inline(let bytes): try session.putObject(summary.sha256, bytes: bytes)
        case .file: break
        case .spilled(let file): try session.putObject(summary.sha256, contentsOf: file)
        }
        if result.objectPending { try session.assignObject(summary.sha256) }
        if result.added > 0 {
            try session.append(NewEvent(
                ReferencesIngested(
                    source: source, object: summary.sha256, adapter: adapter?.name ?? "?",
                    added: result.added, duplicates: result.duplicates, references: result.references),
                subject: "references", actor: actor, time: clock.now()))
        }
    }

    /// One file streamed through the parser into the store: records are written as they are read,
    /// so memory stays flat however large the file.
    private func read(_ path: String, source: String, session: any StoreWriter, writer: ObjectWriter,
                      progress: @escaping (Int) -> Void) throws -> FileResult {
        var result = FileResult()
        var adapter: (any ReferenceAdapter)?
        var recordIndex = 0
        var streamed = false
        var bytesRead = 0
        var lastReport = 0
        let now = Timestamp.format(clock.now())

        let summary = try parser.parse(
            fileAt: path,
            plan: { root in
                let chosen = try self.adapter(for: root, path: path)
                adapter = chosen
                let plan = chosen.readPlan(for: root)
                if case .records = plan { streamed = true }
                return plan
            },
            onChunk: { chunk in
                writer.write(chunk)
                bytesRead += chunk.count
                if bytesRead - lastReport >= 8 << 20 {
                    lastReport = bytesRead
                    progress(bytesRead)
                }
            },
            handle: { document in
                guard let adapter else { return }
                for record in try prepare(document, adapter: adapter, path: path, streamed: streamed, recordIndex: &recordIndex, rules: nil) {
                    // Reference rules run here, on the document already parsed, for new references only.
                    try commit(record, adapter: adapter, path: path, source: source, object: document.sourceSHA256 ?? "", now: now,
                               session: session, result: &result) {
                        rules?.matches(document, metadata: record.metadata, format: adapter.format) ?? []
                    }
                }
            })
        var spilled = false
        try finish(path, source: source, adapter: adapter, summary: summary, session: session, result: &result) {
            let object = try writer.commit(as: summary.sha256)
            if case .spilled = object { spilled = true }
            return object
        }
        // A spilled object is in the store now: its temporary file goes.
        if spilled { writer.abandon() }
        return result
    }

    /// A small file parsed, extracted, hashed and matched against the rules on a worker thread,
    /// held in memory until the writer records it.
    struct PreparedFile {
        var adapter: (any ReferenceAdapter)?
        var records: [PreparedRecord]
        var summary: XMLParseSummary
        var original: PreparedOriginal
        var now: String
    }

    /// Where a worker left a file's original bytes.
    enum PreparedOriginal {
        /// In the object folder already (a store that keeps originals as files): written once by
        /// the worker and renamed into place, as the writer would, so the writer does not wait on it.
        case placed
        /// In memory, for the writer to put into the store.
        case bytes([UInt8])
    }

    /// Files up to this size are prepared in memory by a worker; larger ones are streamed by the writer.
    public var preparedFileLimit = 4 << 20

    /// A rule set of a worker's own, equal to this ingester's.
    func ruleSetCopy() throws -> ReferenceRuleSet? {
        try rules.map { try ReferenceRuleSet($0.rules, approved: $0.approved) }
    }

    /// The worker's half of a parallel ingest: everything but the store.
    func prepareFile(_ path: String, rules: ReferenceRuleSet?) throws -> PreparedFile {
        var adapter: (any ReferenceAdapter)?
        var records: [PreparedRecord] = []
        var bytes: [UInt8] = []
        // Beside an embedded store every original is a file: the worker writes it as it reads.
        let file = !objects.largeObjectsInStore && objects.inlineLimit == 0 ? objects.beginWrite() : nil
        var recordIndex = 0
        var streamed = false
        let now = Timestamp.format(clock.now())
        let summary = try PanelXMLParser(limits: parser.limits).parse(
            fileAt: path,
            plan: { root in
                let chosen = try self.adapter(for: root, path: path)
                adapter = chosen
                let plan = chosen.readPlan(for: root)
                if case .records = plan { streamed = true }
                return plan
            },
            onChunk: { chunk in
                if let file { file.write(chunk) } else { bytes.append(contentsOf: chunk) }
            },
            handle: { document in
                guard let adapter else { return }
                records += try prepare(document, adapter: adapter, path: path, streamed: streamed, recordIndex: &recordIndex, rules: rules)
            })
        var original = PreparedOriginal.bytes(bytes)
        if let file {
            if records.isEmpty {
                file.abandon()  // no reference will name it: the writer keeps no original for such a file
            } else {
                switch try file.commit(as: summary.sha256) {
                case .file: original = .placed
                case .inline(let kept): original = .bytes(kept)
                case .spilled:
                    preconditionFailure("an original spilled for the store, which keeps originals as files")
                }
            }
        }
        return PreparedFile(adapter: adapter, records: records, summary: summary, original: original, now: now)
    }

    /// The writer's half: the same checks and writes as a streamed file, in the same order.
    private func record(_ prepared: PreparedFile, path: String, source: String, session: any StoreWriter) throws -> FileResult {
        var result = FileResult()
        if let adapter = prepared.adapter {
            for record in prepared.records {
                try commit(record, adapter: adapter, path: path, source: source, object: prepared.summary.sha256, now: prepared.now,
                           session: session, result: &result) { [] }
            }
        }
        // The original goes where a streamed file's would (the store's table, or a file).
        let writer = objects.beginWrite()
        var spilled = false
        do {
            try finish(path, source: source, adapter: prepared.adapter, summary: prepared.summary, session: session, result: &result) {
                guard case .bytes(let bytes) = prepared.original else { return .file }
                bytes.withUnsafeBytes { writer.write($0) }
                let object = try writer.commit(as: prepared.summary.sha256)
                if case .spilled = object { spilled = true }
                return object
            }
        } catch {
            writer.abandon()
            throw error
        }
        if spilled { writer.abandon() }
        return result
    }

    /// `2025-06` → `2025-06-01T00:00:00.000Z`: a partial date counts from its start.
    static func dateTime(_ partial: String) -> String {
        let parts = partial.split(separator: "-").map(String.init)
        let padded = parts + Array(repeating: "01", count: max(0, 3 - parts.count))
        return "\(padded[0])-\(padded[1])-\(padded[2])T00:00:00.000Z"
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).hexString
    }
}


/// The workers of a parallel ingest: each claims the next small file (within a window ahead of
/// the writer, so memory stays bounded), prepares it with a rule set of its own, and leaves the
/// result in its slot; the writer takes the slots in file order. Files larger than the inline
/// object limit are left to the writer, which streams them.
final class IngestPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [Int: Result<ReferenceIngester.PreparedFile, any Error>] = [:]
    private var claimed = 0
    private var taken = 0
    private var stopped = false
    private var running = 0
    private let files: [(path: String, size: Int)]
    private let window: Int
    private let limit: Int
    /// Bytes of the files before each index: workers stay within `windowBytes` of the writer.
    private let offsets: [Int]
    private let windowBytes = 64 << 20

    init(ingester: ReferenceIngester, files: [(path: String, size: Int)], jobs: Int, window: Int) {
        self.files = files
        self.window = window
        limit = ingester.preparedFileLimit
        var offsets = [0]
        for file in files { offsets.append(offsets[offsets.count - 1] + file.size) }
        self.offsets = offsets
        nonisolated(unsafe) let ingester = ingester
        for _ in 0..<jobs {
            running += 1
            let thread = Thread { [self] in
                // A rule set per thread: compiled XPath expressions are not shared between threads.
                let rules = Result { try ingester.ruleSetCopy() }
                self.work { path in try ingester.prepareFile(path, rules: try rules.get()) }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func work(_ prepare: (String) throws -> ReferenceIngester.PreparedFile) {
        defer {
            condition.lock()
            running -= 1
            condition.broadcast()
            condition.unlock()
        }
        while true {
            condition.lock()
            while !stopped && claimed < files.count
                    && (claimed >= taken + window || offsets[claimed] - offsets[min(taken, claimed)] > windowBytes || files[claimed].size > limit) {
                if files[claimed].size > limit {
                    claimed += 1  // the writer streams it
                    continue
                }
                condition.wait()
            }
            guard !stopped, claimed < files.count else {
                condition.unlock()
                return
            }
            let index = claimed
            claimed += 1
            condition.unlock()
            let result = Result { try prepare(files[index].path) }
            condition.lock()
            slots[index] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// File `index`'s preparation, waiting for it; nil when the writer is to stream it itself.
    func take(_ index: Int) -> Result<ReferenceIngester.PreparedFile, any Error>? {
        condition.lock()
        defer { condition.unlock() }
        taken = index + 1
        condition.broadcast()
        guard files[index].size <= limit else { return nil }
        while slots[index] == nil { condition.wait() }
        return slots.removeValue(forKey: index)
    }

    /// Ends the workers (after the last file, or when the writer gives up) and waits for them.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }
}
