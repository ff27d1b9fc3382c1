/// One rule of resolution A/RES/79/325 checked against the roster.
public struct RosterRuleResult: Codable, Sendable, Equatable {
    public var rule: String
    public var passed: Bool
    public var detail: String

    public init(rule: String, passed: Bool, detail: String) {
        self.rule = rule
        self.passed = passed
        self.detail = detail
    }
}

/// The resolution's composition rules, as pure checks over a roster.
public enum RosterCheck {
    public static let panelSize = 40
    public static let maxViceChairs = 3
    public static let maxSameNationality = 2
    public static let maxSameAffiliation = 2
    /// Balance holds when no gender exceeds this share of the panel.
    public static let maxGenderShare = 0.6

    /// External reviewers are not panel members and do not count.
    public static func evaluate(_ roster: [Member]) -> [RosterRuleResult] {
        let members = roster.filter(\.isPanelMember)
        var results: [RosterRuleResult] = []
        results.append(RosterRuleResult(
            rule: "size", passed: members.count == panelSize,
            detail: "\(members.count) members (the resolution names \(panelSize))"))

        let coChairs = members.filter { $0.has(.coChair) }
        let developed = coChairs.filter { CountryClassification.isDeveloped($0.nationality) }
        let coChairText = coChairs.map { "\($0.id) \($0.nationality) (\(CountryClassification.isDeveloped($0.nationality) ? "developed" : "developing"))" }
            .joined(separator: ", ")
        results.append(RosterRuleResult(
            rule: "co-chairs", passed: coChairs.count == 2 && developed.count == 1,
            detail: "\(coChairs.count) co-chairs, \(developed.count) from a developed and \(coChairs.count - developed.count) from a developing country (needs 2: one of each)\(coChairText.isEmpty ? "" : ": " + coChairText)"))

        let viceChairs = members.filter { $0.has(.viceChair) }.count
        results.append(RosterRuleResult(
            rule: "vice-chairs", passed: viceChairs <= maxViceChairs,
            detail: "\(viceChairs) vice-chairs (at most \(maxViceChairs))"))

        results.append(repeated(members, rule: "nationality", limit: maxSameNationality, key: \.nationality, noun: "nationality"))
        results.append(repeated(members, rule: "affiliation", limit: maxSameAffiliation, key: \.affiliation, noun: "affiliation"))

        let counts = Dictionary(grouping: members, by: \.gender).mapValues(\.count)
        let largest = counts.values.max() ?? 0
        let split = Gender.roster.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")
        let share = members.isEmpty ? 0 : Double(largest) / Double(members.count)
        results.append(RosterRuleResult(
            rule: "gender", passed: !members.isEmpty && share <= maxGenderShare,
            detail: "\(split) (no gender above \(Int(maxGenderShare * 100))%)"))

        let groups = Dictionary(grouping: members, by: \.group).mapValues(\.count)
        let missing = RegionalGroup.allCases.filter { groups[$0] == nil }
        let perGroup = RegionalGroup.allCases.map { "\($0.rawValue) \(groups[$0] ?? 0)" }.joined(separator: ", ")
        results.append(RosterRuleResult(
            rule: "regional-groups", passed: missing.isEmpty,
            detail: missing.isEmpty ? "all five represented: \(perGroup)"
                : "missing \(missing.map(\.rawValue).joined(separator: ", ")): \(perGroup)"))
        return results
    }

    private static func repeated(_ members: [Member], rule: String, limit: Int, key: KeyPath<Member, String>,
                                 noun: String) -> RosterRuleResult {
        let grouped = Dictionary(grouping: members, by: { $0[keyPath: key] })
        let over = grouped.filter { $0.value.count > limit }.sorted { $0.key < $1.key }
        let text = over.map { "\($0.key): \($0.value.map(\.id).joined(separator: ", "))" }.joined(separator: "; ")
        return RosterRuleResult(
            rule: rule, passed: over.isEmpty,
            detail: over.isEmpty ? "at most \(limit) members share the same \(noun)"
                : "more than \(limit) members share the same \(noun): \(text)")
    }
}
