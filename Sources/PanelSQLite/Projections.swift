import Foundation
import GRDB
import PanelCore

/// Query tables kept in step with the log: each appended event updates them
/// in the same transaction, so reads never replay the log.
enum Projections {
    static func apply(_ record: EventRecord, db: Database) throws {
        switch record.type {
        case MemberRegistered.type, MemberUpdated.type:
            let member = record.payload(as: MemberRegistered.self)?.member ?? record.payload(as: MemberUpdated.self)?.member
            guard let member else { return }
            try db.execute(sql: """
                INSERT INTO member (id, record) VALUES (?, ?)
                ON CONFLICT(id) DO UPDATE SET record = excluded.record
                """, arguments: [member.id, EventCoding.encode(member)])
        default:
            guard let id = AssessmentFold.subject(of: record) else { return }
            let current = try assessment(id, db: db)
            guard let next = AssessmentFold.apply(record, to: current) else { return }
            try db.execute(sql: """
                INSERT INTO assessment (id, stage, record) VALUES (?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET stage = excluded.stage, record = excluded.record
                """, arguments: [next.id, next.stage, EventCoding.encode(next)])
        }
    }

    static func assessment(_ id: String, db: Database) throws -> Assessment? {
        try String.fetchOne(db, sql: "SELECT record FROM assessment WHERE id = ?", arguments: [id])
            .flatMap { try? JSONDecoder().decode(Assessment.self, from: Data($0.utf8)) }
    }

    static func assessments(_ db: Database) throws -> [Assessment] {
        try String.fetchAll(db, sql: "SELECT record FROM assessment ORDER BY position").compactMap {
            try? JSONDecoder().decode(Assessment.self, from: Data($0.utf8))
        }
    }

    static func members(_ db: Database) throws -> [Member] {
        try String.fetchAll(db, sql: "SELECT record FROM member ORDER BY position").compactMap {
            try? JSONDecoder().decode(Member.self, from: Data($0.utf8))
        }
    }
}
