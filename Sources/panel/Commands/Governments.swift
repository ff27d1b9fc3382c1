import ArgumentParser
import Foundation
import PanelCore

/// A signing key given on the command line: an OpenSSH public key line, or a `.pub` file holding one.
enum SigningKeyOption {
    static func read(_ values: [String]) throws -> [String] {
        try values.map { value in
            let line = try line(value)
            if let why = SigningKey.unusable(line) { throw CommandFailure.badInput("--signing-key: '\(line.prefix(40))…' is \(why)") }
            return line
        }
    }

    private static func line(_ value: String) throws -> String {
        if SigningKey.looksLikeOpenSSH(value) { return value }
        guard let data = FileManager.default.contents(atPath: value) else {
            throw CommandFailure.badInput("--signing-key: '\(value.prefix(40))' is neither an OpenSSH public key line nor a readable .pub file")
        }
        let line = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard SigningKey.looksLikeOpenSSH(line) else {
            throw CommandFailure.badInput("\(value): not an OpenSSH public key (ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa, then base64)")
        }
        return line
    }
}

struct Governments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "governments",
        abstract: "Member states and their national focal points, who comment in government review.",
        discussion: """
            The 193 UN member states ship as data (ISO 3166-1 code, UN regional group, development status from \
            UN DESA's World Economic Situation and Prospects 2024). A focal point submits comments in the same \
            YAML, CSV or .xlsx formats as reviews (reviewer: gov-ke), signed as reviews are, during a stage that \
            allows government-review. Government comments are never blinded.
            """,
        subcommands: [Add.self, List.self, States.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Register a member state's focal point (chairs, or the secretariat for them); the id is gov-CC.")

        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: "The member state, by ISO 3166-1 alpha-2 code, e.g. KE.") var state: String
        @Option(help: "The focal point's full name.") var name: String
        @Option(help: "The OS login they run panel as (identity: os-user).") var login: String?
        @Option(name: .customLong("signing-key"), help: "An OpenSSH public key line or .pub file whose signatures are theirs (repeat).")
        var signingKeys: [String] = []

        func validate() throws {
            if MemberStates.state(state) == nil { throw ValidationError("--state: " + MemberStates.unknown(state)) }
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let keys = try SigningKeyOption.read(signingKeys)
            let records = try context.decide { state in
                ParticipantDecisions.registerFocalPoint(state: self.state, name: name, login: login, signingKeys: keys,
                                                        members: try state.members(), actor: context.actor, now: context.clock.now())
            }
            if let registered = try records.first?.payload(as: ParticipantRegistered.self) {
                let person = registered.participant
                Console.out("registered \(person.id): \(person.name), focal point of \(MemberStates.state(person.nationality)?.name ?? person.nationality) (\(person.group.rawValue))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered focal points with their states.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let context = try CommandContext.load(workspace)
            struct Row: Encodable { var id: String; var name: String; var state: String; var stateName: String; var group: String; var development: String; var signed: Bool }
            let rows = try context.members.compactMap { member -> Row? in
                guard let code = member.state, let state = MemberStates.state(code) else { return nil }
                return Row(id: member.id, name: member.name, state: code, stateName: state.name, group: state.group.rawValue,
                           development: state.development.rawValue, signed: !member.signingKeys.isEmpty)
            }
            if output.format == .json { return Console.out(try Console.json(rows)) }
            if rows.isEmpty { Console.out("no focal points (register one: panel governments add --state CC --name NAME)") }
            for row in rows { Console.out("\(row.id)\t\(row.stateName) (\(row.state))\t\(row.group)\t\(row.development)\t\(row.name)") }
        }
    }

    struct States: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "states", abstract: "List the 193 UN member states with their regional group and development status.")

        /// Accepted (and unused) so that --workspace, given out of habit, is not an error.
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this regional group.") var group: RegionalGroup?

        func run() throws {
            let states = MemberStates.all.filter { group == nil || $0.group == group }
            if output.format == .json { return Console.out(try Console.json(states)) }
            for state in states { Console.out("\(state.code)\t\(state.group.rawValue)\t\(state.development.rawValue)\t\(state.name)") }
            Console.out("\(counted(states.count, "member state")); development status: \(MemberStates.developmentSource)")
        }
    }
}

struct Stakeholders: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stakeholders",
        abstract: "Stakeholders (governments, industry, academia, civil society) who answer calls for evidence.",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Register a stakeholder (chairs, or the secretariat for them).")

        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: "Id, e.g. stk-017.") var id: String
        @Option(help: "Full name of the person who submits.") var name: String
        @Option(help: "The organisation they submit for.") var organisation: String
        @Option(help: "government, industry, academia or civil-society.") var sector: StakeholderSector
        @Option(help: "ISO 3166-1 alpha-2 code of the member state they are based in.") var country: String
        @Option(help: "The OS login they run panel as (identity: os-user).") var login: String?
        @Option(name: .customLong("signing-key"), help: "An OpenSSH public key line or .pub file (repeat).") var signingKeys: [String] = []

        func validate() throws {
            if MemberStates.state(country) == nil { throw ValidationError("--country: " + MemberStates.unknown(country)) }
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let keys = try SigningKeyOption.read(signingKeys)
            try context.decide { state in
                ParticipantDecisions.registerStakeholder(id: id, name: name, organisation: organisation, sector: sector, country: country,
                                                         login: login, signingKeys: keys, members: try state.members(),
                                                         actor: context.actor, now: context.clock.now())
            }
            Console.out("registered stakeholder \(id): \(name), \(organisation) (\(sector.rawValue), \(country.uppercased()))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered stakeholders.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let context = try CommandContext.load(workspace)
            struct Row: Encodable { var id: String; var name: String; var organisation: String; var sector: String; var country: String; var group: String }
            let rows = try context.members.compactMap { member -> Row? in
                guard let sector = member.sector else { return nil }
                return Row(id: member.id, name: member.name, organisation: member.affiliation, sector: sector.rawValue,
                           country: member.nationality, group: member.group.rawValue)
            }
            if output.format == .json { return Console.out(try Console.json(rows)) }
            if rows.isEmpty { Console.out("no stakeholders (register one: panel stakeholders add ...)") }
            for row in rows { Console.out("\(row.id)\t\(row.sector)\t\(row.country)\t\(row.organisation)\t\(row.name)") }
        }
    }
}

extension StakeholderSector: ExpressibleByArgument {}
