import ArgumentParser
import Foundation
import PanelCore
import PanelSQLite

/// Documented exit codes (see `panel --help` and the README).
enum Exit {
    static let failure = ExitCode(1)
    static let badInput = ExitCode(2)
    static let refused = ExitCode(3)
    static let tampered = ExitCode(4)
}

/// A loaded workspace with its store, clock and actor: what a command works with.
struct CommandContext {
    let workspace: Workspace
    let store: SQLiteStore
    let clock: any PanelClock
    let actor: String
    /// Definitions read once per command, however many times they are asked for.
    let definitions = Definitions()

    final class Definitions {
        var workflows: [String: Workflow]?
        var rules: [Rule]?
    }

    static func environment() -> [String: String] { ProcessInfo.processInfo.environment }

    static func clock(_ options: WorkspaceOptions) -> any PanelClock {
        let text = options.now ?? environment()["PANEL_NOW"]
        if let text, let date = Timestamp.parse(text) { return FixedClock(date) }
        return SystemClock()
    }

    static func actor(_ options: WorkspaceOptions) -> String {
        if let actor = options.actor ?? environment()["PANEL_ACTOR"], !actor.isEmpty { return actor }
        return environment()["USER"].map { "system:" + $0 } ?? "system"
    }

    static func load(_ options: WorkspaceOptions) throws -> CommandContext {
        let workspace = try Console.run {
            try Workspace.locate(
                explicit: options.workspace, environment: environment(),
                currentDirectory: FileManager.default.currentDirectoryPath)
        }
        let storePath = workspace.storeURL.path
        guard SQLiteStore.exists(at: storePath) else {
            Console.error("\(storePath): the workspace has no store; run 'panel init' again in a fresh folder or restore it")
            throw Exit.failure
        }
        let store = try Console.run { try SQLiteStore(path: storePath) }
        return CommandContext(workspace: workspace, store: store, clock: clock(options), actor: actor(options))
    }
}

/// Printing lives here, in the shell; the library never prints.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("panel: " + text + "\n").utf8))
    }

    /// Both output streams are a terminal: only then is progress drawn.
    static var interactive: Bool { isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 }

    /// Runs `body`; a library error becomes a one-line message and an exit code.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch WorkspaceError.invalid(let failure) {
            for problem in failure.problems { self.error(problem.description) }
            throw Exit.badInput
        } catch let error as WorkspaceError {
            self.error(error.description)
            throw Exit.badInput
        } catch let error as ValidationFailure {
            for problem in error.problems { self.error(problem.description) }
            throw Exit.badInput
        } catch let error as CustomStringConvertible & Error {
            self.error(error.description)
            throw Exit.failure
        } catch {
            self.error("\(error)")
            throw Exit.failure
        }
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
