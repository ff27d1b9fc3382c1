import Foundation
import Testing
@testable import PanelCore

@Suite("Event chain")
struct EventChainTests {
    let time = Date(timeIntervalSince1970: 1_790_000_000)

    func chain(_ count: Int) throws -> [EventRecord] {
        var records: [EventRecord] = []
        var previous = EventChain.genesis
        for index in 1...count {
            let event = NewEvent(WorkspaceInitialized(name: "n\(index)"), subject: "s\(index)", actor: "exp-01", time: time)
            let record = try EventChain.seal(event, sequence: Int64(index), previousHash: previous)
            records.append(record)
            previous = record.hash
        }
        return records
    }

    func verify(_ records: [EventRecord], head: (Int64, String)?) -> ChainVerifier {
        var verifier = ChainVerifier()
        records.forEach { verifier.check($0) }
        verifier.finish(recordedHead: head.map { ChainHead(sequence: $0.0, hash: $0.1) })
        return verifier
    }

    @Test func intactChainVerifies() throws {
        let records = try chain(5)
        let verifier = verify(records, head: (5, records[4].hash))
        #expect(verifier.firstBreak == nil)
        #expect(verifier.checked == 5)
    }

    @Test func alteredPayloadIsFound() throws {
        var records = try chain(5)
        records[2].payload = "{\"n\":99}"
        #expect(verify(records, head: (5, records[4].hash)).firstBreak?.sequence == 3)
    }

    @Test func removedRowIsFound() throws {
        var records = try chain(5)
        records.remove(at: 1)
        #expect(verify(records, head: (5, records.last!.hash)).firstBreak?.sequence == 2)
    }

    @Test func reorderedRowsAreFound() throws {
        var records = try chain(5)
        records.swapAt(1, 2)
        #expect(verify(records, head: (5, records[4].hash)).firstBreak?.sequence == 2)
    }

    @Test func truncatedTailIsFoundThroughTheHead() throws {
        let records = try chain(5)
        let verifier = verify(Array(records.prefix(4)), head: (5, records[4].hash))
        #expect(verifier.firstBreak?.sequence == 5)
    }

    @Test func fieldsCannotBleedIntoEachOther() throws {
        let one = try EventChain.seal(NewEvent(WorkspaceInitialized(name: "ab"), subject: "c", actor: "x", time: time), sequence: 1, previousHash: EventChain.genesis)
        let two = try EventChain.seal(NewEvent(WorkspaceInitialized(name: "a"), subject: "bc", actor: "x", time: time), sequence: 1, previousHash: EventChain.genesis)
        #expect(one.hash != two.hash)
    }

    @Test func typedPayloadsRoundTrip() throws {
        let payload = ReferencesIngested(source: "a.xml", object: "ab", adapter: "jats", added: 1, duplicates: 0, references: ["ref-1"])
        let record = try EventChain.seal(NewEvent(payload, subject: "references", actor: "cron", time: time), sequence: 1, previousHash: EventChain.genesis)
        #expect(record.type == "references.ingested")
        #expect(try record.payload(as: ReferencesIngested.self) == payload)
        #expect(try record.payload(as: WorkspaceInitialized.self) == nil)
        #expect(try record.event() == .referencesIngested(payload))
    }

    @Test func everyEventTypeIsKnownByName() {
        let names = PanelEvent.payloadTypes.map { $0.type }
        #expect(Set(names).count == names.count, "two payloads share a name")
        #expect(names.count == 30)
    }

    @Test func anUnknownTypeIsAnErrorThatSaysSo() {
        #expect(throws: EventCodingError.unknownType(sequence: 7, type: "ballot.stuffed")) {
            try PanelEvent.decode(type: "ballot.stuffed", payload: "{}", sequence: 7)
        }
    }

    @Test func anUndecodablePayloadIsAnErrorNotADefault() throws {
        let error = #expect(throws: EventCodingError.self) {
            try PanelEvent.decode(type: VoteCast.type, payload: #"{"assessment":"A-2026-001","stage":"s","member":"exp-01","choice":"maybe"}"#, sequence: 12)
        }
        guard case .undecodable(let sequence, let type, _)? = error else { Issue.record("expected undecodable, got \(String(describing: error))"); return }
        #expect(sequence == 12 && type == "vote.cast")
    }

    @Test func timeGoingBackwardsIsTampering() throws {
        // A consistent chain (every hash recomputed) whose third event is dated before the second.
        var records: [EventRecord] = []
        var previous = EventChain.genesis
        for (index, offset) in [0.0, 3_600, 1_800].enumerated() {
            let event = NewEvent(WorkspaceInitialized(name: "n"), subject: "s", actor: "exp-01", time: time.addingTimeInterval(offset))
            let record = try EventChain.seal(event, sequence: Int64(index + 1), previousHash: previous)
            records.append(record)
            previous = record.hash
        }
        let broken = verify(records, head: (3, records[2].hash)).firstBreak
        #expect(broken?.sequence == 3)
        #expect(broken?.reason.hasPrefix("time goes backwards") == true)
    }
}
