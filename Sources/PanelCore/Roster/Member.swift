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

    public init(id: String, name: String, nationality: String, group: RegionalGroup, gender: Gender,
                affiliation: String, expertise: [String] = [], roles: [PanelRole] = [.member],
                conflicts: Conflicts = Conflicts()) {
        self.id = id
        self.name = name
        self.nationality = nationality
        self.group = group
        self.gender = gender
        self.affiliation = affiliation
        self.expertise = expertise
        self.roles = roles
        self.conflicts = conflicts
    }

    public func has(_ role: PanelRole) -> Bool { roles.contains(role) }
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
