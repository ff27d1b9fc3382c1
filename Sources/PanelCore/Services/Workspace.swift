import Foundation
import Yams

/// Failures of the workspace itself, with what to do about them.
public enum WorkspaceError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(searchedFrom: String)
    case notAWorkspace(String)
    case alreadyExists(String)
    case invalid(ValidationFailure)

    public var description: String {
        switch self {
        case .notFound(let start):
            return "no panel workspace found: no panel.yaml in \(start) or any folder above it; pass --workspace DIR, set PANEL_WORKSPACE, or run 'panel init'"
        case .notAWorkspace(let path):
            return "\(path): not a panel workspace (no panel.yaml); run 'panel init \(path)'"
        case .alreadyExists(let path):
            return "\(path): a workspace already exists here (panel.yaml); nothing was changed"
        case .invalid(let failure):
            return failure.description
        }
    }
}

/// How a workspace knows who acts.
public enum IdentityPolicy: String, CaseIterable, Sendable {
    /// The actor is the member whose roster `login` is the effective OS user;
    /// secretariat logins may act `--as` a member, recorded as `recorded-by`.
    case osUser = "os-user"
    /// `--as` is believed (demo, tests, single-user trials), and outputs say so.
    case declared
}

/// Whether `--now` / `PANEL_NOW` may set the clock.
public enum ClockPolicy: String, CaseIterable, Sendable {
    /// The system clock, always.
    case system
    /// `--now` and `PANEL_NOW` are honoured (demo and test workspaces).
    case settable
}

/// Where a workspace's store is: `store:` in panel.yaml.
public struct StoreLocation: Sendable, Equatable {
    public let text: String
    public init(_ text: String) { self.text = text }
    /// `postgresql://USER@HOST:PORT/DATABASE`: one panel shared by many machines (the scheme in any case).
    public var isPostgres: Bool {
        let lower = text.prefix(13).lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }
    /// Text with a URL scheme (`xxx://`) that is not PostgreSQL's: a typo, never a file name.
    public var isOtherURL: Bool {
        guard !isPostgres, let range = text.range(of: "://") else { return false }
        let scheme = text[..<range.lowerBound]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
    }
    /// Why this text cannot be a store location, or nil.
    public var problem: String? {
        if isOtherURL { return "'\(text.components(separatedBy: "://")[0])://' is not a store: give a path for the embedded SQLite file or a postgresql:// URL" }
        if isPostgres, let url = URL(string: text), url.password != nil {
            return "a store URL must not carry a password: set PGPASSWORD or use a .pgpass file"
        }
        if isPostgres, text.lowercased().contains("password=") {
            return "a store URL must not carry a password: set PGPASSWORD or use a .pgpass file"
        }
        return nil
    }
}

/// `panel.yaml`: where the workspace keeps things, and generic XML mappings.
public struct WorkspaceConfig: Sendable, Equatable {
    public static let fileName = "panel.yaml"

    public var name: String
    public var store: String
    public var objects: String
    public var inbox: String
    public var workflows: String
    public var rules: String
    public var mappings: [GenericMapping]
    public var identity: IdentityPolicy
    public var clock: ClockPolicy
    /// OS logins that may act on behalf of members.
    public var secretariat: [String]
    /// `reviews: {require-signature: true}`: unsigned review and response files are rejected.
    public var requireSignature: Bool
    /// `reviews: {max-file-mb, max-comments, max-comment-characters}`.
    public var reviewLimits: ReviewLimits = .default
    /// `timezone:` (an IANA name such as Europe/Zurich): how digests and the site show times. UTC by default.
    public var timezone: String = "UTC"
    /// `site-url:` where the secretariat publishes `panel site` (and the feed): for the feed's links.
    public var siteURL: String?

    public init(name: String, store: String = ".panel/panel.sqlite", objects: String = ".panel/objects",
                inbox: String = "inbox", workflows: String = "workflows", rules: String = "workflows/rules",
                mappings: [GenericMapping] = [], identity: IdentityPolicy = .osUser, clock: ClockPolicy = .system,
                secretariat: [String] = [], requireSignature: Bool = false) {
        self.requireSignature = requireSignature
        self.identity = identity
        self.clock = clock
        self.secretariat = secretariat
        self.name = name
        self.store = store
        self.objects = objects
        self.inbox = inbox
        self.workflows = workflows
        self.rules = rules
        self.mappings = mappings
    }

