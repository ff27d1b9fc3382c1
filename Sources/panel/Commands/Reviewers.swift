import ArgumentParser
import Foundation
import PanelCore

struct Reviewers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviewers",
        abstract: "External expert reviewers (not panel members).", subcommands: [Add.self, List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List external expert reviewers (chairs; reviewers' identities are not for authors).")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let context = try CommandContext.load(workspace)
            struct Row: Encodable { var id: String; var name: String; var nationality: String; var group: String; var affiliation: String; var expertise: [String] }
            let rows = try context.members.filter { $0.external && $0.isExpert }.map {
                Row(id: $0.id, name: $0.name, nationality: $0.nationality, group: $0.group.rawValue, affiliation: $0.affiliation, expertise: $0.expertise)
            }
            // Through the visibility policy: an author sees none of the reviewers who review their assessments.
            if output.format == .json { return Console.out(try Console.json(rows)) }
            if rows.isEmpty { Console.out("no external reviewers (register one: panel reviewers add ...)") }
            for row in rows { Console.out("\(row.id)\t\(row.nationality)\t\(row.group)\t\(row.affiliation)\t\(row.name)") }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Register an external expert reviewer (chairs).")

        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: "Id, e.g. ext-014.") var id: String
        @Option(help: "Full name.") var name: String
        @Option(help: "ISO 3166-1 alpha-2 code.") var nationality: String
        @Option(help: "UN regional group.") var group: RegionalGroup
        @Option(help: "female, male or non-binary.") var gender: Gender
        @Option(help: "Affiliation.") var affiliation: String
        @Option(name: .customLong("expertise"), help: "Expertise tag (repeat).") var expertise: [String] = []
        @Option(name: .customLong("conflict-organisation"), help: "Declared conflict with an organisation (repeat).") var organisations: [String] = []
        @Option(name: .customLong("conflict-member"), help: "Declared conflict with a member (repeat).") var conflictMembers: [String] = []
        @Option(name: .customLong("conflict-assessment"), help: "Declared conflict with an assessment (repeat).") var conflictAssessments: [String] = []

        func validate() throws {
            if !TextPatterns.isSlug(id) {
                throw ValidationError("--id must be lower-case letters, digits and dashes, not '\(id)'")
            }
            if !TextPatterns.isCountryCode(nationality) {
                throw ValidationError("--nationality must be an ISO 3166-1 alpha-2 code such as KE, not '\(nationality)'")
            }
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let reviewer = Member(
                id: id, name: name, nationality: nationality, group: group, gender: gender, affiliation: affiliation,
                expertise: expertise, roles: [],
                conflicts: Conflicts(organisations: organisations, members: conflictMembers, assessments: conflictAssessments),
                external: true)
            try context.decide { state in
                ReviewDecisions.registerReviewer(reviewer, members: try state.members(), actor: context.actor, now: context.clock.now())
            }
            Console.out("registered external reviewer \(id) (\(name))")
        }
    }
}
