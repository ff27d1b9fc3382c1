import Foundation

/// A head of the log recorded outside the store (a digest, a signed
/// checkpoint): proof that the log still holds exactly that event, and so
/// that nothing at or before it changed, even if the whole chain after an
/// edit was recomputed consistently.
public struct Anchor: Sendable, Equatable {
    public var head: ChainHead
    /// Where the anchor came from, for messages (`--head`, a checkpoint file).
    public var source: String

    public init(head: ChainHead, source: String) {
        self.head = head
        self.source = source
    }

    /// `SEQUENCE:HASH`, as digests print it.
    public static func parse(_ text: String, source: String) -> Anchor? {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence > 0,
              parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit) else { return nil }
        return Anchor(head: ChainHead(sequence: sequence, hash: parts[1].lowercased()), source: source)
    }

    /// The earliest anchor the log no longer matches, as a chain break; nil when every one holds.
    public static func check(_ anchors: [Anchor], event: (Int64) throws -> EventRecord?) rethrows -> ChainBreak? {
        for anchor in anchors.sorted(by: { $0.head.sequence < $1.head.sequence }) {
            guard let record = try event(anchor.head.sequence) else {
                return ChainBreak(sequence: anchor.head.sequence,
                                  reason: "the log no longer has event \(anchor.head.sequence), which \(anchor.source) recorded (the log was cut)")
            }
            if record.hash != anchor.head.hash {
                return ChainBreak(sequence: anchor.head.sequence, reason: """
                    no longer has the hash \(anchor.source) recorded (\(anchor.head.hash.prefix(16))…, now \(record.hash.prefix(16))…): \
                    the log at or before event \(anchor.head.sequence) was rewritten
                    """)
            }
        }
        return nil
    }
}

/// A signed statement of the log's head, kept by the secretariat outside the store.
public struct Checkpoint: Sendable, Equatable {
    public static let namespace = "panel-checkpoint"
    public var workspace: String
    public var head: ChainHead
    public var time: String

    public init(workspace: String, head: ChainHead, time: String) {
        self.workspace = workspace
        self.head = head
        self.time = time
    }

    public var text: String {
        """
        panel checkpoint
        workspace: \(workspace)
        sequence: \(head.sequence)
        hash: \(head.hash)
        time: \(time)

        """
    }

    public static func parse(_ text: String) -> Checkpoint? {
        var fields: [String: String] = [:]
        let lines = text.split(whereSeparator: \.isNewline)
        guard lines.first == "panel checkpoint" else { return nil }
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        guard let workspace = fields["workspace"], let sequence = fields["sequence"].flatMap(Int64.init),
              let hash = fields["hash"], hash.count == 64, let time = fields["time"] else { return nil }
        return Checkpoint(workspace: workspace, head: ChainHead(sequence: sequence, hash: hash), time: time)
    }
}
