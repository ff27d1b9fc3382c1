import ArgumentParser
import PanelCore

struct Whoami: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Who you are to this workspace, and what you may do.",
        discussion: "Under 'identity: os-user' you are the roster member whose login is your OS user; under 'declared', whoever --as names.")

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        var login: String?
        var identity: String
        var actor: String
        var recordedBy: String?
        var secretariat: Bool
        var name: String?
        var panelRoles: [String]
        var assessmentRoles: [String]
        var clock: String
        var mayDo: [String]
    }

    func run() throws {
        let context = try CommandContext.load(workspace, access: .readOnly)
        let identity = context.identity
        let members = try context.members
        let member = members.first { $0.id == identity.actor }
        let assessments = try context.outlines
        let assessmentRoles = assessments.flatMap { assessment in
            assessment.roles(of: identity.actor).map { "\($0.rawValue) of \(assessment.id)" }
        } + assessments.flatMap { assessment in
            assessment.currentAssignments.filter { $0.reviewer == identity.actor }.map { "reviewer of \(assessment.id) (due \($0.deadline))" }
        }
        var may: [String] = []
        if identity.policy == .osUser && identity.isSecretariat {
            may.append("import the roster, and act --as any member (recorded as recorded-by \(identity.login ?? "?"))")
        }
        if let member {
            if member.has(.coChair) || member.has(.viceChair) {
                may.append("open assessments, assign reviewers, extend deadlines, advance stages the workflow gives chairs, decide statements")
            }
            if member.isPanelMember { may.append("vote, acknowledge and silence flags") }
            if !assessmentRoles.isEmpty { may.append("act in your roles on the assessments listed") }
        } else if !(identity.policy == .osUser && identity.isSecretariat) {
            may.append("read: you are not on the roster, so nothing you ask to change will be recorded")
        }
        let report = Report(
            login: identity.login, identity: identity.policy.rawValue, actor: identity.actor, recordedBy: identity.recordedBy,
            secretariat: identity.isSecretariat, name: member?.name, panelRoles: member?.roles.map(\.rawValue) ?? [],
            assessmentRoles: assessmentRoles, clock: context.workspace.config.clock.rawValue, mayDo: may)
        if output.format == .json {
            Console.out(try Console.json(report))
            return
        }
        let name = member.map { person in
            let kind = person.state.map { ", focal point of \(MemberStates.state($0)?.name ?? $0)" }
                ?? person.sector.map { ", stakeholder (\($0.rawValue), \(person.affiliation))" }
                ?? (person.external ? ", external reviewer" : "")
            return " (\(person.name)\(kind))"
        } ?? " (not on the roster)"
        Console.out("you act as   \(identity.actor)\(name)")
        Console.out("OS user      \(identity.login ?? "unknown")\(identity.isSecretariat ? ", one of the secretariat's logins" : "")")
        switch identity.policy {
        case .declared:
            Console.out("identity     declared: this workspace believes --as without checking; the log marks what you record 'declared'")
        case .osUser:
            Console.out("identity     os-user: you are who your OS login says\(identity.recordedBy.map { "; recorded by \($0)" } ?? "")")
        }
        if let member { Console.out("panel roles  \(member.roles.map(\.rawValue).joined(separator: ", "))") }
        for role in assessmentRoles { Console.out("             \(role)") }
        Console.out("clock        \(context.workspace.config.clock == .settable ? "settable (--now honoured)" : "system")")
        for line in may { Console.out("you may      \(line)") }
    }
}