    /// Strict parse: unknown keys and bad values are all reported, with positions.
    public static func parse(_ text: String, file: String) throws(ValidationFailure) -> WorkspaceConfig {
        let reader = YAMLReader(file: file)
        guard let root = reader.root(of: text) else { throw reader.failure()! }
        if let version = root.int("version", required: true), version != 1 {
            reader.report(at: root.value("version"), "unsupported version \(version); this panel reads version 1")
        }
        var config = WorkspaceConfig(name: root.string("name", required: true) ?? "")
        if let node = root.peek("store") {
            // `store: PATH` (the embedded SQLite file), `store: postgresql://...`, or `store: {postgres: URL}`.
            if case .mapping = node, let map = root.map("store") {
                if let url = map.string("postgres", required: true) {
                    if StoreLocation(url).isPostgres {
                        config.store = url
                    } else {
                        reader.report(at: map.value("postgres"), "'postgres' must be a postgresql://USER@HOST:PORT/DATABASE URL")
                    }
                }
                map.finish()
            } else if let store = root.string("store") {
                config.store = store
            }
            if let problem = StoreLocation(config.store).problem { reader.report(at: node, "'store': \(problem)") }
        }
        if let objects = root.string("objects") { config.objects = objects }
        if let inbox = root.string("inbox") { config.inbox = inbox }
        if let workflows = root.string("workflows") { config.workflows = workflows }
        if let rules = root.string("rules") { config.rules = rules }
        if let identity = root.word("identity", as: IdentityPolicy.self) { config.identity = identity }
        if let clock = root.word("clock", as: ClockPolicy.self) { config.clock = clock }
        if let secretariat = root.strings("secretariat") { config.secretariat = secretariat }
        if let zoneNode = root.peek("timezone"), let zone = root.string("timezone") {
            if zone != "UTC" && !TimeZone.knownTimeZoneIdentifiers.contains(zone) {
                let known = TimeZone.knownTimeZoneIdentifiers
                reader.report(at: zoneNode, "'timezone' must be an IANA time zone such as Europe/Zurich or Africa/Nairobi, not '\(zone)'\(didYouMean(zone, among: known))")
            } else {
                config.timezone = zone
            }
        }
        if let urlNode = root.peek("site-url"), let url = root.string("site-url") {
            if let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil,
               parsed.query == nil, parsed.fragment == nil {
                config.siteURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            } else {
                reader.report(at: urlNode, "'site-url' must be an http or https URL without query or fragment, such as https://panel.example.org, not '\(url)'")
            }
        }
        if let reviews = root.map("reviews") {
            if let require = reviews.bool("require-signature") { config.requireSignature = require }
            if let megabytes = reviews.int("max-file-mb", range: 1...1_024) { config.reviewLimits.maxFileBytes = megabytes << 20 }
            if let comments = reviews.int("max-comments", range: 1...1_000_000) { config.reviewLimits.maxComments = comments }
            if let characters = reviews.int("max-comment-characters", range: 100...10_000_000) {
                config.reviewLimits.maxCommentCharacters = characters
            }
            reviews.finish()
        }
        if let references = root.map("references") {
            for node in references.list("mappings") ?? [] {
                if let mapping = parseMapping(node, reader: reader) { config.mappings.append(mapping) }
            }
            references.finish()
        }
        root.finish()
        if let failure = reader.failure() { throw failure }
        return config
    }

    private static func parseMapping(_ node: Node, reader: YAMLReader) -> GenericMapping? {
        guard let map = reader.map(node, what: "a mapping") else { return nil }
        let name = map.string("name", required: true)
        let root = map.string("root", required: true)
        let namespace = map.string("namespace")
        let record = map.string("record").map { $0.split(separator: "/").map(String.init) } ?? []
        let prefixes = map.stringMap("prefixes") ?? [:]
        var fields: [GenericMapping.Field: String] = [:]
        if let fieldMap = map.map("fields", required: true) {
            for key in fieldMap.keys {
                guard let field = GenericMapping.Field(rawValue: key) else {
                    let known = GenericMapping.Field.allCases.map(\.rawValue).joined(separator: ", ")
                    reader.report(at: fieldMap.keyNode(key), "unknown field '\(key)' (known: \(known))")
                    _ = fieldMap.value(key)
                    continue
                }
                guard let source = fieldMap.string(key, required: true) else { continue }
                do {
                    _ = try PanelXMLBridge.compile(source, namespaces: prefixes)
                    fields[field] = source
                } catch {
                    reader.report(at: fieldMap.value(key), "\(error)")
                }
            }
            fieldMap.finish()
            if !fieldMap.has("title") && !fieldMap.has("identifier") {
                reader.report(at: fieldMap.node, "a mapping needs at least a 'title' or an 'identifier' field")
            }
        }
        map.finish()
        guard let name, let root else { return nil }
        return GenericMapping(name: name, root: root, namespace: namespace, record: record, prefixes: prefixes,
                              fields: fields, location: reader.location(node))
    }

