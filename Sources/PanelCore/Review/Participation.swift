import Foundation

/// How many took part, split by UN regional group and by development status, with the
/// share from developing countries.
public struct ParticipationSplit: Codable, Sendable, Equatable {
    public var total: Int
    /// By regional group name; every group listed, zeros included, so gaps show.
    public var byGroup: [String: Int]
    /// `developed`, `in-transition`, `developing`.
    public var byDevelopment: [String: Int]
    /// Developing countries' share of the total (nil when there is nobody to count).
    public var developingShare: Double?

    init(_ people: [(group: RegionalGroup, development: DevelopmentStatus)]) {
        total = people.count
        byGroup = Dictionary(uniqueKeysWithValues: RegionalGroup.allCases.map { group in (group.rawValue, people.filter { $0.group == group }.count) })
        byDevelopment = Dictionary(uniqueKeysWithValues: DevelopmentStatus.allCases.map { status in
            (status.rawValue, people.filter { $0.development == status }.count)
        })
        developingShare = people.isEmpty ? nil : Double(people.filter { $0.development == .developing }.count) / Double(people.count)
    }

    /// `4 (African 1, Asia-Pacific 2, ...; developing 2, in transition 0, developed 2; 50% developing)`.
    public var summary: String {
        guard total > 0 else { return "0" }
        let groups = RegionalGroup.allCases.compactMap { group in byGroup[group.rawValue].flatMap { $0 > 0 ? "\(group.rawValue) \($0)" : nil } }
        let development = DevelopmentStatus.allCases.reversed().map { "\($0.rawValue.replacingOccurrences(of: "-", with: " ")) \(byDevelopment[$0.rawValue] ?? 0)" }
        let share = developingShare.map { "; \(Int(($0 * 100).rounded()))% from developing countries" } ?? ""
        return "\(total) (\(groups.joined(separator: ", ")); \(development.joined(separator: ", "))\(share))"
    }
}

/// Who took part in one review stage: expert reviewers, commenting states, and their comments.
public struct StageParticipation: Codable, Sendable, Equatable {
    public var stage: String
    public var reviewers: ParticipationSplit
    public var states: ParticipationSplit
    /// Comments by the split of whoever made them (an expert's nationality, a focal point's state).
    public var comments: ParticipationSplit
    /// Expert reviewers and commenting states together.
    public var participants: ParticipationSplit
}

/// Submissions to an assessment's calls for evidence, counted.
public struct EvidenceFigures: Codable, Sendable, Equatable {
    public var total: Int
    public var bySector: [String: Int]
    public var byGroup: [String: Int]
    public var developingShare: Double?
}

/// Inclusivity in figures: who took part in each review stage, from the log's own records.
public enum Participation {
    /// A country's development status: a member state's, or (for a nationality that is not a
    /// member state) developed when UN DESA lists it as developed, else developing.
    public static func development(of country: String) -> DevelopmentStatus {
        MemberStates.state(country)?.development ?? (CountryClassification.isDeveloped(country) ? .developed : .developing)
    }

    /// One entry per stage that received reviews or government comments, in the order they arrived.
    public static func figures(_ assessment: Assessment, comments: [CommentRecord], members: [Member]) -> [StageParticipation] {
        let byID = Dictionary(members.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func split(of reviewer: String, state: String?) -> (group: RegionalGroup, development: DevelopmentStatus)? {
            if let state, let known = MemberStates.state(state) { return (known.group, known.development) }
            guard let member = byID[reviewer] else { return nil }
            return (member.group, development(of: member.nationality))
        }
        var stages: [String] = []
        for review in assessment.reviews where !stages.contains(review.stage) { stages.append(review.stage) }
        let stateOf = Dictionary(assessment.governmentReviews.map { ($0.reviewer, $0.state) }, uniquingKeysWith: { first, _ in first })
        return stages.map { stage in
            let reviews = assessment.reviews.filter { $0.stage == stage }
            let experts = reviews.filter { $0.state == nil }.compactMap { split(of: $0.reviewer, state: nil) }
            let states = reviews.filter { $0.state != nil }.compactMap { split(of: $0.reviewer, state: $0.state) }
            let said = comments.filter { $0.stage == stage }.compactMap { split(of: $0.reviewer, state: stateOf[$0.reviewer] ?? nil) }
            return StageParticipation(stage: stage, reviewers: ParticipationSplit(experts), states: ParticipationSplit(states),
                                      comments: ParticipationSplit(said), participants: ParticipationSplit(experts + states))
        }
    }

    public static func evidence(_ assessment: Assessment) -> EvidenceFigures? {
        guard !assessment.evidence.isEmpty else { return nil }
        let split = ParticipationSplit(assessment.evidence.map { ($0.group, development(of: $0.country)) })
        return EvidenceFigures(total: assessment.evidence.count,
                               bySector: Dictionary(grouping: assessment.evidence, by: \.sector).mapValues(\.count),
                               byGroup: split.byGroup, developingShare: split.developingShare)
    }
}
