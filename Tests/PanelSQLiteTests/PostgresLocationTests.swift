import Testing
@testable import PanelPostgres

/// Reading a PostgreSQL URL: no password from it, ever; the password from the environment or .pgpass.
@Suite("PostgreSQL locations")
struct PostgresLocationTests {
    @Test func aURLNamesServerDatabaseAndSchema() throws {
        let location = try PostgresLocation(url: "postgresql://panel@db.example.org:6543/un?schema=iispa&sslmode=require", environment: [:])
        #expect(location.user == "panel" && location.host == "db.example.org" && location.port == 6543)
        #expect(location.database == "un" && location.schema == "iispa" && location.tls == .require)
        #expect(location.password == nil)
        #expect(location.description == "postgresql://panel@db.example.org:6543/un?schema=iispa")
        let defaults = try PostgresLocation(url: "postgres://db.example.org", environment: ["PGUSER": "cron"])
        #expect(defaults.user == "cron" && defaults.port == 5432 && defaults.database == "cron" && defaults.schema == "public" && defaults.tls == .prefer)
    }

    @Test func aPasswordInTheURLIsRefusedWithoutBeingRepeated() {
        #expect {
            try PostgresLocation(url: "postgresql://panel:s3cret@db.example.org/un", environment: [:])
        } throws: { error in
            let text = "\(error)"
            return text.contains("do not write the password into the URL") && !text.contains("s3cret")
        }
        #expect {
            try PostgresLocation(url: "postgresql://panel@db.example.org/un?password=s3cret", environment: [:])
        } throws: { "\($0)".contains("do not write the password into the URL") && !"\($0)".contains("s3cret") }
        // A parameter it does not know may be a secret in the wrong place: named, its value not shown.
        #expect {
            try PostgresLocation(url: "postgresql://panel@db.example.org/un?token=s3cret", environment: [:])
        } throws: { "\($0)".contains("unknown parameter 'token'") && !"\($0)".contains("s3cret") }
    }

    @Test(arguments: [
        ("postgresql://panel@db/un?schema=Bad-Name", "schema 'Bad-Name' must be lower-case letters"),
        ("postgresql://panel@db/un?sslmode=verify-full", "sslmode 'verify-full' is not one of disable, prefer, require"),
        ("postgresql://panel@db/un?timeout=5", "unknown parameter 'timeout' (known: schema, sslmode)"),
        ("mysql://panel@db/un", "is not a PostgreSQL URL"),
        ("postgresql:///un", "the URL names no host"),
    ])
    func badURLsAreNamed(url: String, message: String) {
        #expect {
            try PostgresLocation(url: url, environment: [:])
        } throws: { error in "\(error)".contains(message) }
    }

    @Test func thePasswordComesFromTheEnvironmentOrPgpass() throws {
        let url = "postgresql://panel@db.example.org:5432/un"
        #expect(try PostgresLocation(url: url, environment: ["PGPASSWORD": "from-env"]).password == "from-env")
        let pgpass = """
            # host:port:database:user:password
            other.example.org:5432:un:panel:wrong
            db.example.org:5432:*:panel:p\\:ss\\\\word
            *:*:*:*:fallback
            """
        #expect(PostgresLocation.password(inPassFile: pgpass, host: "db.example.org", port: 5432, database: "un", user: "panel") == "p:ss\\word")
        #expect(PostgresLocation.password(inPassFile: pgpass, host: "third.example.org", port: 5433, database: "x", user: "y") == "fallback")
        #expect(PostgresLocation.password(inPassFile: "", host: "db", port: 5432, database: "un", user: "panel") == nil)
        // A password file named and unreadable is said, not ignored.
        #expect {
            try PostgresLocation(url: url, environment: ["PGPASSFILE": "/nonexistent/pgpass"])
        } throws: { "\($0)".hasPrefix("/nonexistent/pgpass: the PostgreSQL password file cannot be read") }
    }
}
