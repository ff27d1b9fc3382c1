import Foundation
import PanelCore

/// The hash-chained log in its `event` table and the `chain_head` row, written
/// inside the caller's write transaction (which the store serialises).
public enum EventLog {
    public static func head(_ db: any SQLSession) throws -> ChainHead? {
        guard let row = try db.row("SELECT sequence, hash FROM chain_head WHERE id = 1") else { return nil }
        return ChainHead(sequence: try row.int64(0), hash: try row.string(1))
    }

    /// See `backdatingTolerance`.
    public static let raceTolerance = backdatingTolerance

    /// Seals the event onto the chain, moves the head and updates the query tables.
    public static func append(_ event: NewEvent, db: any SQLSession) throws -> EventRecord {
        var event = event
        // The head and the last event's time in one read (or as this transaction's last append left them).
        var head: ChainHead?
        var lastTime: String?
        if let cached = db.cachedHead() {
            (head, lastTime) = (cached.head, cached.time)
        } else if let row = try db.row("SELECT h.sequence, h.hash, e.time FROM chain_head h LEFT JOIN event e ON e.sequence = h.sequence WHERE h.id = 1") {
            (head, lastTime) = (ChainHead(sequence: try row.int64(0), hash: try row.string(1)), try row.optionalString(2))
        }
        // No record can be backdated: the log's times never go backwards.
        if let head, let lastTime {
            let time = Timestamp.format(event.time)
            if time < lastTime {
                guard let lastDate = Timestamp.parse(lastTime), lastDate.timeIntervalSince(event.time) <= raceTolerance else {
                    throw StoreError.backdated(time: time, last: lastTime, sequence: head.sequence)
                }
                event.time = lastDate
            }
        }
        let record: EventRecord
        do {
            record = try EventChain.seal(event, sequence: (head?.sequence ?? 0) + 1, previousHash: head?.hash ?? EventChain.genesis)
        } catch {
            throw StoreError.event(error)
        }
        try insert(record, db: db)
        try Projections.apply(event.event, record: record, db: db)
        return record
    }

    /// Writes a sealed record and moves the head (appending, or copying a log verbatim).
    public static func insert(_ record: EventRecord, db: any SQLSession) throws {
        try db.execute("""
            INSERT INTO event (sequence, time, actor, type, subject, payload, previous_hash, hash, recorded_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [record.sequence, record.time, record.actor, record.type, record.subject,
                  record.payload, record.previousHash, record.hash, record.recordedBy])
        try db.execute("""
            INSERT INTO chain_head (id, sequence, hash) VALUES (1, ?, ?)
            ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
            """, [record.sequence, record.hash])
        db.remember(CachedHead(head: ChainHead(sequence: record.sequence, hash: record.hash), time: record.time))
    }

    public static let columns = "sequence, time, actor, type, subject, payload, previous_hash, hash, recorded_by"

    /// A row selected with `columns`.
    public static func record(_ row: SQLRow) throws -> EventRecord {
        EventRecord(
            sequence: try row.int64(0), time: try row.string(1), actor: try row.string(2), type: try row.string(3),
            subject: try row.string(4), payload: try row.string(5), previousHash: try row.string(6), hash: try row.string(7),
            recordedBy: try row.optionalString(8))
    }

    /// Events after `sequence`, oldest first.
    public static func events(after sequence: Int64, limit: Int?, db: any SQLSession) throws -> [EventRecord] {
        var sql = "SELECT \(columns) FROM event WHERE sequence > ? ORDER BY sequence"
        var arguments: [any SQLArgument] = [sequence]
        if let limit {
            sql += " LIMIT ?"
            arguments.append(limit)
        }
        return try db.rows(sql, arguments).map(record)
    }

    public static func events(about subject: String, type: String?, db: any SQLSession) throws -> [EventRecord] {
        var sql = "SELECT \(columns) FROM event WHERE subject = ?"
        var arguments: [any SQLArgument] = [subject]
        if let type {
            sql += " AND type = ?"
            arguments.append(type)
        }
        return try db.rows(sql + " ORDER BY sequence", arguments).map(record)
    }
}
