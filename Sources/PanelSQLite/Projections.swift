import Foundation
import GRDB
import PanelCore

/// Query tables kept in step with the log: each appended event updates them
/// in the same transaction, so reads never replay the log. An assessment's
/// own record holds its core; its review state lives in tables of its own
/// (assignments, reviews, comments, sign-offs, votes, statement decisions)
/// and is composed on read, so 80,000 comments never rewrite one record.
enum Projections {
    /// Updates the query tables for one sealed event. The switch is exhaustive:
    /// an event kind the tables forget does not compile.
    static func apply(_ event: PanelEvent, record: EventRecord, db: Database) throws {
        switch event {
        case .workspaceInitialized, .referencesIngested, .rosterExceptionAccepted:
            // No query table: the log itself is the record of these.
            break
        case .memberRegistered(let registered): try put(registered.member, db: db)
        case .memberUpdated(let updated): try put(updated.member, db: db)
        case .reviewerRegistered(let registered): try put(registered.reviewer, db: db)
        case .participantRegistered(let registered): try put(registered.participant, db: db)
        case .reviewersAssigned(let assigned):
            for reviewer in assigned.reviewers {
                try db.cachedStatement(sql: "INSERT INTO assignment (assessment, stage, reviewer, deadline) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [assigned.assessment, assigned.stage, reviewer, assigned.deadline])
            }
        case .reviewReceived(let received):
            let review = received.review
            try db.cachedStatement(sql: """
                INSERT INTO review (id, assessment, stage, draft, reviewer, recommendation, confidence, summary, file, late, signed_with, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [review.id, review.assessment, review.stage, review.draft, review.reviewer,
                                         review.recommendation.rawValue, review.confidence?.rawValue, review.summary,
                                         review.file, review.late, review.signedWith, review.state])
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO received_file (hash, kind, assessment) VALUES (?, 'review', ?)")
                .execute(arguments: [review.file, review.assessment])
            let insert = try db.cachedStatement(sql: """
                INSERT INTO comment (assessment, id, review, from_line, to_line, kind, text) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for comment in review.comments {
                try insert.execute(arguments: [review.assessment, comment.id, review.id, comment.fromLine, comment.toLine,
                                               comment.kind.rawValue, comment.text])
            }
        case .responsesRecorded(let recorded):
            if let file = recorded.file {
                try db.execute(sql: "INSERT OR IGNORE INTO received_file (hash, kind, assessment) VALUES (?, 'responses', ?)",
                               arguments: [file, recorded.assessment])
            }
            let update = try db.cachedStatement(sql: "UPDATE comment SET response = ?, response_text = ? WHERE assessment = ? AND id = ?")
            for response in recorded.responses {
                try update.execute(arguments: [response.kind.rawValue, response.text, recorded.assessment, response.comment])
            }
        case .signOffRecorded(let signOff):
            try db.execute(sql: "INSERT INTO signoff (assessment, stage, editor, report) VALUES (?, ?, ?, ?)",
                           arguments: [signOff.assessment, signOff.stage, signOff.editor, signOff.report])
        case .voteCast(let vote):
            try db.execute(sql: "INSERT INTO vote (assessment, stage, member, choice, reason) VALUES (?, ?, ?, ?, ?)",
                           arguments: [vote.assessment, vote.stage, vote.member, vote.choice.rawValue, vote.reason])
        case .statementDecided(let decided):
            try db.execute(sql: """
                INSERT INTO statement_decision (assessment, statement, decision, reason) VALUES (?, ?, ?, ?)
                ON CONFLICT(assessment, statement) DO UPDATE SET decision = excluded.decision, reason = excluded.reason
                """, arguments: [decided.assessment, decided.statement, decided.decision.rawValue, decided.reason])
        case .flagRaised, .flagChanged, .flagAcknowledged, .flagResolved:
            var flags: [String: Flag] = [:]
            let id = record.subject
            if let current = try flag(id, db: db) { flags[id] = current }
            FlagFold.apply(event, time: record.time, actor: record.actor, to: &flags)
            guard let next = flags[id] else { return }
            try db.cachedStatement(sql: """
                INSERT INTO flag (id, rule, fingerprint, state, version, changed_at, record) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, version = excluded.version,
                    changed_at = excluded.changed_at, record = excluded.record
                """).execute(arguments: [next.id, next.rule, next.fingerprint, next.state.rawValue, next.version, next.changedAt,
                                         try StoreCoding.encode(next)])
        case .silenceCreated(let created):
            let silence = created.silence
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM silence WHERE id = ?", arguments: [silence.id]) == true {
                throw StoreError.duplicate(table: "silence", key: silence.id)
            }
            try db.execute(sql: "INSERT INTO silence (id, record) VALUES (?, ?)", arguments: [silence.id, try StoreCoding.encode(silence)])
        case .silenceEnded(let ended):
            let current = try String.fetchOne(db, sql: "SELECT record FROM silence WHERE id = ?", arguments: [ended.id])
                .map { try StoreCoding.decode(Silence.self, $0, table: "silence", key: ended.id) }
            guard let next = Silence.ending(current, at: record.time, by: record.actor, reason: ended.reason) else {
                throw StoreError.undecodable(table: "silence", key: ended.id, detail: "event \(record.sequence) ends a silence the table does not have")
            }
            try db.execute(sql: "UPDATE silence SET record = ? WHERE id = ?", arguments: [try StoreCoding.encode(next), ended.id])
        case .digestIssued(let digest):
            let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO notification (key, digest) VALUES (?, ?)")
            for key in digest.keys { try insert.execute(arguments: [key, digest.id]) }
        case .assessmentOpened(let opened):
            let assessment = opened.assessment
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM assessment WHERE id = ?", arguments: [assessment.id]) == true {
                throw StoreError.duplicate(table: "assessment", key: assessment.id)
            }
            try db.execute(sql: "INSERT INTO assessment (id, stage, record) VALUES (?, ?, ?)",
                           arguments: [assessment.id, assessment.stage, try StoreCoding.encode(assessment.core)])
        case .reviewerExtended(let extended):
            try db.execute(sql: "UPDATE assignment SET deadline = ? WHERE assessment = ? AND stage = ? AND reviewer = ?",
                           arguments: [extended.deadline, extended.assessment, extended.stage, extended.reviewer])
        case .signOffWithdrawn(let withdrawn):
            try db.execute(sql: "DELETE FROM signoff WHERE assessment = ? AND stage = ? AND editor = ?",
                           arguments: [withdrawn.assessment, withdrawn.stage, withdrawn.editor])
        case .draftSubmitted, .stageAdvanced, .deadlineExtended, .teamChanged, .assessmentWithdrawn, .reviewWindowClosed, .evidenceSubmitted:
            guard let change = AssessmentFold.change(of: event) else { return }
            let id = change.assessment
            guard let current = try core(id, db: db) else {
                throw StoreError.undecodable(table: "assessment", key: id, detail: "event \(record.sequence) changes an assessment the table does not have")
            }
            guard let next = AssessmentFold.apply(change, time: record.time, actor: record.actor, to: current) else { return }
            if case .draftSubmitted = event {
                // Statement decisions belong to a draft: a new draft starts afresh.
                try db.execute(sql: "DELETE FROM statement_decision WHERE assessment = ?", arguments: [id])
            }
            try db.execute(sql: "UPDATE assessment SET stage = ?, record = ? WHERE id = ?",
                           arguments: [next.stage, try StoreCoding.encode(next.core), id])
        }
    }

