import PanelCore
import PanelRelational

/// Named, ordered, append-only migrations of the PostgreSQL schema, applied
/// under the panel's advisory lock so two machines starting at once migrate
/// once. The tables are the embedded store's (the relational code is shared);
/// a reference's text is a column with a weighted `tsvector` and a GIN index.
enum PostgresSchema {
    /// The first key of the panel's advisory locks: the schema's own, so panels in
    /// other schemas of the same database never wait on each other.
    static let lockKey = "hashtext(current_schema())"

    static let migrations: [(name: String, sql: String)] = [
        ("pg1-schema", """
            CREATE TABLE event (
                sequence BIGINT PRIMARY KEY,
                time TEXT NOT NULL,
                actor TEXT NOT NULL,
                type TEXT NOT NULL,
                subject TEXT NOT NULL,
                payload TEXT NOT NULL,
                previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL,
                recorded_by TEXT
            );
            CREATE INDEX event_subject ON event (subject, sequence);
            CREATE INDEX event_type ON event (type, sequence);
            CREATE TABLE chain_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                sequence BIGINT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE TABLE reference (
                rowid BIGSERIAL PRIMARY KEY,
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
                record_index BIGINT NOT NULL,
                ingested_at TEXT NOT NULL,
                namespace TEXT,
                author_names TEXT NOT NULL DEFAULT '',
                body TEXT NOT NULL DEFAULT '',
                search TSVECTOR NOT NULL DEFAULT ''
            );
            CREATE INDEX reference_object ON reference (object);
            CREATE INDEX reference_published ON reference (published);
            CREATE INDEX reference_search ON reference USING GIN (search);
            CREATE TABLE reference_identifier (
                scheme TEXT NOT NULL,
                value TEXT NOT NULL,
                reference TEXT NOT NULL,
                PRIMARY KEY (scheme, value)
            );
            CREATE TABLE reference_keyword (
                keyword TEXT NOT NULL,
                reference BIGINT NOT NULL,
                PRIMARY KEY (keyword, reference)
            );
            CREATE TABLE object (
                hash TEXT PRIMARY KEY,
                size BIGINT NOT NULL,
                bytes BYTEA NOT NULL
            );
            CREATE TABLE member (
                position BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                record TEXT NOT NULL
            );
            CREATE TABLE assessment (
                position BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                stage TEXT NOT NULL,
                record TEXT NOT NULL
            );
            CREATE TABLE assignment (
                position BIGSERIAL PRIMARY KEY,
                assessment TEXT NOT NULL,
                stage TEXT NOT NULL,
                reviewer TEXT NOT NULL,
                deadline TEXT NOT NULL
            );
            CREATE INDEX assignment_assessment ON assignment (assessment);
            CREATE INDEX assignment_reviewer ON assignment (reviewer);
            CREATE TABLE review (
                position BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                assessment TEXT NOT NULL,
                stage TEXT NOT NULL,
                draft BIGINT NOT NULL,
                reviewer TEXT NOT NULL,
                recommendation TEXT NOT NULL,
                confidence TEXT,
                summary TEXT NOT NULL,
                file TEXT NOT NULL UNIQUE,
                late BIGINT NOT NULL,
                signed_with TEXT,
                state TEXT
            );
            CREATE INDEX review_assessment ON review (assessment);
            CREATE TABLE comment (
                position BIGSERIAL PRIMARY KEY,
                assessment TEXT NOT NULL,
                id TEXT NOT NULL,
                review TEXT NOT NULL,
                from_line BIGINT NOT NULL,
                to_line BIGINT NOT NULL,
                kind TEXT NOT NULL,
                text TEXT NOT NULL,
                response TEXT,
                response_text TEXT,
                UNIQUE (assessment, id)
            );
            CREATE INDEX comment_review ON comment (review);
            CREATE TABLE signoff (
                position BIGSERIAL PRIMARY KEY,
                assessment TEXT NOT NULL,
                stage TEXT NOT NULL,
                editor TEXT NOT NULL,
                report TEXT
            );
            CREATE TABLE vote (
                position BIGSERIAL PRIMARY KEY,
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
            );
            CREATE TABLE received_file (
                hash TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                assessment TEXT NOT NULL
            );
            CREATE TABLE rule_match (
                position BIGSERIAL PRIMARY KEY,
                rule TEXT NOT NULL,
                reference TEXT NOT NULL,
                at TEXT NOT NULL,
                keywords TEXT NOT NULL,
                country TEXT,
                format TEXT NOT NULL,
                record TEXT NOT NULL,
                UNIQUE (rule, reference)
            );
            CREATE INDEX rule_match_rule ON rule_match (rule, at);
            CREATE TABLE flag (
                id TEXT PRIMARY KEY,
                rule TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                state TEXT NOT NULL,
                version BIGINT NOT NULL,
                changed_at TEXT NOT NULL,
                record TEXT NOT NULL
            );
            CREATE INDEX flag_rule ON flag (rule, state);
            CREATE INDEX flag_fingerprint ON flag (rule, fingerprint);
            CREATE TABLE silence (
                id TEXT PRIMARY KEY,
                record TEXT NOT NULL
            );
            CREATE TABLE notification (
                key TEXT PRIMARY KEY,
                digest TEXT NOT NULL
            );
            """),
        // Large originals as PostgreSQL large objects, written and read in chunks (no shared folder needed).
        ("pg2-large-objects", """
            ALTER TABLE object ADD COLUMN large OID;
            ALTER TABLE object ALTER COLUMN bytes DROP NOT NULL;
            ALTER TABLE object ADD CONSTRAINT object_bytes_or_large CHECK ((bytes IS NULL) <> (large IS NULL))
            """),
        // The summary statements of an assessment's latest draft in a column of their own: they are
        // most of the record, and what reads every assessment (status, blinding) reads the rest.
        ("pg3-assessment-statements", """
            ALTER TABLE assessment ADD COLUMN statements TEXT NOT NULL DEFAULT '[]';
            UPDATE assessment SET statements = (record::jsonb -> 'statements')::text, record = (record::jsonb - 'statements')::text
                WHERE jsonb_typeof(record::jsonb -> 'statements') = 'array'
            """),
        // An assessment's drafts in a table of their own, in the order submitted: read from JSON,
        // they were most of the cost of reading every assessment.
        ("pg4-drafts", """
            CREATE TABLE draft (
                position BIGSERIAL PRIMARY KEY,
                assessment TEXT NOT NULL,
                version BIGINT NOT NULL,
                hash TEXT NOT NULL,
                lines BIGINT NOT NULL,
                statement_count BIGINT NOT NULL,
                stage TEXT NOT NULL,
                submitted_at TEXT NOT NULL,
                submitted_by TEXT NOT NULL,
                citations TEXT
            );
            CREATE INDEX draft_assessment ON draft (assessment);
            INSERT INTO draft (assessment, version, hash, lines, statement_count, stage, submitted_at, submitted_by, citations)
                SELECT a.id, (d.value ->> 'version')::bigint, d.value ->> 'hash', (d.value ->> 'lines')::bigint,
                       (d.value ->> 'statementCount')::bigint, d.value ->> 'stage', d.value ->> 'submittedAt', d.value ->> 'submittedBy',
                       CASE WHEN jsonb_typeof(d.value -> 'citations') = 'array' THEN (d.value -> 'citations')::text END
                FROM assessment a CROSS JOIN LATERAL jsonb_array_elements(a.record::jsonb -> 'drafts') WITH ORDINALITY AS d(value, n)
                ORDER BY a.position, d.n;
            UPDATE assessment SET record = jsonb_set(record::jsonb, '{drafts}', '[]'::jsonb)::text
            """),
    ]

