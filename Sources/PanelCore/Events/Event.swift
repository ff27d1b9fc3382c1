import Crypto
import Foundation
import PanelXML

/// A fact about to be appended to the log.
public struct NewEvent: Sendable, Equatable {
    public var type: String
    public var subject: String
    public var actor: String
    public var time: Date
    /// Canonical JSON (sorted keys).
    public var payload: String

    public init(type: String, subject: String, actor: String, time: Date, payload: String) {
        self.type = type
        self.subject = subject
        self.actor = actor
        self.time = time
        self.payload = payload
    }

    /// A typed payload, encoded canonically.
    public init<P: EventPayload>(_ payload: P, subject: String, actor: String, time: Date) {
        self.init(type: P.type, subject: subject, actor: actor, time: time, payload: EventCoding.encode(payload))
    }
}

/// One row of the tamper-evident log.
public struct EventRecord: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var time: String
    public var actor: String
    public var type: String
    public var subject: String
    public var payload: String
    public var previousHash: String
    public var hash: String

    public init(sequence: Int64, time: String, actor: String, type: String, subject: String,
                payload: String, previousHash: String, hash: String) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.type = type
        self.subject = subject
        self.payload = payload
        self.previousHash = previousHash
        self.hash = hash
    }

    /// Decodes the payload as `P` when the type matches.
    public func payload<P: EventPayload>(as type: P.Type) -> P? {
        guard self.type == P.type else { return nil }
        return try? JSONDecoder().decode(P.self, from: Data(payload.utf8))
    }
}

/// A typed event payload; `type` is its name in the log.
public protocol EventPayload: Codable, Sendable, Equatable {
    static var type: String { get }
}

public enum EventCoding {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static func encode<P: Encodable>(_ payload: P) -> String {
        guard let data = try? encoder.encode(payload) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The hash chain: each event's hash covers its fields and the previous hash,
/// so altering, removing or reordering any row breaks every later link.
public enum EventChain {
    public static let genesis = String(repeating: "0", count: 64)

    public static func seal(_ event: NewEvent, sequence: Int64, previousHash: String) -> EventRecord {
        var record = EventRecord(
            sequence: sequence, time: Timestamp.format(event.time), actor: event.actor, type: event.type,
            subject: event.subject, payload: event.payload, previousHash: previousHash, hash: "")
        record.hash = hash(of: record)
        return record
    }

    /// SHA-256 over the length-prefixed fields, so no field can bleed into the next.
    public static func hash(of record: EventRecord) -> String {
        var hasher = SHA256()
        for field in [String(record.sequence), record.time, record.actor, record.type, record.subject,
                      record.payload, record.previousHash] {
            hasher.update(data: Data("\(field.utf8.count):".utf8))
            hasher.update(data: Data(field.utf8))
            hasher.update(data: Data("\n".utf8))
        }
        return hasher.finalize().hexString
    }
}

/// Where the chain first breaks, and why.
public struct ChainBreak: Sendable, Equatable, CustomStringConvertible {
    public var sequence: Int64
    public var reason: String

    public init(sequence: Int64, reason: String) {
        self.sequence = sequence
        self.reason = reason
    }

    public var description: String { "event \(sequence): \(reason)" }
}

/// Walks the log in stored order and finds the first broken link.
public struct ChainVerifier {
    public private(set) var checked: Int64 = 0
    public private(set) var headHash = EventChain.genesis
    public private(set) var firstBreak: ChainBreak?

    public init() {}

    public mutating func check(_ record: EventRecord) {
        guard firstBreak == nil else { return }
        let expected = checked + 1
        if record.sequence != expected {
            firstBreak = ChainBreak(
                sequence: expected,
                reason: "expected sequence \(expected), found \(record.sequence) (a row was removed or reordered)")
            return
        }
        if record.previousHash != headHash {
            firstBreak = ChainBreak(sequence: record.sequence, reason: "previous-hash link does not match event \(expected - 1)")
            return
        }
        if EventChain.hash(of: record) != record.hash {
            firstBreak = ChainBreak(sequence: record.sequence, reason: "contents do not match the recorded hash (the row was altered)")
            return
        }
        checked = record.sequence
        headHash = record.hash
    }

    /// Compares the end of the walk with the head the store recorded, which
    /// catches rows cut from the end of the log.
    public mutating func finish(recordedHead: (sequence: Int64, hash: String)?) {
        guard firstBreak == nil, let recordedHead else { return }
        if recordedHead.sequence != checked || recordedHead.hash != headHash {
            firstBreak = ChainBreak(
                sequence: checked + 1,
                reason: "log ends at event \(checked) but the recorded head is event \(recordedHead.sequence) (rows were removed from the end)")
        }
    }
}
