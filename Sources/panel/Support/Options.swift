import ArgumentParser
import Foundation
import PanelCore

/// Options every command that works in a workspace takes.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The workspace folder (default: $PANEL_WORKSPACE, else the nearest panel.yaml upward).", valueName: "DIR"))
    var workspace: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Who is acting (default: $PANEL_ACTOR).", valueName: "MEMBER"))
    var actor: String?

    @Option(name: .long, help: ArgumentHelp("Act as if it were this time, ISO 8601 (default: $PANEL_NOW, else now). For tests and replays.", valueName: "TIME"))
    var now: String?

    /// The same options as arguments, for a command that runs others in-process (cron, demo).
    static func arguments(_ options: WorkspaceOptions) -> [String] {
        (options.workspace.map { ["--workspace", $0] } ?? []) + (options.actor.map { ["--as", $0] } ?? [])
            + (options.now.map { ["--now", $0] } ?? [])
    }

    /// An unreadable time, from the flag or the environment, is a usage error (exit 64), never ignored.
    func validate() throws {
        if let now, Timestamp.parse(now) == nil {
            throw ValidationError("--now must be an ISO 8601 time such as 2026-11-30T09:00:00Z, not '\(now)'")
        }
        if now == nil, let text = CommandContext.environment("PANEL_NOW"), !text.isEmpty, Timestamp.parse(text) == nil {
            throw ValidationError("PANEL_NOW must be an ISO 8601 time such as 2026-11-30T09:00:00Z, not '\(text)'")
        }
    }
}

/// `--format text|json` for listings and reports.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json

    /// Written out: ArgumentParser's defaults build a key path and describe each value, whose
    /// first uses are searches of the runtime's conformance tables, in every command that takes
    /// --format. (Each value is its own description: nothing to add.)
    static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    static var allValueDescriptions: [String: String] { [:] }
}

struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text
}

/// Lists in the configurations' help texts. ArgumentParser builds every subcommand's
/// configuration on every run (to find the one asked for), so whatever those texts compute is
/// paid by every command, `--version` included: these avoid the generic `joined(separator:)` and
/// key paths, whose first use is a search of the runtime's conformance tables.
enum HelpText {
    static func list(_ items: [String], separator: String) -> String {
        var text = ""
        for index in items.indices {
            if index > items.startIndex { text += separator }
            text += items[index]
        }
        return text
    }

    /// The roles an author or review editor may be named with.
    static var authorRoles: String {
        list(AssessmentRole.allCases.compactMap { $0 == .reviewer ? nil : $0.rawValue }, separator: ", ")
    }
}
