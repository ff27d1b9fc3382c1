import ArgumentParser
import PanelCore
import Foundation

@main
struct Panel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "panel",
        abstract: "Workflow engine of the Independent International Scientific Panel on AI.",
        discussion: """
            Workspace: --workspace DIR, else $PANEL_WORKSPACE, else the nearest panel.yaml upward.
            Actor: --as MEMBER, else $PANEL_ACTOR. Clock: --now TIME, else $PANEL_NOW, else the system clock.
            These global options may also come before the subcommand: panel --workspace DIR status.

            Exit codes: 0 success; 1 failure (store, I/O); 2 bad input (a file or value was rejected);
            3 refused (the request was understood but is not allowed now); 4 tampering found by
            'audit verify'; 5 busy (another digest, or another inbox run on the same folder); 64 usage error.
            """,
        version: "0.4.0",
        subcommands: [
            Init.self, Demo.self, Members.self, WorkflowCommand.self, AssessmentCommand.self, DraftCommand.self,
            StatusCommand.self, ExplainCommand.self, AdvanceCommand.self, ExtendCommand.self,
            Reviewers.self, Governments.self, Stakeholders.self, EvidenceCommand.self, ReviewCommand.self, Inbox.self, Comments.self, Respond.self, SignOffCommand.self,
            VoteCommand.self, StatementCommand.self, ExportCommand.self,
            RulesCommand.self, FlagsCommand.self, DigestCommand.self, SiteCommand.self, CronCommand.self,
            Refs.self, Log.self, Audit.self, StoreCommand.self, Whoami.self, VerifySignature.self, Todo.self,
        ]
    )

    /// Parses (global options may precede the subcommand), runs, and maps
    /// every error to its message and exit code in one place (`Failure`).
    static func main() {
        let arguments = GlobalOptions.hoist(Array(CommandLine.arguments.dropFirst()))
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            // The argument parser's own (usage, help, --version, a validate() refusal, which it wraps):
            // straight to its report, not through casts to our error types, each a search of the
            // runtime's conformance tables; a mistyped command gets a suggestion first.
            if let suggestion = Suggestion.forMistypedSubcommand(arguments) { Console.error(suggestion) }
            exit(withError: error)
        }
        do {
            try command.run()
        } catch {
            guard let (messages, code) = Failure.report(error) else { exit(withError: error) }
            for message in messages { Console.error(message) }
            exit(withError: code)
        }
    }
}

/// Options that belong to every workspace command and, as with `git -C`,
/// may be written before the subcommand.
enum GlobalOptions {
    static let withValue = ["--workspace", "--as", "--now", "--format"]

    /// Moves global options found before the subcommand to after it
    /// (before any `--`), where the subcommand's parser reads them.
    static func hoist(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard withValue.contains(name) else { break }
            leading.append(argument)
            if !argument.contains("="), index + 1 < arguments.count {
                leading.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        guard !leading.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: leading, at: end)
        return rest
    }
}

/// "Did you mean" for a mistyped subcommand: the closest name at the level where parsing stopped.
enum Suggestion {
    static func forMistypedSubcommand(_ arguments: [String]) -> String? {
        var command: any ParsableCommand.Type = Panel.self
        for argument in arguments where !argument.hasPrefix("-") {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty else { return nil }
            let names = subcommands.map { $0._commandName }
            if let next = subcommands.first(where: { $0._commandName == argument }) {
                command = next
                continue
            }
            guard let best = closest(to: argument, among: names) else { return nil }
            return "'\(argument)' is not a command here; did you mean '\(best)'?"
        }
        return nil
    }
}
