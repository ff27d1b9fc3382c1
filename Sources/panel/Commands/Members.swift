import ArgumentParser
import Foundation
import PanelCore

struct Members: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: "The panel's roster: import, list, show, and check it against resolution A/RES/79/325.",
        subcommands: [Import.self, List.self, Show.self, Check.self])
}

extension Members {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import members from a YAML or CSV roster (re-import updates, never duplicates).",
            discussion: """
                YAML: a 'members' list; CSV: one member a row with the columns \
                \(HelpText.list(RosterFile.csvColumns, separator: ",")) (lists separated by ';'). \
                The whole file is validated first; any problem and nothing is imported. \
                Under 'identity: os-user' only the secretariat's logins import a roster; under 'declared', \
                anyone while the roster is empty, afterwards a co-chair or vice-chair (--as). \
                A roster that would break a rule of resolution A/RES/79/325 (41 members, a fourth \
                vice-chair, ...) is refused unless --accept-violations --reason says why; the reason is recorded.
                """)

        @OptionGroup var workspace: WorkspaceOptions

        @Argument(help: "The roster file (.yaml, .yml or .csv).")
        var file: String

        @ArgumentParser.Flag(help: "Import even though the roster breaks a rule of the resolution (needs --reason).")
        var acceptViolations = false

        @Option(help: "Why the rules are set aside (recorded in the log).")
        var reason: String?

        func validate() throws {
            if acceptViolations && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("--accept-violations needs --reason WHY")
            }
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            guard let data = FileManager.default.contents(atPath: file) else {
                Console.error("\(file): cannot read the file")
                throw Exit.badInput
            }
            let incoming = try RosterFile.parse(try TextFile.decode([UInt8](data), file: file).get(), file: file)
            let identity = context.identity
            if identity.policy == .osUser && !identity.isSecretariat {
                throw Refusal("only the secretariat's logins (\(context.workspace.config.secretariat.joined(separator: ", "))) import the roster; you are OS user '\(identity.login ?? "?")'")
            }
            let events = try context.decide { state in
                RosterDecisions.importRoster(incoming, current: try state.members(), actor: context.actor, time: context.clock.now(),
                                             bySecretariat: identity.policy == .osUser && identity.isSecretariat,
                                             acceptingViolations: acceptViolations ? reason : nil)
            }
            if let accepted = try events.first?.payload(as: RosterExceptionAccepted.self) {
                for violation in accepted.violations { Console.error("accepted, as asked: \(violation)") }
            }
            // A conflict declared with an assessment that does not exist yet would silently attach to
            // whatever is opened under that id later: say so now.
            let known = Set(try context.outlines.map(\.id))
            for member in incoming {
                for id in member.conflicts.assessments where !known.contains(id) {
                    Console.error("warning: \(file): \(member.id) declares a conflict with assessment \(id), which does not exist (yet)")
                }
            }
            let added = events.filter { $0.type == MemberRegistered.type }.count
            let updated = events.filter { $0.type == MemberUpdated.type }.count
            // What a re-import changed, member by member: the file is the roster, so a column left
            // empty (a signing key, a login) is a change, and it must not pass unseen.
            for event in events {
                guard let update = try event.payload(as: MemberUpdated.self) else { continue }
                Console.out("updated    \(update.member.id): \(update.changed.joined(separator: ", "))".oneLine, redacting: false)
            }
            Console.out("\(added) registered, \(updated) updated, \(incoming.count - added - updated) unchanged (\(file))", redacting: false)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the roster.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let context = try CommandContext.load(workspace)
            let members = try Console.run { try context.store.members() }
            switch output.format {
            case .json:
                Console.out(try Console.json(members), redacting: false)
            case .text:
                if members.isEmpty { Console.out("no members (import a roster: panel members import FILE)") }
                for member in members {
                    let roles = member.roles.map(\.rawValue).joined(separator: ",")
                    Console.out("\(member.id)\t\(member.name)\t\(member.nationality)\t\(member.group.rawValue)\t\(member.gender.rawValue)\t\(roles)\t\(member.affiliation)", redacting: false)
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one member.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "Member id, e.g. exp-07.")
        var id: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            guard let member = try Console.run({ try context.store.members() }).first(where: { $0.id == id }) else {
                Console.error("no member '\(id)' (see: panel members list)")
                throw Exit.badInput
            }
            switch output.format {
            case .json:
                Console.out(try Console.json(member), redacting: false)
            case .text:
                Console.out("\(member.id)  \(member.name)", redacting: false)
                Console.out("  nationality  \(member.nationality) (\(CountryClassification.isDeveloped(member.nationality) ? "developed" : "developing"))", redacting: false)
                Console.out("  group        \(member.group.rawValue)", redacting: false)
                Console.out("  gender       \(member.gender.rawValue)", redacting: false)
                Console.out("  affiliation  \(member.affiliation)", redacting: false)
                Console.out("  roles        \(member.roles.map(\.rawValue).joined(separator: ", "))", redacting: false)
                Console.out("  expertise    \(member.expertise.joined(separator: ", "))", redacting: false)
                if !member.conflicts.isEmpty {
                    let parts = [
                        member.conflicts.organisations.isEmpty ? nil : "organisations: " + member.conflicts.organisations.joined(separator: "; "),
                        member.conflicts.members.isEmpty ? nil : "members: " + member.conflicts.members.joined(separator: ", "),
                        member.conflicts.assessments.isEmpty ? nil : "assessments: " + member.conflicts.assessments.joined(separator: ", "),
                    ].compactMap { $0 }
                    Console.out("  conflicts    \(parts.joined(separator: "; "))", redacting: false)
                }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check the roster against resolution A/RES/79/325; exits 3 when a rule fails.",
            discussion: "Country classification: \(CountryClassification.source).")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "Check this roster file instead of the workspace's roster.")
        var file: String?

        func run() throws {
            let members: [Member]
            if let file {
                guard let data = FileManager.default.contents(atPath: file) else {
                    Console.error("\(file): cannot read the file")
                    throw Exit.badInput
                }
                members = try RosterFile.parse(try TextFile.decode([UInt8](data), file: file).get(), file: file)
            } else {
                let context = try CommandContext.load(workspace)
                members = try Console.run { try context.store.members() }
            }
            let results = RosterCheck.evaluate(members)
            switch output.format {
            case .json:
                Console.out(try Console.json(results), redacting: false)
            case .text:
                for result in results {
                    Console.out("\(result.passed ? "pass" : "FAIL")  \(result.rule.padding(toLength: 16, withPad: " ", startingAt: 0))\(result.detail)", redacting: false)
                }
            }
            if results.contains(where: { !$0.passed }) { throw Exit.refused }
        }
    }
}