    public func yaml() -> String {
        """
        # panel workspace. Paths are relative to this file.
        version: 1
        name: "\(name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))"
        store: \(store)
        objects: \(objects)
        inbox: \(inbox)
        workflows: \(workflows)
        rules: \(rules)
        # Who acts: os-user (the roster member whose 'login' is the OS user; the secretariat's
        # logins may act --as a member, recorded as recorded-by) or declared (--as is believed).
        identity: \(identity.rawValue)
        secretariat: [\(secretariat.map { "\"\($0)\"" }.joined(separator: ", "))]
        # The clock: system, or settable (--now and PANEL_NOW honoured; for demos and tests only).
        clock: \(clock.rawValue)
        # Review and response files must come with an OpenSSH signature (FILE.sig) by a key on the roster.
        # What one review or response file may carry (checked before it is read or recorded).
        reviews:
          require-signature: \(requireSignature)
          max-file-mb: \(reviewLimits.maxFileBytes >> 20)
          max-comments: \(reviewLimits.maxComments)
          max-comment-characters: \(reviewLimits.maxCommentCharacters)
        # How digests and the site show times (an IANA name), and where the site is published.
        timezone: \(timezone)
        \(siteURL.map { "site-url: \($0)" } ?? "# site-url: https://panel.example.org")
        # Generic XML formats: map a root element and XPath 1.0 per field.
        # references:
        #   mappings:
        #     - name: incident-register
        #       root: register
        #       namespace: urn:example:incidents
        #       record: incident
        #       prefixes: { i: "urn:example:incidents" }
        #       fields:
        #         identifier: "@code"
        #         title: "i:headline"
        #         published: "i:reported"

        """
    }
}

/// A folder with `panel.yaml`: the unit everything happens in.
public struct Workspace: Sendable {
    public let root: URL
    public let config: WorkspaceConfig

    public var configURL: URL { root.appendingPathComponent(WorkspaceConfig.fileName) }
    public var storeURL: URL { resolve(config.store) }
    /// The embedded SQLite file, or a PostgreSQL database.
    public var storeLocation: StoreLocation { StoreLocation(config.store) }
    public var objectsURL: URL { resolve(config.objects) }
    public var inboxURL: URL { resolve(config.inbox) }
    /// The reference drop folder `refs inbox` takes by default.
    public var referenceDropURL: URL { inboxURL.appendingPathComponent("references") }
    public var objects: ObjectStore { ObjectStore(root: objectsURL) }
    public var workflowsURL: URL { resolve(config.workflows) }

    /// The workflow definition files, `workflows/*.yaml`, in name order.
    public func workflowFiles() throws(ValidationFailure) -> [String] {
        try Self.yamlFiles(in: workflowsURL, setting: "workflows")
    }

    public var rulesURL: URL { resolve(config.rules) }

    /// The rule files, `workflows/rules/*.yaml`, in name order.
    public func ruleFiles() throws(ValidationFailure) -> [String] {
        try Self.yamlFiles(in: rulesURL, setting: "rules")
    }

    /// The YAML files of a folder panel.yaml names, in name order. A folder that is missing or
    /// cannot be read is an error, not an empty list: a cron job whose rules folder went
    /// missing must not go on issuing nothing (an empty folder means no rules).
    static func yamlFiles(in directory: URL, setting: String) throws(ValidationFailure) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            let why = FileManager.default.fileExists(atPath: directory.path)
                ? "cannot be read" : "does not exist (panel.yaml's '\(setting)'; an empty folder is allowed)"
            throw ValidationFailure([Problem(SourceLocation(file: directory.path, line: 0, column: 0), "the \(setting) folder \(why)")])
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { directory.appendingPathComponent($0).path }
    }

