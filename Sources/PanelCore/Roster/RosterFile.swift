import Foundation
import Yams

/// Reads a roster written as YAML (`members: [...]`) or CSV (one member a
/// row), strictly: every problem in the file is reported with its line,
/// unknown keys and columns are rejected, and nothing is returned unless the
/// whole file is good.
public enum RosterFile {
    public static let csvColumns = [
        "id", "name", "nationality", "group", "gender", "affiliation", "expertise", "roles",
        "conflict_organisations", "conflict_members", "conflict_assessments", "login", "signing_keys",
    ]

    public static func parse(_ text: String, file: String) throws(ValidationFailure) -> [Member] {
        let members: [Located]
        var problems: [Problem]
        if file.lowercased().hasSuffix(".csv") {
            (members, problems) = parseCSV(text, file: file)
        } else {
            (members, problems) = parseYAML(text, file: file)
        }
        problems += duplicates(members, file: file)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return members.map(\.member)
    }

    /// A member with where it was written.
    struct Located {
        var member: Member
        var location: SourceLocation
    }

    private static func duplicates(_ members: [Located], file: String) -> [Problem] {
        var seen: [String: SourceLocation] = [:]
        var problems: [Problem] = []
        for entry in members {
            if let first = seen[entry.member.id] {
                problems.append(Problem(entry.location, "duplicate member id '\(entry.member.id)' (first at line \(first.line))"))
            } else {
                seen[entry.member.id] = entry.location
            }
        }
        return problems
    }

    // MARK: YAML

    private static func parseYAML(_ text: String, file: String) -> ([Located], [Problem]) {
        let reader = YAMLReader(file: file)
        guard let root = reader.root(of: text) else { return ([], reader.problems) }
        var members: [Located] = []
        for node in root.list("members", required: true) ?? [] {
            guard let map = reader.map(node, what: "a member") else { continue }
            var builder = MemberBuilder(location: reader.location(node))
            builder.id = map.string("id", required: true)
            builder.name = map.string("name", required: true)
            builder.nationality = map.string("nationality", required: true)
            builder.group = map.string("group", required: true)
            builder.gender = map.string("gender", required: true)
            builder.affiliation = map.string("affiliation", required: true)
            builder.expertise = map.strings("expertise") ?? []
            builder.roles = map.strings("roles") ?? ["member"]
            if let conflicts = map.map("conflicts") {
                builder.conflicts = Conflicts(
                    organisations: conflicts.strings("organisations") ?? [],
                    members: conflicts.strings("members") ?? [],
                    assessments: conflicts.strings("assessments") ?? [])
                conflicts.finish()
            }
            builder.login = map.string("login")
            builder.signingKeys = map.strings("signing-keys") ?? []
            map.finish()
            let positions: [String: SourceLocation] = Dictionary(uniqueKeysWithValues: map.keys.compactMap { key in
                map.keyNode(key).map { (key, reader.location($0)) }
            })
            if let member = builder.build(positions: positions, report: { reader.record($0) }) {
                members.append(Located(member: member, location: builder.location))
            }
        }
        root.finish()
        return (members, reader.problems)
    }

    // MARK: CSV

