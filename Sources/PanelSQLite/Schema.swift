import GRDB
import PanelRelational

/// Named, ordered, append-only migrations. Never edit a shipped one: add the next.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-event-log") { db in
            try db.execute(sql: """
                CREATE TABLE event (
                    sequence INTEGER PRIMARY KEY,
                    time TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    type TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX event_subject ON event(subject, sequence);
                CREATE INDEX event_type ON event(type, sequence);
                CREATE TABLE chain_head (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    sequence INTEGER NOT NULL,
                    hash TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v1-references") { db in
            try db.execute(sql: """
                CREATE TABLE reference (
                    rowid INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    format TEXT NOT NULL,
                    adapter TEXT NOT NULL,
                    title TEXT NOT NULL,
                    authors TEXT NOT NULL,
                    published TEXT,
                    container TEXT,
                    country TEXT,
                    document_type TEXT,
                    keywords TEXT NOT NULL,
                    identifiers TEXT NOT NULL,
                    abstract TEXT NOT NULL,
                    url TEXT,
                    canonical_hash TEXT NOT NULL UNIQUE,
                    object TEXT NOT NULL,
                    source TEXT NOT NULL,
                    record_index INTEGER NOT NULL,
                    ingested_at TEXT NOT NULL
                );
                CREATE INDEX reference_object ON reference(object);
                CREATE INDEX reference_published ON reference(published);
                CREATE TABLE reference_identifier (
                    scheme TEXT NOT NULL,
                    value TEXT NOT NULL,
                    reference TEXT NOT NULL,
                    PRIMARY KEY (scheme, value)
                ) WITHOUT ROWID;
                CREATE TABLE reference_keyword (
                    keyword TEXT NOT NULL COLLATE NOCASE,
                    reference INTEGER NOT NULL,
                    PRIMARY KEY (keyword, reference)
                ) WITHOUT ROWID;
                CREATE VIRTUAL TABLE reference_text USING fts5(
                    title, authors, keywords, abstract, body,
                    tokenize = 'porter unicode61 remove_diacritics 2'
                );
                """)
        }
        migrator.registerMigration("v1-objects") { db in
            try db.execute(sql: """
                CREATE TABLE object (
                    hash TEXT PRIMARY KEY,
                    size INTEGER NOT NULL,
                    bytes BLOB NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-members") { db in
            try db.execute(sql: """
                CREATE TABLE member (
                    position INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    record TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3-assessments") { db in
            try db.execute(sql: """
                CREATE TABLE assessment (
                    position INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    stage TEXT NOT NULL,
                    record TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4-review") { db in
            try db.execute(sql: """
                CREATE TABLE assignment (
                    assessment TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    reviewer TEXT NOT NULL,
                    deadline TEXT NOT NULL,
                    position INTEGER PRIMARY KEY
                );
                CREATE INDEX assignment_assessment ON assignment(assessment);
                CREATE INDEX assignment_reviewer ON assignment(reviewer);
                CREATE TABLE review (
                    position INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    assessment TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    draft INTEGER NOT NULL,
                    reviewer TEXT NOT NULL,
                    recommendation TEXT NOT NULL,
                    confidence TEXT,
                    summary TEXT NOT NULL,
                    file TEXT NOT NULL UNIQUE,
                    late INTEGER NOT NULL
                );
                CREATE INDEX review_assessment ON review(assessment);
                CREATE TABLE comment (
                    position INTEGER PRIMARY KEY,
                    assessment TEXT NOT NULL,
                    id TEXT NOT NULL,
                    review TEXT NOT NULL,
                    from_line INTEGER NOT NULL,
                    to_line INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    text TEXT NOT NULL,
                    response TEXT,
                    response_text TEXT,
                    UNIQUE (assessment, id)
                );
                CREATE INDEX comment_review ON comment(review);
                CREATE TABLE signoff (
                    position INTEGER PRIMARY KEY,
                    assessment TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    editor TEXT NOT NULL
                );
                CREATE TABLE vote (
                    position INTEGER PRIMARY KEY,
                    assessment TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    member TEXT NOT NULL,
                    choice TEXT NOT NULL,
                    reason TEXT
                );
                CREATE TABLE statement_decision (
                    assessment TEXT NOT NULL,
                    statement TEXT NOT NULL,
                    decision TEXT NOT NULL,
                    reason TEXT,
                    PRIMARY KEY (assessment, statement)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v5-received-files") { db in
            try db.execute(sql: """
                CREATE TABLE received_file (
                    hash TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    assessment TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v6-early-warning") { db in
            try db.execute(sql: """
                CREATE TABLE rule_match (
                    position INTEGER PRIMARY KEY,
                    rule TEXT NOT NULL,
                    reference TEXT NOT NULL,
                    at TEXT NOT NULL,
                    keywords TEXT NOT NULL,
                    country TEXT,
                    format TEXT NOT NULL,
                    record TEXT NOT NULL,
                    UNIQUE (rule, reference)
                );
                CREATE INDEX rule_match_rule ON rule_match(rule, at);
                CREATE TABLE flag (
                    id TEXT PRIMARY KEY,
                    rule TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    state TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    changed_at TEXT NOT NULL,
                    record TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX flag_rule ON flag(rule, state);
                CREATE INDEX flag_fingerprint ON flag(rule, fingerprint);
                CREATE TABLE silence (
                    id TEXT PRIMARY KEY,
                    record TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE notification (
                    key TEXT PRIMARY KEY,
                    digest TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v7-recorded-by") { db in
            // Who ran a command on a member's behalf (or 'declared'); part of the event's hash when present.
            try db.execute(sql: "ALTER TABLE event ADD COLUMN recorded_by TEXT")
        }
        migrator.registerMigration("v8-review-signature") { db in
            // The fingerprint of the key that signed a review file.
            try db.execute(sql: "ALTER TABLE review ADD COLUMN signed_with TEXT")
        }
        migrator.registerMigration("v9-signoff-report") { db in
            // The hash of a review editor's report kept with the sign-off.
            try db.execute(sql: "ALTER TABLE signoff ADD COLUMN report TEXT")
        }
        migrator.registerMigration("v10-reference-namespace") { db in
            // The root element's namespace as the document wrote it (which Akoma Ntoso draft, for instance).
            try db.execute(sql: "ALTER TABLE reference ADD COLUMN namespace TEXT")
        }
        migrator.registerMigration("v11-government-comments") { db in
            // The member state a government comment file speaks for (nil for expert reviews).
            try db.execute(sql: "ALTER TABLE review ADD COLUMN state TEXT")
        }
        migrator.registerMigration("v12-assessment-statements") { db in
            // The summary statements of an assessment's latest draft in a column of their own: they are
            // most of the record, and what reads every assessment (status, blinding) reads the rest.
            try db.execute(sql: """
                ALTER TABLE assessment ADD COLUMN statements TEXT NOT NULL DEFAULT '[]';
                UPDATE assessment SET statements = json_extract(record, '$.statements'), record = json_remove(record, '$.statements')
                    WHERE json_type(record, '$.statements') = 'array';
                """)
        }
        migrator.registerMigration("v13-drafts") { db in
            // An assessment's drafts in a table of their own, in the order submitted: read from JSON,
            // they were most of the cost of reading every assessment.
            try LayoutChecks.draftsCanMove(GRDBSession(db: db))
            try db.execute(sql: """
                CREATE TABLE draft (
                    position INTEGER PRIMARY KEY,
                    assessment TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    hash TEXT NOT NULL,
                    lines INTEGER NOT NULL,
                    statement_count INTEGER NOT NULL,
                    stage TEXT NOT NULL,
                    submitted_at TEXT NOT NULL,
                    submitted_by TEXT NOT NULL,
                    citations TEXT
                );
                CREATE INDEX draft_assessment ON draft(assessment);
                INSERT INTO draft (assessment, version, hash, lines, statement_count, stage, submitted_at, submitted_by, citations)
                    SELECT a.id, json_extract(d.value, '$.version'), json_extract(d.value, '$.hash'), json_extract(d.value, '$.lines'),
                           json_extract(d.value, '$.statementCount'), json_extract(d.value, '$.stage'),
                           json_extract(d.value, '$.submittedAt'), json_extract(d.value, '$.submittedBy'),
                           CASE WHEN json_type(d.value, '$.citations') = 'array' THEN json_extract(d.value, '$.citations') END
                    FROM assessment a, json_each(a.record, '$.drafts') d
                    ORDER BY a.position, d.key;
                UPDATE assessment SET record = json_set(record, '$.drafts', json('[]'));
                """)
        }
        return migrator
    }
}
