import ArgumentParser
import Foundation
import PanelCore
import PanelSQLite

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a workspace: panel.yaml, inbox/, the store and the object store.",
        discussion: "Refuses to touch a folder that already has a panel.yaml.")

    @Argument(help: "Folder for the new workspace (created if missing; default: the current folder).")
    var directory: String = "."

    @Option(help: "Name recorded in panel.yaml.")
    var name: String = "Independent International Scientific Panel on AI"

    @Option(help: ArgumentHelp("Start from this panel.yaml (validated first) instead of the default one.", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("Copy the workflow definitions from here (default: the ones that ship with panel).", valueName: "DIR"))
    var workflows: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Who is acting (default: $PANEL_ACTOR).", valueName: "MEMBER"))
    var actor: String?

    func run() throws {
        let root = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
        let workspace = try Console.run {
            if let config {
                guard let data = FileManager.default.contents(atPath: config) else {
                    throw WorkspaceError.notAWorkspace(config)
                }
                return try Workspace.create(at: root, configText: String(decoding: data, as: UTF8.self), file: config)
            }
            return try Workspace.create(at: root, name: name)
        }
        let copied = try copyWorkflows(into: workspace)
        let rules = try copyRules(into: workspace)
        let store = try Console.run { try SQLiteStore(path: workspace.storeURL.path) }
        let who = actor ?? ProcessInfo.processInfo.environment["PANEL_ACTOR"] ?? "system"
        let clock: any PanelClock = ProcessInfo.processInfo.environment["PANEL_NOW"].flatMap(Timestamp.parse).map { FixedClock($0) } ?? SystemClock()
        try Console.run {
            try store.append([NewEvent(WorkspaceInitialized(name: workspace.config.name), subject: "workspace", actor: who, time: clock.now())])
        }
        Console.out("Initialised workspace \(root.path)")
        Console.out("  config  \(workspace.configURL.path)")
        Console.out("  store   \(workspace.storeURL.path)")
        Console.out("  inbox   \(workspace.inboxURL.path)")
        Console.out("  workflows \(workspace.workflowsURL.path) (\(copied.isEmpty ? "none copied" : copied.joined(separator: ", ")))")
        Console.out("  rules   \(workspace.rulesURL.path) (\(rules.isEmpty ? "none copied" : rules.joined(separator: ", ")))")
    }

    /// Copies the shipped (or given) workflow files, each validated first.
    private func copyWorkflows(into workspace: Workspace) throws -> [String] {
        let manager = FileManager.default
        try manager.createDirectory(at: workspace.workflowsURL, withIntermediateDirectories: true)
        guard let source = workflows.map({ URL(fileURLWithPath: $0) }) ?? ShippedFiles.workflows else { return [] }
        let names = ((try? manager.contentsOfDirectory(atPath: source.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        if workflows != nil && names.isEmpty {
            Console.error("\(source.path): no workflow files (*.yaml) to copy")
            throw Exit.badInput
        }
        var copied: [String] = []
        for name in names {
            let from = source.appendingPathComponent(name)
            let text = try String(contentsOf: from, encoding: .utf8)
            _ = try Console.run { try WorkflowFile.parse(text, file: from.path) }
            try Data(text.utf8).write(to: workspace.workflowsURL.appendingPathComponent(name), options: .atomic)
            copied.append(name)
        }
        return copied
    }

    /// Copies the shipped rules (and their tests), validated first.
    private func copyRules(into workspace: Workspace) throws -> [String] {
        let manager = FileManager.default
        try manager.createDirectory(at: workspace.rulesURL, withIntermediateDirectories: true)
        guard let source = (workflows.map { URL(fileURLWithPath: $0) } ?? ShippedFiles.workflows)?.appendingPathComponent("rules"),
              manager.fileExists(atPath: source.path) else { return [] }
        let names = ((try? manager.contentsOfDirectory(atPath: source.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        _ = try Console.run { try RuleFile.load(names.map { source.appendingPathComponent($0).path }) }
        for name in names {
            try manager.copyItem(at: source.appendingPathComponent(name), to: workspace.rulesURL.appendingPathComponent(name))
        }
        return names
    }
}
