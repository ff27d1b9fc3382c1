import ArgumentParser
import PanelCore

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List events from the tamper-evident log, oldest first.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Only events after this sequence number.")
    var after: Int64 = 0

    @Option(help: "At most this many events.")
    var limit: Int?

    @Option(help: "Only events of this type (e.g. references.ingested).")
    var type: String?

    func run() throws {
        let context = try CommandContext.load(workspace)
        var events = try Console.run { try context.store.events(after: after, limit: type == nil ? limit : nil) }
        if let type {
            events = events.filter { $0.type == type }
            if let limit { events = Array(events.prefix(limit)) }
        }
        switch output.format {
        case .json:
            Console.out(try Console.json(events))
        case .text:
            if events.isEmpty { Console.out("no events") }
            for event in events {
                Console.out("\(event.sequence)\t\(event.time)\t\(event.actor)\t\(event.type)\t\(event.subject)\t\(event.payload)")
            }
        }
    }
}
