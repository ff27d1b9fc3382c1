import ArgumentParser
import PanelCore

struct Todo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "todo",
        abstract: "What you owe: reviews due, responses to give, sign-offs, votes and flags, with dates.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let context = try CommandContext.load(workspace, access: .readOnly, prefetchingWorkflows: true)
        let items = TodoList.items(
            for: context.actor, assessments: try context.outlines, workflows: try context.workflows,
            members: try context.members, flags: Array(try context.store.flags().values), now: context.clock.now())
        if output.format == .json {
            Console.out(try Console.json(items))
            return
        }
        if items.isEmpty { Console.out("\(context.actor): nothing to do") }
        for item in items {
            let due = item.due.map { item.overdue ? " (overdue since \($0))" : " (due \($0))" } ?? ""
            Console.out("\(item.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(item.text)\(due)")
            Console.out("          \(item.hint)")
        }
    }
}
