import Foundation
import PanelCore

/// Query tables kept in step with the log: each appended event updates them
/// in the same transaction, so reads never replay the log. An assessment's
/// own record holds its core; its review state lives in tables of its own
/// (assignments, reviews, comments, sign-offs, votes, statement decisions)
/// and is composed on read, so 80,000 comments never rewrite one record.
/// Written once, for every store: the SQL is what SQLite and PostgreSQL share.
public enum Projections {
    /// Updates the query tables for one sealed event. The switch is exhaustive:
    /// an event kind the tables forget does not compile.
    static func apply(_ event: PanelEvent, record: EventRecord, db: any SQLSession) throws {
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
                try db.execute("INSERT INTO assignment (assessment, stage, reviewer, deadline) VALUES (?, ?, ?, ?)",
                               [assigned.assessment, assigned.stage, reviewer, assigned.deadline])
            }
        case .reviewReceived(let received):
            let review = received.review
            try db.execute("""
                INSERT INTO review (id, assessment, stage, draft, reviewer, recommendation, confidence, summary, file, late, signed_with, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [review.id, review.assessment, review.stage, review.draft, review.reviewer,
                      review.recommendation.rawValue, review.confidence?.rawValue, review.summary,
                      review.file, review.late, review.signedWith, review.state])
            try db.execute("INSERT INTO received_file (hash, kind, assessment) VALUES (?, 'review', ?) ON CONFLICT DO NOTHING",
                           [review.file, review.assessment])
            // Many rows a statement (one round trip to a database server for a whole review, not one per comment).
            for start in stride(from: 0, to: review.comments.count, by: 500) {
                let chunk = review.comments[start..<min(start + 500, review.comments.count)]
                try db.execute(
                    "INSERT INTO comment (assessment, id, review, from_line, to_line, kind, text) VALUES "
                        + Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "),
                    chunk.flatMap { comment -> [any SQLArgument] in
                        [review.assessment, comment.id, review.id, comment.fromLine, comment.toLine, comment.kind.rawValue, comment.text]
                    })
            }
        case .responsesRecorded(let recorded):
            if let file = recorded.file {
                try db.execute("INSERT INTO received_file (hash, kind, assessment) VALUES (?, 'responses', ?) ON CONFLICT DO NOTHING",
                               [file, recorded.assessment])
            }
            for response in recorded.responses {
                try db.execute("UPDATE comment SET response = ?, response_text = ? WHERE assessment = ? AND id = ?",
                               [response.kind.rawValue, response.text, recorded.assessment, response.comment])
            }
        case .signOffRecorded(let signOff):
            try db.execute("INSERT INTO signoff (assessment, stage, editor, report) VALUES (?, ?, ?, ?)",
                           [signOff.assessment, signOff.stage, signOff.editor, signOff.report])
        case .voteCast(let vote):
            try db.execute("INSERT INTO vote (assessment, stage, member, choice, reason) VALUES (?, ?, ?, ?, ?)",
                           [vote.assessment, vote.stage, vote.member, vote.choice.rawValue, vote.reason])
        case .statementDecided(let decided):
            try db.execute("""
                INSERT INTO statement_decision (assessment, statement, decision, reason) VALUES (?, ?, ?, ?)
                ON CONFLICT (assessment, statement) DO UPDATE SET decision = excluded.decision, reason = excluded.reason
                """, [decided.assessment, decided.statement, decided.decision.rawValue, decided.reason])
        case .flagRaised, .flagChanged, .flagAcknowledged, .flagResolved:
            var flags: [String: Flag] = [:]
            let id = record.subject
            if let current = try flag(id, db: db) { flags[id] = current }
            FlagFold.apply(event, time: record.time, actor: record.actor, to: &flags)
            guard let next = flags[id] else { return }
            try db.execute("""
                INSERT INTO flag (id, rule, fingerprint, state, version, changed_at, record) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, version = excluded.version,
                    changed_at = excluded.changed_at, record = excluded.record
                """, [next.id, next.rule, next.fingerprint, next.state.rawValue, next.version, next.changedAt,
                      try StoreCoding.encode(next)])
        case .silenceCreated(let created):
            let silence = created.silence
            if try db.exists("SELECT 1 FROM silence WHERE id = ?", [silence.id]) {
                throw StoreError.duplicate(table: "silence", key: silence.id)
            }
            try db.execute("INSERT INTO silence (id, record) VALUES (?, ?)", [silence.id, try StoreCoding.encode(silence)])
        case .silenceEnded(let ended):
            let current = try db.row("SELECT record FROM silence WHERE id = ?", [ended.id])
                .map { try StoreCoding.decode(Silence.self, $0.string(0), table: "silence", key: ended.id) }
            guard let next = Silence.ending(current, at: record.time, by: record.actor, reason: ended.reason) else {
                throw StoreError.undecodable(table: "silence", key: ended.id, detail: "event \(record.sequence) ends a silence the table does not have")
            }
            try db.execute("UPDATE silence SET record = ? WHERE id = ?", [try StoreCoding.encode(next), ended.id])
        case .digestIssued(let digest):
            for key in digest.keys {
                try db.execute("""
                    INSERT INTO notification (key, digest) VALUES (?, ?)
                    ON CONFLICT (key) DO UPDATE SET digest = excluded.digest
                    """, [key, digest.id])
            }
        case .assessmentOpened(let opened):
            let assessment = opened.assessment
            if try db.exists("SELECT 1 FROM assessment WHERE id = ?", [assessment.id]) {
                throw StoreError.duplicate(table: "assessment", key: assessment.id)
            }
            try db.execute("INSERT INTO assessment (id, stage, record, statements) VALUES (?, ?, ?, ?)",
                           [assessment.id, assessment.stage] + (try columns(of: assessment)))
            for draft in assessment.drafts { try insert(draft, of: assessment.id, db: db) }
        case .reviewerExtended(let extended):
            try db.execute("UPDATE assignment SET deadline = ? WHERE assessment = ? AND stage = ? AND reviewer = ?",
                           [extended.deadline, extended.assessment, extended.stage, extended.reviewer])
        case .signOffWithdrawn(let withdrawn):
            try db.execute("DELETE FROM signoff WHERE assessment = ? AND stage = ? AND editor = ?",
                           [withdrawn.assessment, withdrawn.stage, withdrawn.editor])
        case .draftSubmitted, .stageAdvanced, .deadlineExtended, .teamChanged, .assessmentWithdrawn, .reviewWindowClosed, .evidenceSubmitted:
            guard let change = AssessmentFold.change(of: event) else { return }
            let id = change.assessment
            guard let current = try core(id, db: db) else {
                throw StoreError.undecodable(table: "assessment", key: id, detail: "event \(record.sequence) changes an assessment the table does not have")
            }
            guard let next = AssessmentFold.apply(change, time: record.time, actor: record.actor, to: current) else { return }
            if case .draftSubmitted = event {
                // Statement decisions belong to a draft: a new draft starts afresh.
                try db.execute("DELETE FROM statement_decision WHERE assessment = ?", [id])
            }
            try db.execute("UPDATE assessment SET stage = ?, record = ?, statements = ? WHERE id = ?",
                           [next.stage] + (try columns(of: next)) + [id])
            // Drafts are only ever added: the table receives the new ones.
            guard next.drafts.starts(with: current.drafts) else {
                throw StoreError.undecodable(table: "draft", key: id, detail: "event \(record.sequence) changes a recorded draft; drafts are only ever added")
            }
            for draft in next.drafts.dropFirst(current.drafts.count) { try insert(draft, of: id, db: db) }
        }
    }

    private static func insert(_ draft: Draft, of assessment: String, db: any SQLSession) throws {
        try db.execute("""
            INSERT INTO draft (assessment, version, hash, lines, statement_count, stage, submitted_at, submitted_by, citations)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [assessment, draft.version, draft.hash, draft.lines, draft.statementCount, draft.stage,
                  draft.submittedAt, draft.submittedBy, try draft.citations.map { try StoreCoding.encode($0) }])
    }

    /// An assessment's core as its two columns: the record without the summary statements and
    /// drafts, and the statements (most of the bytes, read only where a stage's requirements read
    /// them). Drafts have a table of their own: as JSON, decoding them was most of reading a record.
    private static func columns(of assessment: Assessment) throws -> [any SQLArgument] {
        [try StoreCoding.encode(assessment.core, userInfo: [Assessment.omittingStatements: true]),
         try StoreCoding.encode(assessment.statements)]
    }

    private static func put(_ member: Member, db: any SQLSession) throws {
        try db.execute("""
            INSERT INTO member (id, record) VALUES (?, ?)
            ON CONFLICT (id) DO UPDATE SET record = excluded.record
            """, [member.id, try StoreCoding.encode(member)])
    }

    /// Rows of (id, record) decoded as `T`, failing with the table and the row's id.
    private static func records<T: Decodable & Sendable>(_ type: T.Type, table: String, _ rows: [SQLRow]) throws -> [(id: String, value: T)] {
        let texts = try rows.map { row in (key: try row.string(0), text: try row.string(1)) }
        return zip(texts, try StoreCoding.decodeAll(T.self, texts, table: table)).map { ($0.key, $1) }
    }

    private static func core(_ id: String, db: any SQLSession) throws -> Assessment? {
        try cores(db.rows("SELECT id, record FROM assessment WHERE id = ?", [id]), withStatements: { _ in true },
                  db: db, only: id).first
    }

    /// Assessments from rows of (id, record) with their drafts, each with its statements where
    /// `needed` says so (asked of the assessment read without them) and an outline otherwise.
    /// `only` is the one assessment the rows hold, when they hold one.
    private static func cores(_ rows: [SQLRow], withStatements needed: (Assessment) -> Bool,
                              db: any SQLSession, only: String?) throws -> [Assessment] {
        let texts = try rows.map { row in (key: try row.string(0), text: try row.string(1)) }
        var result = try StoreCoding.decodeAll(Assessment.self, texts, table: "assessment", userInfo: [Assessment.omittingStatements: true])
        let drafts = try drafts(db, only: only)
        for index in result.indices {
            guard result[index].drafts.isEmpty else {
                throw StoreError.undecodable(table: "assessment", key: result[index].id, detail: "the record holds drafts, which belong in the draft table")
            }
            result[index].drafts = drafts[result[index].id] ?? []
        }
        let wanted = result.indices.filter { needed(result[$0]) }
        let stored = try statements(of: wanted.map { texts[$0].key }, all: only == nil && wanted.count == result.count, db: db)
        let statements = try StoreCoding.decodeAll([SummaryStatement].self, try wanted.map { index in
            let id = texts[index].key
            guard let text = stored[id] else {
                throw StoreError.undecodable(table: "assessment", key: id, detail: "its summary statements could not be read with its record")
            }
            return (key: id, text: text)
        }, table: "assessment")
        for (index, decoded) in zip(wanted, statements) { result[index].restore(statements: decoded) }
        return result
    }

    /// The statements column of these assessments by id, read only for them: the column is most of
    /// the table, and a reader that does not need it should not page it in. `all` says the ids are
    /// every row's (read in one pass rather than by key).
    private static func statements(of ids: [String], all: Bool, db: any SQLSession) throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        var texts: [String: String] = [:]
        for batch in all ? [[]] : stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let filter = all ? "" : " WHERE id IN (\(Array(repeating: "?", count: batch.count).joined(separator: ", ")))"
            for row in try db.rows("SELECT id, statements FROM assessment" + filter, batch) {
                texts[try row.string(0)] = try row.string(1)
            }
        }
        return texts
    }

    /// Drafts by assessment in the order they were submitted, of one assessment or (with `only` nil) all.
    private static func drafts(_ db: any SQLSession, only: String?) throws -> [String: [Draft]] {
        var drafts: [String: [Draft]] = [:]
        for row in try db.rows("""
            SELECT assessment, version, hash, lines, statement_count, stage, submitted_at, submitted_by, citations
            FROM draft\(only == nil ? "" : " WHERE assessment = ?") ORDER BY position
            """, only.map { [$0] } ?? []) {
            let assessment = try row.string(0), version = try row.int(1)
            let citations = try row.optionalString(8).map { text -> [DraftCitation] in
                // Most drafts cite nothing: no decoder for an empty list.
                text == "[]" ? [] : try StoreCoding.decode([DraftCitation].self, text, table: "draft", key: "\(assessment) version \(version)")
            }
            drafts[assessment, default: []].append(Draft(
                version: version, hash: try row.string(2), lines: try row.int(3), statementCount: try row.int(4), stage: try row.string(5),
                submittedAt: try row.string(6), submittedBy: try row.string(7), citations: citations))
        }
        return drafts
    }

    /// The core record with its review state composed from the tables.
    static func assessment(_ id: String, db: any SQLSession) throws -> Assessment? {
        guard let assessment = try core(id, db: db) else { return nil }
        var one = [assessment]
        try compose(&one, db: db, only: id)
        return one[0]
    }

    static func assessments(_ db: any SQLSession) throws -> [Assessment] {
        var result = try cores(db.rows("SELECT id, record FROM assessment ORDER BY position"), withStatements: { _ in true },
                               db: db, only: nil)
        try compose(&result, db: db, only: nil)
        return result
    }

    /// Every assessment, with its summary statements only where `needed` says so (asked of the
    /// assessment read without them): the statements are most of a record and most assessments'
    /// stages do not read them.
    static func assessments(_ db: any SQLSession, withStatements needed: (Assessment) -> Bool) throws -> [Assessment] {
        var result = try cores(db.rows("SELECT id, record FROM assessment ORDER BY position"), withStatements: needed,
                               db: db, only: nil)
        try compose(&result, db: db, only: nil)
        return result
    }

    /// Review state from its tables, for one assessment or (with `only` nil) all of them, a query per table.
    private static func compose(_ assessments: inout [Assessment], db: any SQLSession, only: String?) throws {
        guard !assessments.isEmpty else { return }
        let filter = only == nil ? "" : " WHERE assessment = ?"
        let reviewFilter = only == nil ? "" : " WHERE r.assessment = ?"
        let arguments: [any SQLArgument] = only.map { [$0] } ?? []
        var assignments: [String: [ReviewAssignment]] = [:]
        for row in try db.rows("SELECT assessment, reviewer, stage, deadline FROM assignment\(filter) ORDER BY position", arguments) {
            assignments[try row.string(0), default: []].append(
                ReviewAssignment(reviewer: try row.string(1), stage: try row.string(2), deadline: try row.string(3)))
        }
        var reviews: [String: [ReviewSummary]] = [:]
        for row in try db.rows("""
            SELECT r.assessment, r.id, r.reviewer, r.draft, r.stage, r.state,
                   count(c.position) FILTER (WHERE c.kind = 'substantive') AS substantive,
                   count(c.position) FILTER (WHERE c.kind = 'substantive' AND c.response IS NOT NULL) AS answered
            FROM review r LEFT JOIN comment c ON c.review = r.id\(reviewFilter)
            GROUP BY r.position ORDER BY r.position
            """, arguments) {
            reviews[try row.string(0), default: []].append(ReviewSummary(
                id: try row.string(1), reviewer: try row.string(2), draft: try row.int(3), stage: try row.string(4),
                substantive: try row.int(6), answered: try row.int(7), state: try row.optionalString(5)))
        }
        var counts: [String: Int] = [:]
        for row in try db.rows("SELECT assessment, count(*) AS n FROM comment\(filter) GROUP BY assessment", arguments) {
            counts[try row.string(0)] = try row.int(1)
        }
        var signOffs: [String: [SignOff]] = [:]
        for row in try db.rows("SELECT assessment, editor, stage, report FROM signoff\(filter) ORDER BY position", arguments) {
            signOffs[try row.string(0), default: []].append(
                SignOff(editor: try row.string(1), stage: try row.string(2), report: try row.optionalString(3)))
        }
        var votes: [String: [Vote]] = [:]
        for row in try db.rows("SELECT assessment, member, choice, stage FROM vote\(filter) ORDER BY position", arguments) {
            let assessment = try row.string(0), member = try row.string(1)
            let choice = try StoreCoding.value(VoteChoice.self, row.string(2), table: "vote", key: "\(assessment):\(member)", column: "choice")
            votes[assessment, default: []].append(Vote(member: member, choice: choice, stage: try row.string(3)))
        }
        var decisions: [String: [String: StatementDecision]] = [:]
        for row in try db.rows("SELECT assessment, statement, decision FROM statement_decision\(filter)", arguments) {
            let assessment = try row.string(0), statement = try row.string(1)
            decisions[assessment, default: [:]][statement] = try StoreCoding.value(
                StatementDecision.self, row.string(2), table: "statement_decision", key: "\(assessment):\(statement)", column: "decision")
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

    static func comments(of assessment: String, db: any SQLSession) throws -> [CommentRecord] {
        try db.rows("""
            SELECT c.id, c.review, r.reviewer, r.stage, r.draft, c.from_line, c.to_line, c.kind, c.text, c.response, c.response_text
            FROM comment c JOIN review r ON r.id = c.review
            WHERE c.assessment = ? ORDER BY c.position
            """, [assessment]).map { row in
            let key = "\(assessment):\(try row.string(0))"
            return CommentRecord(
                id: try row.string(0), review: try row.string(1), reviewer: try row.string(2), stage: try row.string(3),
                draft: try row.int(4), fromLine: try row.int(5), toLine: try row.int(6),
                kind: try StoreCoding.value(CommentKind.self, row.string(7), table: "comment", key: key, column: "kind"),
                text: try row.string(8),
                response: try row.optionalString(9).map { try StoreCoding.value(ResponseKind.self, $0, table: "comment", key: key, column: "response") },
                responseText: try row.optionalString(10))
        }
    }

    static func reviews(of assessment: String, db: any SQLSession) throws -> [Review] {
        let comments = try comments(of: assessment, db: db)
        let byReview = Dictionary(grouping: comments, by: \.review)
        return try db.rows("""
            SELECT id, assessment, stage, draft, reviewer, recommendation, confidence, summary, file, late, signed_with, state
            FROM review WHERE assessment = ? ORDER BY position
            """, [assessment]).map { row in
            let id = try row.string("id")
            return Review(
                id: id, assessment: try row.string("assessment"), stage: try row.string("stage"), draft: try row.int("draft"),
                reviewer: try row.string("reviewer"),
                recommendation: try StoreCoding.value(Recommendation.self, row.string("recommendation"), table: "review", key: id, column: "recommendation"),
                confidence: try row.optionalString("confidence").map {
                    try StoreCoding.value(ReviewerConfidence.self, $0, table: "review", key: id, column: "confidence")
                }, summary: try row.string("summary"),
                comments: (byReview[id] ?? []).map { Comment(id: $0.id, fromLine: $0.fromLine, toLine: $0.toLine, kind: $0.kind, text: $0.text) },
                file: try row.string("file"), late: try row.bool("late"), signedWith: try row.optionalString("signed_with"),
                state: try row.optionalString("state"))
        }
    }

    static func flag(_ id: String, db: any SQLSession) throws -> Flag? {
        try decodeFlags(db.rows("SELECT id, record FROM flag WHERE id = ?", [id]))[id]
    }

    static func flags(_ db: any SQLSession) throws -> [String: Flag] {
        try decodeFlags(db.rows("SELECT id, record FROM flag"))
    }

    /// Flags with these ids, and the unresolved flags of these rules.
    static func flags(ids: Set<String>, openRules: Set<String>, db: any SQLSession) throws -> [String: Flag] {
        var rows: [SQLRow] = []
        for id in ids { rows += try db.rows("SELECT id, record FROM flag WHERE id = ?", [id]) }
        for rule in openRules { rows += try db.rows("SELECT id, record FROM flag WHERE rule = ? AND state != 'resolved'", [rule]) }
        return try decodeFlags(rows)
    }

    /// Flags whose current version no digest has issued (or, with `since`, that changed since then).
    static func pendingFlags(since: String?, db: any SQLSession) throws -> [String: Flag] {
        var sql = """
            SELECT id, record FROM flag f
            WHERE NOT EXISTS (SELECT 1 FROM notification n
                              WHERE n.key = (CASE f.state WHEN 'resolved' THEN 'resolved:' ELSE 'flag:' END) || f.id || ':v' || f.version)
            """
        var arguments: [any SQLArgument] = []
        if let since {
            sql += " OR f.changed_at >= ?"
            arguments.append(since)
        }
        return try decodeFlags(db.rows(sql, arguments))
    }

    private static func decodeFlags(_ rows: [SQLRow]) throws -> [String: Flag] {
        var result: [String: Flag] = [:]
        for (id, flag) in try records(Flag.self, table: "flag", rows) { result[id] = flag }
        return result
    }

    static func silences(_ db: any SQLSession) throws -> [Silence] {
        try records(Silence.self, table: "silence", db.rows("SELECT id, record FROM silence ORDER BY id")).map(\.value)
    }

    static func issued(_ keys: [String], db: any SQLSession) throws -> Set<String> {
        var found = Set<String>()
        for key in keys where try db.exists("SELECT 1 FROM notification WHERE key = ?", [key]) { found.insert(key) }
        return found
    }

    static func members(_ db: any SQLSession) throws -> [Member] {
        try records(Member.self, table: "member", db.rows("SELECT id, record FROM member ORDER BY position")).map(\.value)
    }
}
