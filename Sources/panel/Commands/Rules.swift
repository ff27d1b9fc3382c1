import ArgumentParser
import Foundation
import PanelCore

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Early-warning rules: validate, test, eval.",
        subcommands: [Validate.self, Test.self, Eval.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check rule files; every problem as file:line:column: message (exit 2).")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Rule files (default: the workspace's rules).") var files: [String] = []

        func run() throws {
            var paths = files
            if paths.isEmpty { paths = try CommandContext.load(workspace).workspace.ruleFiles() }
            do {
                let rules = try RuleFile.load(paths)
                let counts = Dictionary(grouping: rules, by: \.watch.name).mapValues(\.count)
                let summary = "\(rules.count) rules in \(paths.count) files (\(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")))"
                if output.format == .json {
                    Console.out(try Console.json(ValidationReport(files: paths.map { .init(file: $0, ok: true, summary: nil, problems: []) })))
                } else {
                    Console.out("ok  \(summary)")
                }
            } catch let failure as ValidationFailure {
                guard output.format == .json else { throw failure }
                let byFile = Dictionary(grouping: failure.problems, by: { (problem: Problem) in problem.location.file })
                Console.out(try Console.json(ValidationReport(files: paths.map { .init(file: $0, ok: byFile[$0] == nil, summary: nil, problems: byFile[$0] ?? []) })))
                throw Exit.badInput
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run rule test files (documents, state, a time, and the firings expected), like promtool test rules.")

        @Argument(help: "Test files.") var files: [String]

        func run() throws {
            var failed = false
            for file in files {
                let result = try Console.run { try RuleTestFile.run(file) }
                if result.passed {
                    Console.out("PASS  \(file): \(counted(result.checked, "expectation"))\(result.negatives > 0 ? ", \(counted(result.negatives, "negative case"))" : "")")
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
            commandName: "eval",
            abstract: "Evaluate every rule now and record the flags raised, changed and resolved.")

        @OptionGroup var workspace: WorkspaceOptions

        func run() throws {
            let context = try CommandContext.load(workspace)
            let outcome = try Console.run { try context.runner().evaluate() }
            Console.out("\(outcome.raised) raised, \(outcome.changed) changed, \(outcome.resolved) resolved")
        }
    }
}
