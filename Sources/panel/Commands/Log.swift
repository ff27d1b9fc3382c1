import ArgumentParser
import Foundation
import PanelCore

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "List events from the tamper-evident log, oldest first.",
        discussion: """
            Everything passes through the visibility policy. To anyone who may not see a blinded \
            assessment's reviewers, roster events are withheld alike and no event's hash is shown \
            (a hash seals what is withheld; 'panel audit verify' is for those who see every name).
            """)

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

    /// A review event's payload without the hash of the review's file.
    static func withholdingFileHash(_ payload: String) throws -> String {
        guard var object = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
              var review = object["review"] as? [String: Any] else { return payload }
        review["file"] = withheld
        object["review"] = review
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    /// In place of a hash a reader with a restricted view may not have.
    static let withheld = "(withheld: it seals names you may not see)"

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
        // Nor are the hashes shown to them: an event's hash seals what the policy withholds from
        // them, so with the hashes they could try each member's id until one gives it.
        let roster: Set<String> = [MemberRegistered.type, MemberUpdated.type, ReviewerRegistered.type, RosterExceptionAccepted.type]
        if try !context.redactor().isEmpty {
            events = try events.map { event in
                var shown = event
                shown.hash = Log.withheld
                shown.previousHash = Log.withheld
                // So is a review file's hash: the file can be rebuilt from the comments they see.
                if event.type == ReviewReceived.type { shown.payload = try Log.withholdingFileHash(event.payload) }
                guard roster.contains(event.type) else { return shown }
                shown.subject = "(roster)"
                shown.payload = "{\"withheld\":\"see panel members list\"}"
                return shown
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