    private static func put(_ member: Member, db: Database) throws {
        try db.execute(sql: """
            INSERT INTO member (id, record) VALUES (?, ?)
            ON CONFLICT(id) DO UPDATE SET record = excluded.record
            """, arguments: [member.id, try StoreCoding.encode(member)])
    }

    private static func core(_ id: String, db: Database) throws -> Assessment? {
        try String.fetchOne(db, sql: "SELECT record FROM assessment WHERE id = ?", arguments: [id])
            .map { try StoreCoding.decode(Assessment.self, $0, table: "assessment", key: id) }
    }

    /// The core record with its review state composed from the tables.
    static func assessment(_ id: String, db: Database) throws -> Assessment? {
        guard var assessment = try core(id, db: db) else { return nil }
        try compose(&assessment, db: db)
        return assessment
    }

    static func assessments(_ db: Database) throws -> [Assessment] {
        var result = try Row.fetchAll(db, sql: "SELECT id, record FROM assessment ORDER BY position").map { row in
            try StoreCoding.decode(Assessment.self, row[1], table: "assessment", key: row[0])
        }
        try compose(&result, db: db, only: nil)
        return result
    }

    private static func compose(_ assessment: inout Assessment, db: Database) throws {
        var one = [assessment]
        try compose(&one, db: db, only: assessment.id)
        assessment = one[0]
    }

