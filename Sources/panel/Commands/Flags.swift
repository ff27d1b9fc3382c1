import ArgumentParser
import Foundation
import PanelCore

struct FlagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags", abstract: "Flags raised by the rules: list, show, acknowledge, silence, resolve.",
        subcommands: [List.self, Show.self, Ack.self, SilenceFlags.self, Silences.self, Unsilence.self, Resolve.self])

    struct Silences: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "silences", abstract: "List silences, active and ended, with the flags each withholds now.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @ArgumentParser.Flag(help: "Only active silences.") var active = false

        func run() throws {
            let context = try CommandContext.load(workspace)
            let now = context.clock.now()
            let (flags, silences) = try Console.run { (try context.store.flags(), try context.store.silences()) }
            struct Row: Encodable { var silence: Silence; var active: Bool; var withholds: [String] }
            let rows = silences.filter { !active || $0.isActive(at: now) }.map { silence in
                Row(silence: silence, active: silence.isActive(at: now),
                    withholds: silence.isActive(at: now) ? flags.values.filter { $0.state != .resolved && silence.matches($0) }.map(\.id).sorted() : [])
            }
            if output.format == .json { return Console.out(try Console.json(rows)) }
            if rows.isEmpty { Console.out(active ? "no active silences" : "no silences") }
            for row in rows {
                let what = row.silence.flag.map { "flag \($0)" } ?? row.silence.rule.map { "rule \($0)" }
                    ?? row.silence.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                let state = row.active ? "active until \(row.silence.until)" : (row.silence.ended.map { "ended \(row.silence.until) (\($0))" } ?? "expired \(row.silence.until)")
                Console.out("\(row.silence.id)  \(state)  \(what): \(row.silence.reason) (by \(row.silence.by))\(row.withholds.isEmpty ? "" : "; withholds \(row.withholds.joined(separator: ", "))")")
            }
        }
    }

    struct Unsilence: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unsilence", abstract: "End a silence now (members); its flags go out in the next digest.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Silence id, e.g. S-3.") var id: String
        @Option(help: "Why it ends early (recorded).") var reason: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            try context.decide { state in
                FlagDecisions.unsilence(id, reason: reason, silences: try state.silences(), members: try state.members(),
                                        actor: context.actor, now: context.clock.now())
            }
            Console.out("silence \(id) ended")
        }
    }

    static func describe(_ flag: PanelCore.Flag, state: FlagState) -> String {
        "\(flag.id)  \(state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(flag.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(flag.rule): \(flag.message)"
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List flags, most severe first.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only flags in this state: open, acknowledged, silenced, resolved.") var state: FlagState?
        @ArgumentParser.Flag(help: "Include resolved flags.") var all = false

        func run() throws {
            let context = try CommandContext.load(workspace)
            let now = context.clock.now()
            let (flags, silences) = try Console.run { (try context.store.flags(), try context.store.silences()) }
            var rows: [(flag: PanelCore.Flag, state: FlagState)] = []
            for flag in flags.values {
                let current = flag.state(at: now, silences: silences)
                if let state, current != state { continue }
                if state == nil && !all && current == .resolved { continue }
                rows.append((flag, current))
            }
            rows.sort { left, right in
                if left.flag.severity != right.flag.severity { return left.flag.severity > right.flag.severity }
                return (left.flag.rule, left.flag.id) < (right.flag.rule, right.flag.id)
            }
            if output.format == .json {
                let shown: [PanelCore.Flag] = rows.map { row in
                    var flag = row.flag
                    flag.state = row.state
                    return flag
                }
                Console.out(try Console.json(shown))
                return
            }
            if rows.isEmpty { Console.out("no flags") }
            for row in rows { Console.out(FlagsCommand.describe(row.flag, state: row.state)) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one flag.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Flag id, e.g. F-1a2b3c4d5e.") var id: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            guard var flag = try Console.run({ try context.store.flags() })[id] else {
                Console.error("no flag '\(id)' (see: panel flags list)")
                throw Exit.badInput
            }
            let silences = try Console.run { try context.store.silences() }
            flag.state = flag.state(at: context.clock.now(), silences: silences)
            let covering = flag.state == .silenced ? Silence.covering(flag, among: silences, at: context.clock.now()) : nil
            if output.format == .json {
                struct Shown: Encodable { var flag: PanelCore.Flag; var silencedBy: Silence? }
                Console.out(try Console.json(Shown(flag: flag, silencedBy: covering)))
                return
            }
            Console.out("\(flag.id)  \(flag.title)")
            let fields: [(String, String?)] = [
                ("state", flag.state.rawValue), ("severity", flag.severity.rawValue), ("rule", flag.rule),
                ("subject", flag.subject), ("message", flag.message), ("version", String(flag.version)),
                ("raised", flag.raisedAt), ("changed", flag.changedAt),
                ("labels", flag.labels.isEmpty ? nil : flag.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")),
                ("acknowledged", flag.acknowledgedBy.map { "\($0): \(flag.note ?? "")" }), ("resolution", flag.resolution),
                ("silenced by", covering.map { "\($0.id) until \($0.until): \($0.reason) (by \($0.by)); end it with panel flags unsilence \($0.id) --reason ..." }),
            ]
            for (label, value) in fields {
                if let value { Console.out("  " + label.padding(toLength: 13, withPad: " ", startingAt: 0) + value) }
            }
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an open flag, with a note (members).")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Flag id.") var id: String
        @Option(help: "What is being done about it.") var note: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            try context.decide { state in
                FlagDecisions.acknowledge(id, note: note, flags: try state.flags(), members: try state.members(),
                                          actor: context.actor, now: context.clock.now())
            }
            Console.out("\(id) acknowledged by \(context.actor)")
        }
    }

    struct SilenceFlags: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "silence", abstract: "Withhold flags from digests until a time: one flag, a rule, or flags with labels.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "A flag id (or use --rule / --label).") var id: String?
        @Option(help: "Every flag of this rule.") var rule: String?
        @Option(name: .customLong("label"), help: "Flags with this label, as key=value (repeat).") var labels: [String] = []
        @Option(help: "Until when (ISO 8601), or a duration such as 7d.") var until: String
        @Option(help: "Why (recorded).") var reason: String

        /// Bad values are usage errors (exit 64), found before anything is read.
        func validate() throws {
            if Timestamp.parse(until) == nil && Duration.days(until) == nil {
                throw ValidationError("--until must be an ISO 8601 time or a duration such as 7d, not '\(until)'")
            }
            _ = try Self.matchers(labels)
        }

        static func matchers(_ labels: [String]) throws -> [String: String] {
            var matchers: [String: String] = [:]
            for label in labels {
                let parts = label.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--label must be key=value, not '\(label)'") }
                matchers[parts[0]] = parts[1]
            }
            return matchers
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let now = context.clock.now()
            let end = Timestamp.parse(until) ?? Duration.days(until).map { now.addingTimeInterval(Double($0) * 86_400) }
            let rules = try context.rules
            // The silence id is allocated inside the write: two silences at once get two ids.
            let records = try context.decide { state in
                FlagDecisions.silence(
                    flag: id, rule: rule, labels: try Self.matchers(labels), until: end ?? now, reason: reason,
                    existing: try state.silences(), flags: try state.flags(), rules: rules, members: try state.members(),
                    actor: context.actor, now: now)
            }
            if let silence = try records.first?.payload(as: SilenceCreated.self)?.silence {
                let withheld = try context.store.flags().values.filter { $0.state != .resolved && silence.matches($0) }.map(\.id).sorted()
                Console.out("silence \(silence.id) until \(silence.until); it withholds \(withheld.isEmpty ? "no flag now" : counted(withheld.count, "flag") + ": " + withheld.joined(separator: ", "))")
                if withheld.isEmpty && silence.flag == nil {
                    Console.error("warning: silence \(silence.id) matches no current flag; check --rule and --label (it will withhold matching flags raised before \(silence.until))")
                }
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve a flag by hand, with a note (members).")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Flag id.") var id: String
        @Option(help: "Why it is resolved.") var note: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            try context.decide { state in
                FlagDecisions.resolve(id, note: note, flags: try state.flags(), members: try state.members(),
                                      actor: context.actor, now: context.clock.now())
            }
            Console.out("\(id) resolved")
        }
    }
}
