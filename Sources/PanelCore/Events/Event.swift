import Crypto
import Foundation
import PanelXML

/// A fact about to be appended to the log: a typed event, not yet encoded.
public struct NewEvent: Sendable, Equatable {
    public var event: PanelEvent
    public var subject: String
    public var actor: String
    public var time: Date
    /// Who ran the command when it is not the actor (a secretariat login), or `declared`.
    public var recordedBy: String?

    public init(_ event: PanelEvent, subject: String, actor: String, time: Date, recordedBy: String? = nil) {
        self.event = event
        self.subject = subject
        self.actor = actor
        self.time = time
        self.recordedBy = recordedBy
    }

    /// A typed payload.
    public init<P: EventPayload>(_ payload: P, subject: String, actor: String, time: Date) {
        self.init(payload.event, subject: subject, actor: actor, time: time)
    }

    public var type: String { event.type }

    /// The payload as `P` when the event is of that type.
    public func payload<P: EventPayload>(as type: P.Type) -> P? { event.payload as? P }
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
    /// Who ran the command when it is not the actor, or `declared`; sealed into the hash when present.
    public var recordedBy: String?

    public init(sequence: Int64, time: String, actor: String, type: String, subject: String,
                payload: String, previousHash: String, hash: String, recordedBy: String? = nil) {
        self.recordedBy = recordedBy
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.type = type
        self.subject = subject
        self.payload = payload
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The typed event this row holds; throws when it cannot be read.
    public func event() throws(EventCodingError) -> PanelEvent {
        try PanelEvent.decode(type: type, payload: payload, sequence: sequence)
    }

    /// The payload as `P` when the row is of that type (nil otherwise); throws when it cannot be read.
    public func payload<P: EventPayload>(as type: P.Type) throws(EventCodingError) -> P? {
        guard self.type == P.type else { return nil }
        do {
            return try RecordDecoder().decode(P.self, from: payload)
        } catch {
            throw .undecodable(sequence: sequence, type: self.type, detail: EventCoding.describe(error))
        }
    }
}

public enum EventCoding {
    private static let encoder = makeEncoder()

    private static func makeEncoder(userInfo: [CodingUserInfoKey: any Sendable] = [:]) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo = userInfo
        return encoder
    }

    /// Canonical JSON (sorted keys) of a value; throws rather than return something else.
    /// `userInfo` is given to the encoder (e.g. `Assessment.omittingStatements`).
    public static func encode<P: Encodable>(_ value: P, type: String,
                                            userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws(EventCodingError) -> String {
        do {
            let encoder = userInfo.isEmpty ? encoder : makeEncoder(userInfo: userInfo)
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw .unencodable(type: type, detail: describe(error))
        }
    }

    /// A decoding or encoding error in one line: what and where, without Foundation's dump.
    public static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the top level" : String(text.drop { $0 == "." })
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\(key.stringValue)' at \(path(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription.trimmingCharacters(in: CharacterSet(charactersIn: "."))) at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return "\(context.underlyingError == nil ? context.debugDescription : "not valid JSON") at \(path(context.codingPath))"
        case EncodingError.invalidValue(_, let context):
            return "\(context.debugDescription.trimmingCharacters(in: CharacterSet(charactersIn: "."))) at \(path(context.codingPath))"
        default:
            return String(describing: error)
        }
    }
}

/// The hash chain: each event's hash covers its fields and the previous hash,
/// so altering, removing or reordering any row breaks every later link.
public enum EventChain {
    public static let genesis = String(repeating: "0", count: 64)

    /// Encodes the event and seals it; throws rather than seal a payload it cannot encode.
    public static func seal(_ event: NewEvent, sequence: Int64, previousHash: String) throws(EventCodingError) -> EventRecord {
        var record = EventRecord(
            sequence: sequence, time: Timestamp.format(event.time), actor: event.actor, type: event.type,
            subject: event.subject, payload: try event.event.encoded(), previousHash: previousHash, hash: "",
            recordedBy: event.recordedBy)
        record.hash = hash(of: record)
        return record
    }

    /// SHA-256 over the length-prefixed fields, so no field can bleed into the next.
    public static func hash(of record: EventRecord) -> String {
        var hasher = SHA256()
        var fields = [String(record.sequence), record.time, record.actor, record.type, record.subject,
                      record.payload, record.previousHash]
        // Only when present, so events sealed before it existed keep their hashes.
        if let recordedBy = record.recordedBy { fields.append("recorded-by:" + recordedBy) }
        for field in fields {
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
    private var lastTime: String?

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
        if let lastTime, record.time < lastTime {
            firstBreak = ChainBreak(sequence: record.sequence,
                                    reason: "time goes backwards: \(record.time) is earlier than event \(checked)'s \(lastTime) (a backdated record)")
            return
        }
        checked = record.sequence
        headHash = record.hash
        lastTime = record.time
    }

    /// Records a break found by another check (an anchor kept outside the store).
    public mutating func fail(_ broken: ChainBreak) {
        if firstBreak == nil { firstBreak = broken }
    }

    /// Compares the end of the walk with the head the store recorded, which
    /// catches rows cut from the end of the log.
    public mutating func finish(recordedHead: ChainHead?) {
        guard firstBreak == nil, let recordedHead else { return }
        if recordedHead.sequence != checked || recordedHead.hash != headHash {
            firstBreak = ChainBreak(
                sequence: checked + 1,
                reason: "log ends at event \(checked) but the recorded head is event \(recordedHead.sequence) (rows were removed from the end)")
        }
    }
}
