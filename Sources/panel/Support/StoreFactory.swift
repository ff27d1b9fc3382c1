import Foundation
import PanelCore
import PanelSQLite

/// The one place that knows which store a workspace uses. `panel.yaml`'s
/// `store:` names the embedded SQLite file (the only kind so far); every
/// command above this sees `any PanelStore`.
enum StoreFactory {
    static func open(_ workspace: Workspace) throws -> any PanelStore {
        let path = workspace.storeURL.path
        guard SQLiteStore.exists(at: path) else {
            throw CommandFailure.failure("\(path): the workspace has no store; run 'panel init' again in a fresh folder or restore it")
        }
        // A device or a folder: SQLite would fail later with a bare "disk I/O error". (Attributes that
        // cannot be read are left to opening the store, which reports its own typed error.)
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        if let type, type != .typeRegular, type != .typeSymbolicLink {
            throw CommandFailure.failure("\(workspace.configURL.path): 'store: \(workspace.config.store)' is \(path), which is not a regular file; point it at the workspace's .panel/panel.sqlite")
        }
        return try SQLiteStore(path: path)
    }

    /// A new, empty store for `panel init`.
    static func create(_ workspace: Workspace) throws -> any PanelStore {
        try SQLiteStore(path: workspace.storeURL.path)
    }
}