    /// Run before the migration `name`: rows it cannot carry are named, not left to a constraint.
    static func check(before name: String, _ session: any SQLSession) throws {
        if name == "pg4-drafts" { try LayoutChecks.draftsCanMove(session) }
    }

    /// Whether the schema already holds a panel (its migrations table).
    private static func holdsPanel(_ session: PostgresSession, schema: String) throws -> Bool {
        try session.exists("SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = 'panel_migration'", [schema])
    }

    /// A panel gets a schema of its own: one that holds no panel yet but other tables (an
    /// application's `public` schema, say) is refused before anything is created in it, so the
    /// panel's tables are never mixed with someone else's (nor a dropped schema takes theirs).
    static func refuseForeignTables(_ session: PostgresSession, schema: String) throws {
        if try holdsPanel(session, schema: schema) { return }
        let tables = try session.rows("""
            SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name LIMIT 6
            """, [schema]).map { try $0.string(0) }
        guard tables.isEmpty else {
            let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
            throw PostgresStoreError.location(
                "schema '\(schema)' of \(session.location) holds tables that are not a panel's (\(shown)); "
                + "give the panel a schema of its own: add ?schema=NAME to the URL")
        }
    }

    /// Creates the schema (named in the URL) if needed and applies what is missing, in one transaction.
    static func migrate(_ session: PostgresSession) throws {
        let schema = session.location.schema
        // The common case reads one table and changes nothing.
        try session.script("SET search_path TO \(schema)")
        if try holdsPanel(session, schema: schema) {
            let applied = Set(try session.rows("SELECT name FROM panel_migration").map { try $0.string(0) })
            if migrations.allSatisfy({ applied.contains($0.name) }) { return }
        }
        try session.script("BEGIN")
        do {
            try session.script("CREATE SCHEMA IF NOT EXISTS \(schema)")
            try session.execute("SELECT pg_advisory_xact_lock(\(lockKey), 0)")
            try refuseForeignTables(session, schema: schema)
            try session.script("CREATE TABLE IF NOT EXISTS panel_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            let done = Set(try session.rows("SELECT name FROM panel_migration").map { try $0.string(0) })
            for migration in migrations where !done.contains(migration.name) {
                try check(before: migration.name, session)
                try session.script(migration.sql)
                try session.execute("INSERT INTO panel_migration (name) VALUES (?)", [migration.name])
            }
            try session.script("COMMIT")
        } catch {
            try session.script("ROLLBACK")
            throw error
        }
    }
}
