import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Temporary files left by runs that were killed part-way: partial objects
/// under the object folder's `tmp/`, and hidden temporaries beside reason
/// files in the inbox. Each temporary carries its writer's process id, so a
/// sweep removes only those whose writer is gone, never a live run's.
public enum Debris {
    /// A temporary file's name for this process: `PID-UNIQUE` (or `.PID-UNIQUE.tmp` hidden).
    public static func temporaryName(hidden: Bool = false) -> String {
        let name = "\(getpid())-\(UUID().uuidString)"
        return hidden ? ".\(name).tmp" : name
    }

    /// Writes `data` to `url` through a temporary beside it, renamed into place.
    public static func writeAtomically(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(temporaryName(hidden: true))
        try data.write(to: temporary)
        do {
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)  // best effort; the move's error is what matters
            throw error
        }
    }

    /// Removes the debris of dead runs in a workspace; returns what it removed. Only the folders
    /// panel writes temporaries into are listed (not `processed/`, which only receives renames).
    @discardableResult
    public static func sweep(_ workspace: Workspace, olderThan grace: TimeInterval = 600, now: Date = Date()) -> [URL] {
        var removed: [URL] = []
        let folders = [
            (workspace.objectsURL.appendingPathComponent("tmp"), false),
            (workspace.inboxURL.appendingPathComponent("rejected"), true),
        ]
        let manager = FileManager.default
        for (folder, hiddenOnly) in folders {
            guard let names = try? manager.contentsOfDirectory(atPath: folder.path) else { continue }  // no folder, no debris
            for name in names where !hiddenOnly || name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                if isAbandoned(name: name, url: url, grace: grace, now: now), (try? manager.removeItem(at: url)) != nil {
                    removed.append(url)
                }
            }
        }
        return removed
    }

    /// Whether a process is alive: it exists and (where /proc tells) is not a zombie awaiting its parent.
    static func isRunning(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        // /proc/PID/stat is "PID (name) STATE ...": a killed process not yet reaped is 'Z'.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// A temporary whose writer is no longer running; one without a process id
    /// (an older version's) once it is older than `grace`.
    static func isAbandoned(name: String, url: URL, grace: TimeInterval, now: Date) -> Bool {
        let bare = name.hasPrefix(".") ? String(name.dropFirst()) : name
        if let dash = bare.firstIndex(of: "-"), let pid = Int32(bare[..<dash]), pid > 0 {
            return !isRunning(pid)
        }
        let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? now
        return now.timeIntervalSince(modified) > grace
    }
}
