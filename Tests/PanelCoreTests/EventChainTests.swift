import Foundation
import Testing
@testable import PanelCore

@Suite("Event chain")
struct EventChainTests {
    let time = Date(timeIntervalSince1970: 1_790_000_000)

    func chain(_ count: Int) -> [EventRecord] {
        var records: [EventRecord] = []
        var previous = EventChain.genesis
        for index in 1...count {
            let event = NewEvent(type: "t", subject: "s\(index)", actor: "exp-01", time: time, payload: "{\"n\":\(index)}")
            let record = EventChain.seal(event, sequence: Int64(index), previousHash: previous)
            records.append(record)
            previous = record.hash
        }
        return records
    }

    func verify(_ records: [EventRecord], head: (Int64, String)?) -> ChainVerifier {
        var verifier = ChainVerifier()
        records.forEach { verifier.check($0) }
        verifier.finish(recordedHead: head.map { (sequence: $0.0, hash: $0.1) })
        return verifier
    }

    @Test func intactChainVerifies() {
        let records = chain(5)
        let verifier = verify(records, head: (5, records[4].hash))
        #expect(verifier.firstBreak == nil)
        #expect(verifier.checked == 5)
    }

    @Test func alteredPayloadIsFound() {
        var records = chain(5)
        records[2].payload = "{\"n\":99}"
        #expect(verify(records, head: (5, records[4].hash)).firstBreak?.sequence == 3)
    }

    @Test func removedRowIsFound() {
        var records = chain(5)
        records.remove(at: 1)
        #expect(verify(records, head: (5, records.last!.hash)).firstBreak?.sequence == 2)
    }

    @Test func reorderedRowsAreFound() {
        var records = chain(5)
        records.swapAt(1, 2)
        #expect(verify(records, head: (5, records[4].hash)).firstBreak?.sequence == 2)
    }

    @Test func truncatedTailIsFoundThroughTheHead() {
        let records = chain(5)
        let verifier = verify(Array(records.prefix(4)), head: (5, records[4].hash))
        #expect(verifier.firstBreak?.sequence == 5)
    }

    @Test func fieldsCannotBleedIntoEachOther() {
        let one = EventChain.seal(NewEvent(type: "ab", subject: "c", actor: "x", time: time, payload: "{}"), sequence: 1, previousHash: EventChain.genesis)
        let two = EventChain.seal(NewEvent(type: "a", subject: "bc", actor: "x", time: time, payload: "{}"), sequence: 1, previousHash: EventChain.genesis)
        #expect(one.hash != two.hash)
    }

    @Test func typedPayloadsRoundTrip() {
        let payload = ReferencesIngested(source: "a.xml", object: "ab", adapter: "jats", added: 1, duplicates: 0, references: ["ref-1"])
        let record = EventChain.seal(NewEvent(payload, subject: "references", actor: "cron", time: time), sequence: 1, previousHash: EventChain.genesis)
        #expect(record.type == "references.ingested")
        #expect(record.payload(as: ReferencesIngested.self) == payload)
        #expect(record.payload(as: WorkspaceInitialized.self) == nil)
    }
}