    private static func parseCSV(_ text: String, file: String) -> ([Located], [Problem]) {
        var (records, problems) = CSV.table(text, file: file, columns: csvColumns, required: Array(csvColumns.prefix(6)))
        var members: [Located] = []
        for record in records {
            let location = record.location
            let value = record.values
            func list(_ key: String) -> [String] {
                (value[key] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            var builder = MemberBuilder(location: location)
            for key in ["id", "name", "nationality", "group", "gender", "affiliation"] where (value[key] ?? "").isEmpty {
                problems.append(Problem(record.location(of: key), "missing value for '\(key)'"))
            }
            builder.id = value["id"].flatMap { $0.isEmpty ? nil : $0 }
            builder.name = value["name"].flatMap { $0.isEmpty ? nil : $0 }
            builder.nationality = value["nationality"].flatMap { $0.isEmpty ? nil : $0 }
            builder.group = value["group"].flatMap { $0.isEmpty ? nil : $0 }
            builder.gender = value["gender"].flatMap { $0.isEmpty ? nil : $0 }
            builder.affiliation = value["affiliation"].flatMap { $0.isEmpty ? nil : $0 }
            builder.expertise = list("expertise")
            builder.roles = list("roles").isEmpty ? ["member"] : list("roles")
            builder.conflicts = Conflicts(
                organisations: list("conflict_organisations"), members: list("conflict_members"),
                assessments: list("conflict_assessments"))
            builder.login = value["login"].flatMap { $0.isEmpty ? nil : $0 }
            builder.signingKeys = list("signing_keys")
            if let member = builder.build(positions: [:], report: { problems.append($0) }) {
                members.append(Located(member: member, location: location))
            }
        }
        return (members, problems)
    }
}

/// Collects a member's fields and checks their values.
struct MemberBuilder {
    var location: SourceLocation
    var id: String?
    var name: String?
    var nationality: String?
    var group: String?
    var gender: String?
    var affiliation: String?
    var expertise: [String] = []
    var roles: [String] = []
    var conflicts = Conflicts()
    var login: String?
    var signingKeys: [String] = []

    init(location: SourceLocation) { self.location = location }

    func build(positions: [String: SourceLocation], report: (Problem) -> Void) -> Member? {
        var ok = true
        func problem(_ key: String, _ message: String) {
            ok = false
            report(Problem(positions[key] ?? location, message))
        }
        if let id, !TextPatterns.isSlug(id) {
            problem("id", "member id '\(id)' must be lower-case letters, digits and dashes (e.g. exp-07)")
        }
        if let nationality, !TextPatterns.isCountryCode(nationality) {
            problem("nationality", "nationality '\(nationality)' must be an ISO 3166-1 alpha-2 code such as KE or BR")
        }
        let parsedGroup = group.flatMap(RegionalGroup.init(rawValue:))
        if let group, parsedGroup == nil {
            problem("group", "unknown regional group '\(group)'\(didYouMean(group, among: RegionalGroup.allCases.map(\.rawValue))) (one of: \(RegionalGroup.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let parsedGender = gender.flatMap(Gender.init(rawValue:)).flatMap { Gender.roster.contains($0) ? $0 : nil }
        if let gender, parsedGender == nil {
            problem("gender", "unknown gender '\(gender)'\(didYouMean(gender, among: Gender.roster.map(\.rawValue))) (one of: \(Gender.roster.map(\.rawValue).joined(separator: ", ")))")
        }
        var parsedRoles: [PanelRole] = []
        for role in roles {
            if let parsed = PanelRole(rawValue: role) {
                parsedRoles.append(parsed)
            } else {
                problem("roles", "unknown role '\(role)'\(didYouMean(role, among: PanelRole.allCases.map(\.rawValue))) (one of: \(PanelRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        if let login, !TextPatterns.isLogin(login) {
            problem("login", "login '\(login)' must be an OS user name: lower-case letters, digits, '_', '.' and '-'")
        }
        for key in signingKeys {
            if !SigningKey.looksLikeOpenSSH(key) {
                problem("signing-keys", "'\(key.prefix(40))' is not an OpenSSH public key line (ssh-ed25519, ecdsa-sha2-nistp256 or rsa-sha2 / ssh-rsa, then base64)")
            } else if let why = SigningKey.unusable(key) {
                problem("signing-keys", "signing key '\(key.prefix(40))…' is \(why)")
            }
        }
        guard ok, let id, let name, let nationality, let parsedGroup, let parsedGender, let affiliation else { return nil }
        return Member(id: id, name: name, nationality: nationality, group: parsedGroup, gender: parsedGender,
                      affiliation: affiliation, expertise: expertise, roles: parsedRoles, conflicts: conflicts,
                      login: login, signingKeys: signingKeys)
    }
}

/// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines.
enum CSV {
    struct Row {
        var line: Int
        var fields: [String]
        /// The workbook sheet the row is from (its line is then the sheet's row number).
        var sheet: String? = nil
    }

    /// One data row by column name (values trimmed), with where it starts.
    struct Record {
        var location: SourceLocation
        var values: [String: String]
        /// Each column's number (1-based), for problems about one field.
        var columns: [String: Int] = [:]

        subscript(_ column: String) -> String? { values[column] }

        /// Where a field of this row is: its line, and its column.
        func location(of column: String) -> SourceLocation {
            var at = location
            at.column = columns[column] ?? 1
            return at
        }
    }

    /// A CSV file with a header: unknown and missing columns reported against
    /// the header, rows with the wrong number of fields against their line,
    /// blank lines skipped. Records come back only when the header is good.
    static func table(_ text: String, file: String, columns known: [String], required: [String]) -> (records: [Record], problems: [Problem]) {
        table(rows: rows(text), file: file, columns: known, required: required)
    }

    /// The rows of a CSV text. Excel's "CSV UTF-8" starts with a byte-order mark; European Excel separates with semicolons.
    static func rows(_ text: String) -> [Row] {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        return parse(text, separator: separator(of: text))
    }

    /// A header name as a column key: `From Line` and `from-line` are `from_line`.
    static func columnKey(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    /// The same, for rows already split (a CSV file's or a workbook sheet's; the first row is the header).
    static func table(rows: [Row], file: String, columns known: [String], required: [String]) -> (records: [Record], problems: [Problem]) {
        guard let header = rows.first else {
            return ([], [Problem(SourceLocation(file: file, line: 1, column: 1), "the file is empty")])
        }
        var problems: [Problem] = []
        let names = header.fields.map(columnKey)
        for (index, name) in names.enumerated() where !known.contains(name) {
            problems.append(Problem(SourceLocation(file: file, line: header.line, column: index + 1, sheet: header.sheet),
                                    "unknown column '\(name)'\(didYouMean(name, among: known)) (known: \(known.joined(separator: ", ")))"))
        }
        // A misspelt column is reported once, as unknown with the name meant, not also as missing.
        let meant = Set(names.filter { !known.contains($0) }.compactMap { closest(to: $0, among: known) })
        for column in required where !names.contains(column) && !meant.contains(column) {
            problems.append(Problem(SourceLocation(file: file, line: header.line, column: 1, sheet: header.sheet), "missing column '\(column)'"))
        }
        guard problems.isEmpty else { return ([], problems) }
        var records: [Record] = []
        // A row with nothing in any cell is no record: spreadsheets write them (`,,,,` below the
        // data, or a blank line) and nobody sees them there.
        for row in rows.dropFirst() where !row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            let location = SourceLocation(file: file, line: row.line, column: 1, sheet: row.sheet)
            guard row.fields.count == names.count else {
                problems.append(Problem(location, "row has \(row.fields.count) fields, the header has \(names.count)"))
                continue
            }
            var values: [String: String] = [:]
            for (name, field) in zip(names, row.fields) { values[name] = field.trimmingCharacters(in: .whitespaces) }
            records.append(Record(location: location, values: values,
                                  columns: Dictionary(names.enumerated().map { ($0.element, $0.offset + 1) }, uniquingKeysWith: { first, _ in first })))
        }
        return (records, problems)
    }

    /// `;` when the header line has semicolons and no commas (Excel in much of Europe), a tab
    /// when it has only tabs (Excel's "Text (Tab delimited)"), else `,`.
    static func separator(of text: String) -> Character {
        let header = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        if header.contains(",") { return "," }
        if header.contains(";") { return ";" }
        return header.contains("\t") ? "\t" : ","
    }

    static func parse(_ text: String, separator: Character = ",") -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var rowLine = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let held = pending {
                pending = nil
                return held
            }
            return iterator.next()
        }
        while let character = next() {
            if quoted {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { quoted = false; pending = following }
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case separator:
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                fields.append(field)
                rows.append(Row(line: rowLine, fields: fields))
                fields = []
                field = ""
                line += 1
                rowLine = line
            default: field.append(character)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append(Row(line: rowLine, fields: fields))
        }
        return rows
    }
}
