import GRDB
import PanelCore

enum EventTable {
    static func head(_ db: Database) throws -> ChainHead? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT sequence, hash FROM chain_head WHERE id = 1")) else {
            return nil
        }
        return ChainHead(sequence: row["sequence"], hash: row["hash"])
    }

    /// Seals the event onto the chain and moves the head, inside the caller's transaction.
    static func append(_ event: NewEvent, db: Database) throws -> EventRecord {
        let head = try head(db)
        // No record can be backdated: the log's times never go backwards.
        if let head, let last = try String.fetchOne(db.cachedStatement(sql: "SELECT time FROM event WHERE sequence = ?"),
                                                   arguments: [head.sequence]) {
            let time = Timestamp.format(event.time)
            if time < last { throw StoreError.backdated(time: time, last: last, sequence: head.sequence) }
        }
        let record: EventRecord
        do {
            record = try EventChain.seal(event, sequence: (head?.sequence ?? 0) + 1, previousHash: head?.hash ?? EventChain.genesis)
        } catch {
            throw StoreError.event(error)
        }
        try db.cachedStatement(sql: """
            INSERT INTO event (sequence, time, actor, type, subject, payload, previous_hash, hash, recorded_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [record.sequence, record.time, record.actor, record.type, record.subject,
                                     record.payload, record.previousHash, record.hash, record.recordedBy])
        try db.cachedStatement(sql: """
            INSERT INTO chain_head (id, sequence, hash) VALUES (1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
            """).execute(arguments: [record.sequence, record.hash])
        try Projections.apply(event.event, record: record, db: db)
        return record
    }

    static func record(_ row: Row) -> EventRecord {
        EventRecord(
            sequence: row["sequence"], time: row["time"], actor: row["actor"], type: row["type"],
            subject: row["subject"], payload: row["payload"], previousHash: row["previous_hash"], hash: row["hash"],
            recordedBy: row["recorded_by"])
    }
}
