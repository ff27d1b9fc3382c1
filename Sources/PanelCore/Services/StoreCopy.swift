import Foundation

/// Moves a panel from one store to another (SQLite to PostgreSQL and back):
/// the log verbatim, each event's query-table changes folded again on the
/// target, the references, rule matches and original objects; then proves the
/// copy: the same chain head, an unbroken chain, and query tables equal to the
/// fold of the log.
public struct StoreCopy {
    public struct Report: Sendable, Equatable {
        public var events = 0
        public var references = 0
        public var matches = 0
        public var objects = 0
        public var head: ChainHead?
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case targetNotEmpty(events: Int64)
        case sourceChanged(copied: ChainHead?, now: ChainHead?)
        case missingObject(String)
        case verification(String)

        public var description: String {
            switch self {
            case .targetNotEmpty(let events):
                "the target already holds a panel (\(events) events); copy into a new, empty store"
            case .sourceChanged(let copied, let now):
                "the source changed during the copy (copied up to event \(copied?.sequence ?? 0), it is now at \(now?.sequence ?? 0)); nothing was copied: stop other commands (cron) and copy again"
            case .missingObject(let hash):
                "object \(hash) is in neither the source store nor its object folder; run 'panel audit verify' on the source"
            case .verification(let detail):
                "the copy does not prove equal to the source: \(detail)"
            }
        }
    }

    public let source: any PanelStore
    public let sourceObjects: ObjectStore
    public let target: any PanelStore
    public let targetObjects: ObjectStore

    public init(from source: any PanelStore, objects sourceObjects: ObjectStore, to target: any PanelStore, objects targetObjects: ObjectStore) {
        self.source = source
        self.sourceObjects = sourceObjects
        self.target = target
        self.targetObjects = targetObjects
    }

    public func run() throws -> Report {
        if let head = try target.recordedHead() { throw Failure.targetNotEmpty(events: head.sequence) }
        var report = Report()
        try target.writeBatch { batch in
            try batch.file { writer in
                try source.forEachStoredEvent { record in
                    try writer.restore(record)
                    report.events += 1
                }
                let copied = try writer.head()
                let now = try source.recordedHead()
                guard copied == now else { throw Failure.sourceChanged(copied: copied, now: now) }
                report.head = copied
                var kept = Set<String>()
                for hash in try source.objectHashes() {
                    guard let bytes = try source.object(hash) else { throw Failure.missingObject(hash) }
                    try put(hash, bytes: bytes, writer: writer)
                    kept.insert(hash)
                }
                try source.forEachReference { reference in
                    try writer.insert(reference)
                    report.references += 1
                    // A large original the source kept in its folder.
                    if !reference.object.isEmpty, kept.insert(reference.object).inserted {
                        let file = sourceObjects.url(for: reference.object)
                        guard FileManager.default.fileExists(atPath: file.path) else { throw Failure.missingObject(reference.object) }
                        if target.keepsLargeObjects {
                            try writer.putObject(reference.object, contentsOf: file)
                        } else {
                            try put(reference.object, bytes: [UInt8](try Data(contentsOf: file)), writer: writer)
                        }
                    }
                }
                report.objects = kept.count
                try source.forEachRuleMatch { match in
                    try writer.recordMatch(match)
                    report.matches += 1
                }
            }
        }
        try prove(report)
        return report
    }

    /// Small objects into the target's table; large ones where the target keeps them.
    private func put(_ hash: String, bytes: [UInt8], writer: any StoreWriter) throws {
        guard bytes.count > targetObjects.inlineLimit, !target.keepsLargeObjects else {
            return try writer.putObject(hash, bytes: bytes)
        }
        let objectWriter = targetObjects.beginWrite()
        bytes.withUnsafeBytes { objectWriter.write($0) }
        guard case .file = try objectWriter.commit(as: hash) else {
            throw Failure.verification("object \(hash) did not reach the target's object folder")
        }
    }

    private func prove(_ report: Report) throws {
        let head = try target.recordedHead()
        guard head == report.head else {
            throw Failure.verification("the target's head is \(head?.sequence ?? 0):\(head?.hash ?? "-"), the source's \(report.head?.sequence ?? 0):\(report.head?.hash ?? "-")")
        }
        let chain = try target.verifyChain()
        if let broken = chain.firstBreak { throw Failure.verification("event \(broken.sequence): \(broken.reason)") }
        let differences = try target.verifyState()
        if !differences.isEmpty { throw Failure.verification(differences.map(\.description).joined(separator: "; ")) }
        let references = try target.referenceCount()
        guard references == report.references, references == (try source.referenceCount()) else {
            throw Failure.verification("\(references) references in the target, \(report.references) copied")
        }
    }
}
