import Foundation

/// The workflow definitions that ship with panel: `$PANEL_SHIPPED_WORKFLOWS`,
/// else the `workflows/` folder of the checkout this binary was built from.
enum ShippedFiles {
    static var workflows: URL? {
        if let path = CommandContext.environment("PANEL_SHIPPED_WORKFLOWS"), !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let checkout = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("workflows")
        return FileManager.default.fileExists(atPath: checkout.path) ? checkout : nil
    }
}