    /// Every rule of the workspace, validated.
    public func rules() throws -> [Rule] {
        try RuleFile.load(ruleFiles())
    }

    /// Every workflow of the workspace, validated; all problems of all files at once.
    public func workflows() throws -> [String: Workflow] {
        var result: [String: Workflow] = [:]
        var problems: [Problem] = []
        for file in try workflowFiles() {
            guard let data = FileManager.default.contents(atPath: file) else {
                problems.append(Problem(SourceLocation(file: file, line: 1, column: 1), "cannot read the file"))
                continue
            }
            do {
                let workflow = try WorkflowFile.parse(try TextFile.decode([UInt8](data), file: file).get(), file: file)
                if result[workflow.id] != nil {
                    problems.append(Problem(SourceLocation(file: file, line: 1, column: 1), "workflow id '\(workflow.id)' is defined twice"))
                }
                result[workflow.id] = workflow
            } catch {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return result
    }

    private func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
    }

    /// `--workspace`, else `PANEL_WORKSPACE`, else the nearest `panel.yaml` upward.
    public static func locate(explicit: String?, environment: [String: String], currentDirectory: String) throws -> Workspace {
        if let explicit { return try load(at: URL(fileURLWithPath: explicit, relativeTo: URL(fileURLWithPath: currentDirectory)).standardizedFileURL) }
        if let fromEnvironment = environment["PANEL_WORKSPACE"], !fromEnvironment.isEmpty {
            return try load(at: URL(fileURLWithPath: fromEnvironment, relativeTo: URL(fileURLWithPath: currentDirectory)).standardizedFileURL)
        }
        var directory = URL(fileURLWithPath: currentDirectory).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(WorkspaceConfig.fileName).path) {
                return try load(at: directory)
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        throw WorkspaceError.notFound(searchedFrom: currentDirectory)
    }

    public static func load(at root: URL) throws -> Workspace {
        let file = root.appendingPathComponent(WorkspaceConfig.fileName)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw WorkspaceError.notAWorkspace(root.path)
        }
        do {
            let config = try WorkspaceConfig.parse(try TextFile.decode([UInt8](data), file: file.path).get(), file: file.path)
            return Workspace(root: root, config: config)
        } catch {
            throw WorkspaceError.invalid(error)
        }
    }

    /// Lays out a new workspace: `panel.yaml`, `inbox/`, the object store, and the (empty)
    /// workflows and rules folders that panel.yaml names.
    /// The caller creates the store and records the first event.
    public static func create(at root: URL, name: String, identity: IdentityPolicy = .osUser,
                              clock: ClockPolicy = .system, store: String? = nil) throws -> Workspace {
        var config = WorkspaceConfig(name: name, identity: identity, clock: clock)
        if let store { config.store = store }
        return try create(at: root, config: config, text: config.yaml())
    }

    /// Lays out a new workspace from a user's `panel.yaml`, validated first.
    public static func create(at root: URL, configText: String, file: String) throws -> Workspace {
        let config: WorkspaceConfig
        do {
            config = try WorkspaceConfig.parse(configText, file: file)
        } catch {
            throw WorkspaceError.invalid(error)
        }
        return try create(at: root, config: config, text: configText)
    }

    private static func create(at root: URL, config: WorkspaceConfig, text: String) throws -> Workspace {
        let manager = FileManager.default
        let file = root.appendingPathComponent(WorkspaceConfig.fileName)
        if manager.fileExists(atPath: file.path) { throw WorkspaceError.alreadyExists(root.path) }
        let workspace = Workspace(root: root, config: config)
        try manager.createDirectory(at: workspace.inboxURL, withIntermediateDirectories: true)
        try manager.createDirectory(at: workspace.objectsURL, withIntermediateDirectories: true)
        try manager.createDirectory(at: workspace.workflowsURL, withIntermediateDirectories: true)
        try manager.createDirectory(at: workspace.rulesURL, withIntermediateDirectories: true)
        try manager.createDirectory(at: workspace.storeURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file, options: .atomic)
        return workspace
    }

    public init(root: URL, config: WorkspaceConfig) {
        self.root = root
        self.config = config
    }

    public func adapterRegistry() throws -> ReferenceAdapterRegistry {
        try ReferenceAdapterRegistry(generic: config.mappings)
    }
}
