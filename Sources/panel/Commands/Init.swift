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
    }
}
