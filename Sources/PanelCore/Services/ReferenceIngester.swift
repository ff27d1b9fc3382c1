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
    public var description: String { message }
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
    public var warnings: [String] = []
    /// Rule matches recorded for new references.
    public var ruleMatches = 0
    public var seconds = 0.0

    public init() {}
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
                return "\(source):1:1: <article> without front/article-meta (no title, no identifier): not JATS; publisher-native XML (Nature, IOP, RSC) needs a generic mapping in panel.yaml"
            }
            return "\(source): record \(record + 1) has neither a title nor an identifier (read as \(adapter)); nothing from this file was stored"
        case .unknownAdapter(let name, let known):
            return "unknown reference format '\(name)' (known: \(known.joined(separator: ", ")))"
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
        objects.largeObjectsInStore = store.keepsLargeObjects
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

    /// Files under the given paths: folders walked recursively in name order.
    public static func expand(_ paths: [String]) -> (files: [(path: String, size: Int)], missing: [Rejection]) {
        var files: [(String, Int)] = []
        var missing: [Rejection] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(Rejection(source: path, message: IngestError.missing(path).description))
                continue
            }
            if !isDirectory.boolValue {
                files.append((absolute(path), size(of: path)))
                continue
            }
            guard let walker = manager.enumerator(atPath: path) else { continue }
            var found: [String] = []
            while let relative = walker.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") {
                    walker.skipDescendants()
                    continue
                }
                let full = (path as NSString).appendingPathComponent(relative)
                var nested: ObjCBool = false
                if manager.fileExists(atPath: full, isDirectory: &nested), !nested.boolValue,
                   folderExtensions.contains((name as NSString).pathExtension.lowercased()) {
                    found.append(full)
                }
            }
            files += found.sorted().map { (absolute($0), size(of: $0)) }
        }
        return (files, missing)
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    private static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Files share a transaction until a batch holds this many files or bytes.
    public var batchFiles = 256
    public var batchBytes = 32 << 20

    public func ingest(paths: [String], progress: ((IngestProgress) -> Void)? = nil) -> IngestReport {
        let started = Date()
        let (files, missing) = Self.expand(paths)
        var report = IngestReport()
        report.rejected = missing
        let bytesTotal = files.reduce(0) { $0 + $1.size }
        var bytesBefore = 0
        var next = 0
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
                        let outcome = ingest(file: file.path, in: transaction) { fileBytes in
                            progress?(IngestProgress(
                                filesDone: done, filesTotal: files.count, bytesDone: base + fileBytes,
                                bytesTotal: bytesTotal, elapsed: Date().timeIntervalSince(started)))
                        }
                        outcomes.append((file.path, outcome))
                        bytesBefore += file.size
                        progress?(IngestProgress(
                            filesDone: done + 1, filesTotal: files.count, bytesDone: bytesBefore,
                            bytesTotal: bytesTotal, elapsed: Date().timeIntervalSince(started)))
                    }
                }
            } catch {
                // The batch did not commit: none of its files was recorded.
                outcomes = batch.map { ($0.path, .failure(error)) }
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
        var warnings: [String] = []
    }

    private func ingest(file path: String, in batch: any WriteBatch,
                        progress: @escaping (Int) -> Void) -> Result<FileResult, any Error> {
        let writer = objects.beginWrite()
        do {
            return .success(try batch.file { session in try read(path, session: session, writer: writer, progress: progress) })
        } catch {
            writer.abandon()
            return .failure(error)
        }
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

    private func read(_ path: String, session: any StoreWriter, writer: ObjectWriter,
                      progress: @escaping (Int) -> Void) throws -> FileResult {
        var result = FileResult()
        var adapter: (any ReferenceAdapter)?
        var recordIndex = 0
        var bytesRead = 0
        var lastReport = 0
        let now = Timestamp.format(clock.now())

        let summary = try parser.parse(
            fileAt: path,
            plan: { root in
                if let forced {
                    guard forced.accepts(root) else {
                        throw IngestError.wrongFormat(source: path, adapter: forced.name, root: root.localName, namespace: root.namespaceURI)
                    }
                    adapter = forced
                } else {
                    guard let detected = registry.detect(root) else {
                        throw IngestError.unknownFormat(
                            source: path, root: root.localName, namespace: root.namespaceURI, known: registry.names)
                    }
                    adapter = detected
                }
                return adapter!.readPlan(for: root)
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
                let found = try adapter.references(in: document)
                guard !found.isEmpty else { return }
                let canonical = try document.canonicalSHA256()
                for (offset, metadata) in found.enumerated() {
                    defer { recordIndex += 1 }
                    if metadata.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && metadata.identifiers.isEmpty {
                        throw IngestError.emptyReference(source: path, adapter: adapter.name, record: recordIndex)
                    }
                    let hash = found.count == 1 ? canonical : Self.sha256("\(canonical)#\(offset)")
                    if let existing = try session.reference(withCanonicalHash: hash) {
                        result.skip(DuplicateNote(source: path, existing: existing, reason: "same canonical XML"))
                        continue
                    }
                    var duplicate: DuplicateNote?
                    for identifier in metadata.identifiers {
                        if let existing = try session.reference(withIdentifier: identifier) {
                            duplicate = DuplicateNote(source: path, existing: existing, reason: "same \(identifier)")
                            break
                        }
                    }
                    if let duplicate {
                        result.skip(duplicate)
                        continue
                    }
                    let id = Reference.id(canonicalHash: hash)
                    try session.insert(Reference(
                        id: id, format: adapter.format, adapter: adapter.name, metadata: metadata,
                        canonicalHash: hash, object: "", source: path, recordIndex: recordIndex, ingestedAt: now))
                    result.add(id)
                    // Reference rules run here, on the document already parsed.
                    for rule in rules?.matches(document, metadata: metadata, format: adapter.format) ?? [] {
                        try session.recordMatch(RuleMatch(
                            rule: rule.id, reference: id, title: metadata.title,
                            keywords: metadata.keywords.map { $0.lowercased() }, country: metadata.country,
                            format: adapter.format, at: metadata.published.map(Self.dateTime) ?? now,
                            assessments: rule.citesApproved ? ApprovedTopics.matching(metadata, in: rules?.approved ?? []) : nil))
                        result.matches += 1
                    }
                }
            })

        result.bytes = summary.byteCount
        result.warnings = summary.warnings.map { "\(path):\($0)" }
        if summary.warningCount > summary.warnings.count {
            result.warnings.append("\(path): \(summary.warningCount - summary.warnings.count) more warnings")
        }
        if result.added == 0 && result.duplicates == 0 {
            throw IngestError.noReferences(source: path, adapter: adapter?.name ?? "?")
        }
        // The original bytes are kept before (or, inline, with) the transaction's commit.
        switch try writer.commit(as: summary.sha256) {
        case .inline(let bytes): try session.putObject(summary.sha256, bytes: bytes)
        case .file: break
        case .spilled(let file):
            try session.putObject(summary.sha256, contentsOf: file)
            writer.abandon()
        }
        try session.assignObject(summary.sha256)
        if result.added > 0 {
            try session.append(NewEvent(
                ReferencesIngested(
                    source: path, object: summary.sha256, adapter: adapter?.name ?? "?",
                    added: result.added, duplicates: result.duplicates, references: result.references),
                subject: "references", actor: actor, time: clock.now()))
        }
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

