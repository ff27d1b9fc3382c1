/// The five UN regional groups.
public enum RegionalGroup: String, CaseIterable, Codable, Sendable {
    case african = "African"
    case asiaPacific = "Asia-Pacific"
    case easternEuropean = "Eastern European"
    case latinAmericanAndCaribbean = "Latin American and Caribbean"
    case westernEuropeanAndOthers = "Western European and Others"
}

public enum Gender: String, CaseIterable, Codable, Sendable {
    case female
    case male
    case nonBinary = "non-binary"
    /// Not recorded: focal points and stakeholders are registered without it.
    case unstated

    /// What a roster of experts records (the resolution's gender balance is counted over these).
    public static let roster: [Gender] = [.female, .male, .nonBinary]
}

/// Who a stakeholder in a call for evidence is.
public enum StakeholderSector: String, CaseIterable, Codable, Sendable {
    case government
    case industry
    case academia
    case civilSociety = "civil-society"
}

/// Standing roles on the panel (per-assessment roles come with assessments).
public enum PanelRole: String, CaseIterable, Codable, Sendable {
    case coChair = "co-chair"
    case viceChair = "vice-chair"
    case member
}

/// Declared conflicts of interest, kept for reviewer assignment.
public struct Conflicts: Codable, Sendable, Equatable, Hashable {
    public var organisations: [String]
    public var members: [String]
    public var assessments: [String]

    public init(organisations: [String] = [], members: [String] = [], assessments: [String] = []) {
        self.organisations = organisations
        self.members = members
        self.assessments = assessments
    }

    public var isEmpty: Bool { organisations.isEmpty && members.isEmpty && assessments.isEmpty }
}

/// One of the panel's experts, serving in a personal capacity.
public struct Member: Codable, Sendable, Equatable, Hashable, Identifiable {
    public var id: String
    public var name: String
    /// ISO 3166-1 alpha-2.
    public var nationality: String
    public var group: RegionalGroup
    public var gender: Gender
    public var affiliation: String
    public var expertise: [String]
    public var roles: [PanelRole]
    public var conflicts: Conflicts
    /// An external expert reviewer, registered to review but not one of the 40.
    public var external: Bool
    /// The OS user name this person runs `panel` as (under `identity: os-user`).
    public var login: String?
    /// OpenSSH public key lines whose signatures are this person's.
    public var signingKeys: [String]
    /// A national focal point: the member state (ISO code) this person comments for in government review.
    public var state: String?
    /// A stakeholder registered for calls for evidence: their sector.
    public var sector: StakeholderSector?

    public init(id: String, name: String, nationality: String, group: RegionalGroup, gender: Gender,
                affiliation: String, expertise: [String] = [], roles: [PanelRole] = [.member],
                conflicts: Conflicts = Conflicts(), external: Bool = false, login: String? = nil, signingKeys: [String] = [],
                state: String? = nil, sector: StakeholderSector? = nil) {
        self.state = state
        self.sector = sector
        self.login = login
        self.signingKeys = signingKeys
        self.id = id
        self.name = name
        self.nationality = nationality
        self.group = group
        self.gender = gender
        self.affiliation = affiliation
        self.expertise = expertise
        self.roles = roles
        self.conflicts = conflicts
        self.external = external
    }

    enum CodingKeys: String, CodingKey {
        case id, name, nationality, group, gender, affiliation, expertise, roles, conflicts, external, login, signingKeys, state, sector
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(id, forKey: .id)
        try values.encode(name, forKey: .name)
        try values.encode(nationality, forKey: .nationality)
        try values.encode(group, forKey: .group)
        try values.encode(gender, forKey: .gender)
        try values.encode(affiliation, forKey: .affiliation)
        try values.encode(expertise, forKey: .expertise)
        try values.encode(roles, forKey: .roles)
        try values.encode(conflicts, forKey: .conflicts)
        try values.encode(external, forKey: .external)
        // Written only when present, so records made before these fields existed read back the same.
        try values.encodeIfPresent(login, forKey: .login)
        if !signingKeys.isEmpty { try values.encode(signingKeys, forKey: .signingKeys) }
        try values.encodeIfPresent(state, forKey: .state)
        try values.encodeIfPresent(sector, forKey: .sector)
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        id = try values.decode(String.self, forKey: .id)
        name = try values.decode(String.self, forKey: .name)
        nationality = try values.decode(String.self, forKey: .nationality)
        group = try values.decode(RegionalGroup.self, forKey: .group)
        gender = try values.decode(Gender.self, forKey: .gender)
        affiliation = try values.decode(String.self, forKey: .affiliation)
        expertise = try values.decode([String].self, forKey: .expertise)
        roles = try values.decode([PanelRole].self, forKey: .roles)
        conflicts = try values.decode(Conflicts.self, forKey: .conflicts)
        external = try values.decodeIfPresent(Bool.self, forKey: .external) ?? false
        login = try values.decodeIfPresent(String.self, forKey: .login)
        signingKeys = try values.decodeIfPresent([String].self, forKey: .signingKeys) ?? []
        state = try values.decodeIfPresent(String.self, forKey: .state)
        sector = try values.decodeIfPresent(StakeholderSector.self, forKey: .sector)
    }

    public func has(_ role: PanelRole) -> Bool { roles.contains(role) }

    /// One of the panel's own members (not an external reviewer, focal point or stakeholder).
    public var isPanelMember: Bool { !external }
    /// A national focal point, who comments for `state` in government review.
    public var isFocalPoint: Bool { state != nil }
    /// A stakeholder, who may answer calls for evidence.
    public var isStakeholder: Bool { sector != nil }
    /// An expert who may be assigned to review: a panel member or an external expert reviewer.
    public var isExpert: Bool { state == nil && sector == nil }
}

/// A member joined the roster.
public struct MemberRegistered: EventPayload {
    public static let type = "member.registered"
    public var member: Member
    public init(member: Member) { self.member = member }
}

/// A member's record changed on re-import.
public struct MemberUpdated: EventPayload {
    public static let type = "member.updated"
    public var member: Member
    /// Names of the fields that changed.
    public var changed: [String]
    public init(member: Member, changed: [String]) {
        self.member = member
        self.changed = changed
    }
}
