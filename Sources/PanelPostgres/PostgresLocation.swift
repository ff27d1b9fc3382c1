import Foundation
import PanelCore

/// Where a PostgreSQL store lives: `postgresql://USER@HOST:PORT/DATABASE`,
/// optionally `?schema=NAME` (one database may hold several panels, or a test
/// its own) and `sslmode=disable|prefer|require`. The password is never taken
/// from panel.yaml: it comes from `PGPASSWORD` or the `.pgpass` file (as psql
/// reads them), and no description of the location prints it.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var schema: String
    public var tls: TLSMode
    /// From the environment or `.pgpass`, never from the URL as written in a file.
    public var password: String?

    public static func isPostgresURL(_ text: String) -> Bool {
        StoreLocation(text).isPostgres
    }

    /// Parses a URL; a password written into it is refused (it would end up in
    /// panel.yaml, logs and shell history).
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let shown = Self.redacted(text)
        guard Self.isPostgresURL(text), var components = URLComponents(string: text) else {
            throw PostgresStoreError.location("'\(shown)' is not a PostgreSQL URL (postgresql://USER@HOST:PORT/DATABASE)")
        }
        components.scheme = components.scheme?.lowercased()
        if components.password != nil || (components.queryItems ?? []).contains(where: { $0.name.lowercased() == "password" }) {
            throw PostgresStoreError.location("\(shown): do not write the password into the URL; set PGPASSWORD or use a .pgpass file")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw PostgresStoreError.location("\(shown): port \(port) is not a TCP port (1 to 65535)")
        }
        let names = (components.queryItems ?? []).map(\.name)
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw PostgresStoreError.location("\(shown): '\(twice)' is given twice")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStoreError.location("\(shown): the URL names no host (postgresql://USER@HOST:PORT/DATABASE)")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        var schema = "public"
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "schema":
                guard let value = item.value, Self.isIdentifier(value) else {
                    throw PostgresStoreError.location("\(shown): schema '\(item.value ?? "")' must be lower-case letters, digits and underscores, starting with a letter or underscore")
                }
                schema = value
            case "sslmode":
                guard let value = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw PostgresStoreError.location("\(shown): sslmode '\(item.value ?? "")' is not one of disable, prefer, require")
                }
                tls = value
            default:
                throw PostgresStoreError.location("\(shown): unknown parameter '\(item.name)' (known: schema, sslmode)")
            }
        }
        self.schema = schema
        self.tls = tls
        self.password = try environment["PGPASSWORD"] ?? Self.passwordFile(environment: environment)
            .flatMap { Self.password(inPassFile: $0, host: host, port: port, database: database, user: user) }
    }

    /// The URL without any secret: safe for errors and logs.
    public var description: String {
        "postgresql://\(user)@\(host):\(port)/\(database)" + (schema == "public" ? "" : "?schema=\(schema)")
    }

    /// The URL as errors may show it: a password and the value of any parameter but schema and
    /// sslmode replaced by `***` (an unknown parameter may be a secret written in the wrong place).
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "the PostgreSQL URL" }
        if components.password != nil { components.password = "***" }
        components.queryItems = components.queryItems?.map {
            ["schema", "sslmode"].contains($0.name) ? $0 : URLQueryItem(name: $0.name, value: $0.value == nil ? nil : "***")
        }
        return components.string ?? "the PostgreSQL URL"
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return text.count <= 63 && text.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// The password file's text: `PGPASSFILE` (which must then be readable), else `~/.pgpass` if there is one.
    static func passwordFile(environment: [String: String]) throws -> String? {
        let path: String
        if let file = environment["PGPASSFILE"] {
            path = file
        } else if let home = environment["HOME"], FileManager.default.fileExists(atPath: home + "/.pgpass") {
            path = home + "/.pgpass"
        } else {
            return nil
        }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PostgresStoreError.location("\(path): the PostgreSQL password file cannot be read (\((error as NSError).localizedDescription))")
        }
    }

    /// The first `host:port:database:user:password` line that matches (`*` matches anything; `\:` and `\\` escape).
    static func password(inPassFile text: String, host: String, port: Int, database: String, user: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [""]
            var escaped = false
            for character in line {
                if escaped {
                    fields[fields.count - 1].append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == ":" && fields.count < 5 {
                    fields.append("")
                } else {
                    fields[fields.count - 1].append(character)
                }
            }
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}

/// A PostgreSQL store failure, in words that name the server (never its password).
public enum PostgresStoreError: Error, CustomStringConvertible, Equatable {
    case location(String)

    public var description: String {
        switch self {
        case .location(let text): text
        }
    }
}
