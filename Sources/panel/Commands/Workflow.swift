import ArgumentParser
import Foundation
import PanelCore

struct WorkflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Workflow definitions: validate, draw, and list the requirement vocabulary.",
        subcommands: [Validate.self, Graph.self, Requirements.self])
}

extension WorkflowCommand {
    static func load(_ file: String) throws -> Workflow {
        guard let data = FileManager.default.contents(atPath: file) else {
            Console.error("\(file): cannot read the file")
            throw Exit.badInput
        }
        return try Console.run { try WorkflowFile.parse(try TextFile.decode([UInt8](data), file: file).get(), file: file) }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check workflow files; every problem is printed as file:line:column: message (exit 2).")

        @Argument(help: "Workflow files (default: the workspace's workflows).")
        var files: [String] = []

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            var paths = files
            if paths.isEmpty {
                let context = try CommandContext.load(workspace)
                paths = try context.workspace.workflowFiles()
            }
            var report = ValidationReport(files: [])
            for path in paths {
                guard let data = FileManager.default.contents(atPath: path) else {
                    report.files.append(.init(file: path, ok: false, summary: nil,
                                              problems: [Problem(SourceLocation(file: path, line: 1, column: 1), "cannot read the file")]))
                    continue
                }
                do {
                    let workflow = try WorkflowFile.parse(try TextFile.decode([UInt8](data), file: path).get(), file: path)
                    let transitions = workflow.stages.reduce(0) { $0 + $1.transitions.count }
                    report.files.append(.init(file: path, ok: true, summary: "\(workflow.id), \(workflow.stages.count) stages, \(transitions) transitions", problems: []))
                } catch {
                    report.files.append(.init(file: path, ok: false, summary: nil, problems: error.problems))
                }
            }
            if output.format == .json {
                Console.out(try Console.json(report))
            } else {
                for file in report.files {
                    if let summary = file.summary { Console.out("ok  \(file.file): \(summary)") }
                    for problem in file.problems { Console.error(problem.description) }
                }
            }
            if !report.ok { throw Exit.badInput }
        }
    }

    struct Graph: ParsableCommand {
        enum Style: String, ExpressibleByArgument, CaseIterable { case dot, mermaid }

        static let configuration = CommandConfiguration(
            commandName: "graph",
            abstract: "Draw a workflow as Graphviz DOT or Mermaid, requirements on the edges.")

        @Argument(help: "A workflow file, or the id of one of the workspace's workflows (e.g. annual-report).")
        var file: String

        @Option(help: "dot or mermaid.")
        var format: Style = .dot

        @OptionGroup var workspace: WorkspaceOptions

        func run() throws {
            let workflow: Workflow
            if FileManager.default.fileExists(atPath: file) || file.contains("/") || file.hasSuffix(".yaml") {
                workflow = try load(file)
            } else {
                let context = try CommandContext.load(workspace)
                guard let found = try context.workflows[file] else {
                    throw CommandFailure.badInput("no workflow file '\(file)' and no workflow with that id in \(context.workspace.workflowsURL.path) (known: \(try context.workflows.keys.sorted().joined(separator: ", ")))")
                }
                workflow = found
            }
            Console.out(format == .dot ? WorkflowGraph.dot(workflow) : WorkflowGraph.mermaid(workflow))
        }
    }

    struct Requirements: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "requirements", abstract: "List the requirements a transition can name.")

        @OptionGroup var output: OutputOptions

        struct Entry: Encodable {
            var name: String
            var parameter: String
            var summary: String
        }

        func run() throws {
            let entries = RequirementRegistry.all.map { Entry(name: $0.name, parameter: $0.parameter, summary: $0.summary) }
            if output.format == .json {
                Console.out(try Console.json(entries))
            } else {
                for entry in entries {
                    let head = entry.parameter.isEmpty ? entry.name : "\(entry.name): \(entry.parameter)"
                    Console.out(head.padding(toLength: 40, withPad: " ", startingAt: 0) + entry.summary)
                }
            }
        }
    }
}
