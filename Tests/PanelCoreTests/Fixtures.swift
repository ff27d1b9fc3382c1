import Foundation
@testable import PanelCore

/// Paths into the repository's fixtures folder.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    /// The workflows that ship, by id.
    static func workflows(blinding: String? = nil) throws -> [String: Workflow] {
        var loaded: [String: Workflow] = [:]
        for name in ["annual-report", "rapid-assessment"] {
            let path = root.deletingLastPathComponent().appendingPathComponent("workflows/\(name).yaml").path
            var text = try String(contentsOfFile: path, encoding: .utf8)
            if let blinding { text = text.replacingOccurrences(of: "blinding: double", with: "blinding: \(blinding)") }
            loaded[name] = try WorkflowFile.parse(text, file: path)
        }
        return loaded
    }

    /// The shipped roster of 40 fictional experts.
    static func members() throws -> [Member] {
        try RosterFile.parse(String(contentsOfFile: path("panel/members.yaml"), encoding: .utf8), file: "members.yaml")
    }
}
