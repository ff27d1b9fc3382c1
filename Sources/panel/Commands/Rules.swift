import ArgumentParser
import Foundation
import PanelCore

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Early-warning rules: validate, test, evaluate.",
        subcommands: [Validate.self, Test.self, Eval.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check rule files; every problem as file:line:column: message (exit 2).")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Rule files (default: the workspace's rules).") var files: [String] = []

        func run() throws {
            var paths = files
            if paths.isEmpty { paths = try CommandContext.load(workspace).workspace.ruleFiles() }
            let rules = try Console.run { try RuleFile.load(paths) }
            let counts = Dictionary(grouping: rules, by: \.watch.name).mapValues(\.count)
            Console.out("ok  \(rules.count) rules in \(paths.count) files (\(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")))")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run rule test files (documents, state, a time, and the firings expected), like promtool test rules.")

        @Argument(help: "Test files.") var files: [String]

        func run() throws {
            var failed = false
            for file in files {
                let result = try Console.run { try RuleTestFile.run(file) }
                if result.passed {
                    Console.out("PASS  \(file): \(result.checked) expectations")
                } else {
                    failed = true
                    Console.out("FAIL  \(file)")
                    for failure in result.failures { Console.out("  \(failure)") }
                }
            }
            if failed { throw Exit.refused }
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate every rule now and record the flags raised, changed and resolved.")

        @OptionGroup var workspace: WorkspaceOptions

        func run() throws {
            let context = try CommandContext.load(workspace)
            let outcome = try Console.run { try context.runner().evaluate() }
            Console.out("\(outcome.raised) raised, \(outcome.changed) changed, \(outcome.resolved) resolved")
        }
    }
}
