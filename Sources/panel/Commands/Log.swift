import ArgumentParser
import PanelCore

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "List events from the tamper-evident log, oldest first.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Only events after this sequence number.")
    var after: Int64 = 0

    @Option(help: "At most this many events.")
    var limit: Int?

    @Option(help: "Only events of this type (e.g. references.ingested).")
    var type: String?

    @Option(help: "Only events about this subject (an assessment, a member, a flag id).")
    var subject: String?

    func run() throws {
        let context = try CommandContext.load(workspace, access: .readOnly)
        let filtered = type != nil || subject != nil
        var events = try subject.map { try context.store.events(about: $0, type: type).filter { $0.sequence > after } }
            ?? context.store.events(after: after, limit: filtered ? nil : limit)
        if filtered {
            events = events.filter { (type == nil || $0.type == type) && (subject == nil || $0.subject == subject) }
            if let limit { events = Array(events.prefix(limit)) }
        }
        // Every event passes through the visibility policy. For someone with the authors' view of a
        // blinded assessment, roster events are withheld all alike (the roster is 'panel members
        // list'), so that which names are withheld elsewhere does not single out the reviewers.
        let roster: Set<String> = [MemberRegistered.type, MemberUpdated.type, ReviewerRegistered.type, RosterExceptionAccepted.type]
        if try !context.redactor().isEmpty {
            events = events.map { event in
                guard roster.contains(event.type) else { return event }
                var withheld = event
                withheld.subject = "(roster)"
                withheld.payload = "{\"withheld\":\"see panel members list\"}"
                return withheld
            }
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