    /// Review state from its tables, for one assessment or (with `only` nil) all of them, a query per table.
    private static func compose(_ assessments: inout [Assessment], db: Database, only: String?) throws {
        guard !assessments.isEmpty else { return }
        let filter = only == nil ? "" : " WHERE assessment = ?"
        let reviewFilter = only == nil ? "" : " WHERE r.assessment = ?"
        let arguments: StatementArguments = only.map { [$0] } ?? []
        var assignments: [String: [ReviewAssignment]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT assessment, reviewer, stage, deadline FROM assignment\(filter) ORDER BY position"), arguments: arguments) {
            assignments[row["assessment"], default: []].append(ReviewAssignment(reviewer: row["reviewer"], stage: row["stage"], deadline: row["deadline"]))
        }
        var reviews: [String: [ReviewSummary]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT r.assessment, r.id, r.reviewer, r.draft, r.stage, r.state,
                   count(c.position) FILTER (WHERE c.kind = 'substantive') AS substantive,
                   count(c.position) FILTER (WHERE c.kind = 'substantive' AND c.response IS NOT NULL) AS answered
            FROM review r LEFT JOIN comment c ON c.review = r.id\(reviewFilter)
            GROUP BY r.position ORDER BY r.position
            """), arguments: arguments) {
            reviews[row["assessment"], default: []].append(ReviewSummary(
                id: row["id"], reviewer: row["reviewer"], draft: row["draft"], stage: row["stage"],
                substantive: row["substantive"], answered: row["answered"], state: row["state"]))
        }
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT assessment, count(*) AS n FROM comment\(filter) GROUP BY assessment"), arguments: arguments) {
            counts[row["assessment"]] = row["n"]
        }
        var signOffs: [String: [SignOff]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT assessment, editor, stage, report FROM signoff\(filter) ORDER BY position"), arguments: arguments) {
            signOffs[row["assessment"], default: []].append(SignOff(editor: row["editor"], stage: row["stage"], report: row["report"]))
        }
        var votes: [String: [Vote]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT assessment, member, choice, stage FROM vote\(filter) ORDER BY position"), arguments: arguments) {
            let choice = try StoreCoding.value(VoteChoice.self, row["choice"], table: "vote",
                                               key: "\(row["assessment"] as String):\(row["member"] as String)", column: "choice")
            votes[row["assessment"], default: []].append(Vote(member: row["member"], choice: choice, stage: row["stage"]))
        }
        var decisions: [String: [String: StatementDecision]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT assessment, statement, decision FROM statement_decision\(filter)"), arguments: arguments) {
            let decision = try StoreCoding.value(StatementDecision.self, row["decision"], table: "statement_decision",
                                                 key: "\(row["assessment"] as String):\(row["statement"] as String)", column: "decision")
            decisions[row["assessment"], default: [:]][row["statement"]] = decision
        }
        for index in assessments.indices {
            let id = assessments[index].id
            assessments[index].assignments = assignments[id] ?? []
            assessments[index].reviews = reviews[id] ?? []
            assessments[index].commentCount = counts[id] ?? 0
            assessments[index].signOffs = signOffs[id] ?? []
            assessments[index].votes = votes[id] ?? []
            assessments[index].statementDecisions = decisions[id] ?? [:]
        }
    }

    static func comments(of assessment: String, db: Database) throws -> [CommentRecord] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT c.id, c.review, r.reviewer, r.stage, r.draft, c.from_line, c.to_line, c.kind, c.text, c.response, c.response_text
            FROM comment c JOIN review r ON r.id = c.review
            WHERE c.assessment = ? ORDER BY c.position
            """), arguments: [assessment]).map { row in
            let key = "\(assessment):\(row[0] as String)"
            return CommentRecord(
                id: row[0], review: row[1], reviewer: row[2], stage: row[3], draft: row[4], fromLine: row[5], toLine: row[6],
                kind: try StoreCoding.value(CommentKind.self, row[7], table: "comment", key: key, column: "kind"), text: row[8],
                response: try (row[9] as String?).map { try StoreCoding.value(ResponseKind.self, $0, table: "comment", key: key, column: "response") },
                responseText: row[10])
        }
    }

    static func reviews(of assessment: String, db: Database) throws -> [Review] {
        let comments = try comments(of: assessment, db: db)
        let byReview = Dictionary(grouping: comments, by: \.review)
        return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM review WHERE assessment = ? ORDER BY position"),
                                arguments: [assessment]).map { row in
            let id: String = row["id"]
            return Review(
                id: id, assessment: row["assessment"], stage: row["stage"], draft: row["draft"], reviewer: row["reviewer"],
                recommendation: try StoreCoding.value(Recommendation.self, row["recommendation"], table: "review", key: id, column: "recommendation"),
                confidence: try (row["confidence"] as String?).map {
                    try StoreCoding.value(ReviewerConfidence.self, $0, table: "review", key: id, column: "confidence")
                }, summary: row["summary"],
                comments: (byReview[id] ?? []).map { Comment(id: $0.id, fromLine: $0.fromLine, toLine: $0.toLine, kind: $0.kind, text: $0.text) },
                file: row["file"], late: row["late"], signedWith: row["signed_with"], state: row["state"])
        }
    }

    static func flag(_ id: String, db: Database) throws -> Flag? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT record FROM flag WHERE id = ?"), arguments: [id])
            .map { try StoreCoding.decode(Flag.self, $0, table: "flag", key: id) }
    }

    static func flags(_ db: Database) throws -> [String: Flag] {
        try decodeFlags(Row.fetchAll(db, sql: "SELECT id, record FROM flag"))
    }

    /// Flags with these ids, and the unresolved flags of these rules.
    static func flags(ids: Set<String>, openRules: Set<String>, db: Database) throws -> [String: Flag] {
        var rows: [Row] = []
        let byID = try db.cachedStatement(sql: "SELECT id, record FROM flag WHERE id = ?")
        for id in ids { rows += try Row.fetchAll(byID, arguments: [id]) }
        let byRule = try db.cachedStatement(sql: "SELECT id, record FROM flag WHERE rule = ? AND state != 'resolved'")
        for rule in openRules { rows += try Row.fetchAll(byRule, arguments: [rule]) }
        return try decodeFlags(rows)
    }

    /// Flags whose current version no digest has issued (or, with `since`, that changed since then).
    static func pendingFlags(since: String?, db: Database) throws -> [String: Flag] {
        var sql = """
            SELECT id, record FROM flag f
            WHERE NOT EXISTS (SELECT 1 FROM notification n
                              WHERE n.key = (CASE f.state WHEN 'resolved' THEN 'resolved:' ELSE 'flag:' END) || f.id || ':v' || f.version)
            """
        var arguments: StatementArguments = []
        if let since {
            sql += " OR f.changed_at >= ?"
            arguments += [since]
        }
        return try decodeFlags(Row.fetchAll(db, sql: sql, arguments: arguments))
    }

    /// Rows of (id, record), decoded or failed with the flag's id.
    private static func decodeFlags(_ rows: [Row]) throws -> [String: Flag] {
        var result: [String: Flag] = [:]
        for row in rows {
            let id: String = row[0]
            result[id] = try StoreCoding.decode(Flag.self, row[1], table: "flag", key: id)
        }
        return result
    }

    static func silences(_ db: Database) throws -> [Silence] {
        try Row.fetchAll(db, sql: "SELECT id, record FROM silence ORDER BY id").map { row in
            try StoreCoding.decode(Silence.self, row[1], table: "silence", key: row[0])
        }
    }

    static func issued(_ keys: [String], db: Database) throws -> Set<String> {
        var found = Set<String>()
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM notification WHERE key = ?")
        for key in keys where try Bool.fetchOne(statement, arguments: [key]) == true { found.insert(key) }
        return found
    }

    static func members(_ db: Database) throws -> [Member] {
        try Row.fetchAll(db, sql: "SELECT id, record FROM member ORDER BY position").map { row in
            try StoreCoding.decode(Member.self, row[1], table: "member", key: row[0])
        }
    }
}
