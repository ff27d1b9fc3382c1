import ArgumentParser
import Foundation
import PanelCore
import PanelSQLite

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a workspace: panel.yaml, inbox/ (with inbox/references/), the store and the object store.",
        discussion: "Refuses to touch a folder that already has a panel.yaml.")

    @Argument(help: "Folder for the new workspace (created if missing; default: the current folder).")
    var directory: String = "."

    @Option(help: "Name recorded in panel.yaml.")
    var name: String = "Independent International Scientific Panel on AI"

    @Option(help: ArgumentHelp("Start from this panel.yaml (validated first) instead of the default one.", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("""
        Where the store lives: a path for the embedded SQLite file (default .panel/panel.sqlite), or \
        postgresql://USER@HOST:PORT/DATABASE[?schema=NAME][&sslmode=disable|prefer|require] for one panel \
        shared by many machines (the password comes from PGPASSWORD or ~/.pgpass, never from the URL).
        """, valueName: "PATH|URL"))
    var store: String?

    @Option(help: ArgumentHelp("Copy the workflow definitions from here (default: the ones that ship with panel).", valueName: "DIR"))
    var workflows: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Who is acting (default: $PANEL_ACTOR).", valueName: "MEMBER"))
    var actor: String?

    @Option(help: ArgumentHelp("The time of the first event, when the new panel.yaml says 'clock: settable'.", valueName: "TIME"))
    var now: String?

    func run() throws {
        let root = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
        // Everything is read and validated before anything is written.
        let (config, configText) = try readConfig()
        let workspace = Workspace(root: root, config: config)
        let postgres = workspace.storeLocation.isPostgres
        let shipped = workflows.map { URL(fileURLWithPath: $0) } ?? ShippedFiles.workflows
        let workflowFiles = try self.workflowFiles(from: shipped)
        let ruleFiles = try self.ruleFiles(from: shipped?.appendingPathComponent("rules"))
        var writes: [(from: URL?, text: String?, to: URL)] = [(nil, configText, workspace.configURL)]
        writes += workflowFiles.map { (from: $0, text: nil, to: workspace.workflowsURL.appendingPathComponent($0.lastPathComponent)) }
        writes += ruleFiles.map { (from: $0, text: nil, to: workspace.rulesURL.appendingPathComponent($0.lastPathComponent)) }
        let manager = FileManager.default
        if manager.fileExists(atPath: workspace.configURL.path) { throw WorkspaceError.alreadyExists(root.path) }
        let taken = writes.map(\.to.path).filter { manager.fileExists(atPath: $0) }
        if !taken.isEmpty {
            throw CommandFailure.badInput("\(taken.joined(separator: ", ")): already exists; panel init writes it, so nothing was changed")
        }
        if !postgres && manager.fileExists(atPath: workspace.storeURL.path) {
            throw CommandFailure.badInput("\(workspace.storeURL.path): a store already exists; nothing was changed")
        }

        // Then everything is made, and a failure part-way removes what was made.
        var made = Made()
        do {
            for folder in [workspace.inboxURL, workspace.referenceDropURL, workspace.objectsURL] + (postgres ? [] : [workspace.storeURL.deletingLastPathComponent()])
                    + [workspace.workflowsURL, workspace.rulesURL] {
                try made.folder(folder)
            }
            for write in writes {
                let data = try write.text.map { Data($0.utf8) } ?? Data(contentsOf: write.from!)
                try made.file(write.to, data)
            }
            if !postgres {
                made.files += [workspace.storeURL, URL(fileURLWithPath: workspace.storeURL.path + "-wal"),
                               URL(fileURLWithPath: workspace.storeURL.path + "-shm")]
            }
            let store = try StoreFactory.create(workspace, option: self.store == nil ? workspace.configURL.path : "--store")
            let requested = actor ?? CommandContext.environment("PANEL_ACTOR")
            let identity = try IdentityResolver.resolve(policy: config.identity, secretariat: config.secretariat, login: OSUser.effective,
                                                        requested: requested.flatMap { $0.isEmpty ? nil : $0 }, members: []).get()
            let who = identity.actor
            try store.append([NewEvent(WorkspaceInitialized(name: config.name), subject: "workspace", actor: who, time: try clock(config.clock).now())])
        } catch {
            made.undo()
            throw error
        }
        Console.out("Initialised workspace \(root.path)")
        Console.out("  config  \(workspace.configURL.path)")
        Console.out("  store   \(postgres ? workspace.config.store : workspace.storeURL.path)")
        Console.out("  inbox   \(workspace.inboxURL.path) (reviews; references/ for reference XML)")
        Console.out("  workflows \(workspace.workflowsURL.path) (\(workflowFiles.isEmpty ? "none copied" : workflowFiles.map(\.lastPathComponent).joined(separator: ", ")))")
        Console.out("  rules   \(workspace.rulesURL.path) (\(ruleFiles.isEmpty ? "none copied" : ruleFiles.map(\.lastPathComponent).joined(separator: ", ")))")
    }

    /// The time of the workspace's first event: `--now` or `PANEL_NOW` only when the
    /// new workspace's clock is settable, else a usage error, as for every command.
    private func clock(_ policy: ClockPolicy) throws -> any PanelClock {
        guard let text = now ?? CommandContext.environment("PANEL_NOW"), !text.isEmpty else { return SystemClock() }
        let source = now == nil ? "PANEL_NOW" : "--now"
        guard policy == .settable else {
            throw CommandFailure.usage("\(source) is honoured only in workspaces whose panel.yaml says 'clock: settable' (start from such a file with --config)")
        }
        guard let date = Timestamp.parse(text) else {
            throw CommandFailure.usage("\(source) must be an ISO 8601 time such as 2026-11-30T09:00:00Z, not '\(text)'")
        }
        return FixedClock(date)
    }

    /// The given panel.yaml, validated, or the default one.
    private func readConfig() throws -> (WorkspaceConfig, String) {
        guard let config else {
            // The person who creates the workspace is its first secretariat login.
            var made = WorkspaceConfig(name: name, secretariat: OSUser.effective.map { [$0] } ?? [], requireSignature: true)
            if let store {
                try StoreFactory.check(location: store, option: "--store")
                made.store = store
                do {
                    made = try WorkspaceConfig.parse(made.yaml(), file: "--store")
                } catch {
                    throw WorkspaceError.invalid(error)
                }
            }
            return (made, made.yaml())
        }
        if store != nil {
            throw CommandFailure.usage("--store and --config: write 'store: \(store ?? "")' into \(config) instead")
        }
        guard let data = FileManager.default.contents(atPath: config) else { throw CommandFailure.badInput("\(config): cannot read the file") }
        let text = try TextFile.decode([UInt8](data), file: config).get()
        do {
            return (try WorkspaceConfig.parse(text, file: config), text)
        } catch {
            throw WorkspaceError.invalid(error)
        }
    }

    /// The workflow files to copy, each validated.
    private func workflowFiles(from source: URL?) throws -> [URL] {
        guard let source else { return [] }
        let files = try yamlFiles(in: source)
        if workflows != nil && files.isEmpty { throw CommandFailure.badInput("\(source.path): no workflow files (*.yaml) to copy") }
        for file in files {
            _ = try WorkflowFile.parse(try String(contentsOf: file, encoding: .utf8), file: file.path)
        }
        return files
    }

    /// The rule files to copy, validated together.
    private func ruleFiles(from source: URL?) throws -> [URL] {
        guard let source, FileManager.default.fileExists(atPath: source.path) else { return [] }
        let files = try yamlFiles(in: source)
        _ = try RuleFile.load(files.map(\.path))
        return files
    }

    private func yamlFiles(in folder: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw CommandFailure.badInput("\(folder.path): cannot list the folder")
        }
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0) }
    }
}

/// What `init` made so far, so a failure can take it all back.
private struct Made {
    var folders: [URL] = []
    var files: [URL] = []

    /// Creates `folder` and any missing parents, remembering the topmost one it created.
    mutating func folder(_ folder: URL) throws {
        let manager = FileManager.default
        var missing = folder.standardizedFileURL
        var topmost: URL?
        while !manager.fileExists(atPath: missing.path) {
            topmost = missing
            missing = missing.deletingLastPathComponent()
        }
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        if let topmost { folders.append(topmost) }
    }

    mutating func file(_ url: URL, _ data: Data) throws {
        try data.write(to: url, options: .withoutOverwriting)
        files.append(url)
    }

    func undo() {
        let manager = FileManager.default
        for file in files.reversed() where manager.fileExists(atPath: file.path) {
            try? manager.removeItem(at: file)  // best effort while already failing; the original error is reported
        }
        for folder in folders.reversed() { try? manager.removeItem(at: folder) }
    }
}
