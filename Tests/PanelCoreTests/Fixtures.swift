import Foundation

/// Paths into the repository's fixtures folder.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }
}
