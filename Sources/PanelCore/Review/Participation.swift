import Foundation

/// How many took part, split by UN regional group and by development status, with the
/// share from developing countries.
public struct ParticipationSplit: Codable, Sendable, Equatable {
    public var total: Int
    /// By regional group name; every group listed, zeros included, so gaps show. Nil when withheld.
    public var byGroup: [String: Int]?
    /// `developed`, `in-transition`, `developing`. Nil when withheld.
    public var byDevelopment: [String: Int]?
    /// Developing countries' share of the total (nil when there is nobody to count, or withheld).
    public var developingShare: Double?
    /// What is withheld and why: a blinded stage's breakdown that would single out a reviewer.
    public var withheld: String?

    init(_ people: [(group: RegionalGroup, development: DevelopmentStatus)]) {
        total = people.count
        byGroup = Dictionary(uniqueKeysWithValues: RegionalGroup.allCases.map { group in (group.rawValue, people.filter { $0.group == group }.count) })
        byDevelopment = Dictionary(uniqueKeysWithValues: DevelopmentStatus.allCases.map { status in
            (status.rawValue, people.filter { $0.development == status }.count)
        })
        developingShare = people.isEmpty ? nil : Double(people.filter { $0.development == .developing }.count) / Double(people.count)
    }

    /// The split with the breakdowns `detail` leaves out withheld.
    func showing(_ detail: Participation.Detail) -> ParticipationSplit {
        guard detail != .full else { return self }
        var shown = self
        if !detail.groups { shown.byGroup = nil }
        if !detail.development { shown.byDevelopment = nil; shown.developingShare = nil }
        let left = [detail.groups ? nil : "regional group", detail.development ? nil : "development status"].compactMap { $0 }
        shown.withheld = "by \(left.joined(separator: " and by ")): withheld, it would single out a reviewer of a blinded stage"
        return shown
    }

    /// `4 (African 1, Asia-Pacific 2, ...; developing 2, in transition 0, developed 2; 50% developing)`.
    public var summary: String {
        guard total > 0 else { return "0" }
        var parts: [String] = []
        if let byGroup {
            parts.append(RegionalGroup.allCases.compactMap { group in byGroup[group.rawValue].flatMap { $0 > 0 ? "\(group.rawValue) \($0)" : nil } }
                .joined(separator: ", "))
        }
        if let byDevelopment {
            let development = DevelopmentStatus.allCases.reversed().map { "\($0.rawValue.replacingOccurrences(of: "-", with: " ")) \(byDevelopment[$0.rawValue] ?? 0)" }
            parts.append(development.joined(separator: ", ") + (developingShare.map { "; \(Int(($0 * 100).rounded()))% from developing countries" } ?? ""))
        }
        if let withheld { parts.append(withheld) }
        return "\(total) (\(parts.joined(separator: "; ")))"
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

    /// How much of a stage's breakdown a reader is shown.
    public struct Detail: Equatable, Sendable {
        public var groups: Bool
        public var development: Bool
        public static let full = Detail(groups: true, development: true)
        /// Most detail first: the first that singles nobody out is shown.
        static let coarsening = [full, Detail(groups: false, development: true), Detail(groups: true, development: false),
                                 Detail(groups: false, development: false)]
    }

    /// One entry per stage that received reviews or government comments, in the order they arrived.
    /// For a stage whose reviewers the reader may not see (`hiding`), its breakdowns are shown only
    /// as far as they single out no reviewer (`detail(showing:pool:)`): the roster is public, and a
    /// reviewer alone in their regional group among those who could have reviewed would otherwise
    /// be named by a count of one.
    public static func figures(_ assessment: Assessment, comments: [CommentRecord], members: [Member],
                               hiding: (String) -> Bool = { _ in false }) -> [StageParticipation] {
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
            var detail = Detail.full
            if hiding(stage) {
                let reviewers = Set(reviews.filter { $0.state == nil }.map(\.reviewer)).sorted().compactMap { byID[$0] }
                detail = Self.detail(showing: reviewers, pool: candidates(for: assessment, members: members))
            }
            // Government comments are public by state: what experts said is the rest, so every
            // split with experts in it is shown alike.
            return StageParticipation(stage: stage, reviewers: ParticipationSplit(experts).showing(detail), states: ParticipationSplit(states),
                                      comments: ParticipationSplit(said).showing(detail),
                                      participants: ParticipationSplit(experts + states).showing(detail))
        }
    }

    /// Who a reader could take for a possible reviewer of `assessment`: experts who are not its
    /// authors or review editors, declare no conflict with it, share no author's affiliation, and
    /// are not chairs. The fewest the rules allow, so a check against them is the strictest
    /// (a reader who supposes more candidates can infer less).
    static func candidates(for assessment: Assessment, members: [Member]) -> [Member] {
        members.filter { member in
            member.isExpert && !member.has(.coChair) && !member.has(.viceChair)
                && ReviewDecisions.exclusions(of: member, for: assessment, members: members, allowSameAffiliation: false).isEmpty
        }
    }

    /// The most detail of the reviewers' breakdown that singles none of them out: with it and the
    /// public roster, no reviewer is in every set of candidates (`pool`, with the reviewers
    /// themselves added) that gives the same counts.
    public static func detail(showing reviewers: [Member], pool: [Member]) -> Detail {
        var everyone = pool
        for reviewer in reviewers where !everyone.contains(where: { $0.id == reviewer.id }) { everyone.append(reviewer) }
        return Detail.coarsening.first { detail in
            reviewers.allSatisfy { reviewer in
                counts(reviewers, could: everyone.filter { $0.id != reviewer.id }, at: detail)
            }
        } ?? Detail(groups: false, development: false)
    }

    /// Whether some of `candidates` give the reviewers' counts at `detail`: a transportation
    /// problem (rows: groups, or one row; columns: development statuses, or one column; each
    /// cell at most its candidates), solved as a flow.
    static func counts(_ reviewers: [Member], could candidates: [Member], at detail: Detail) -> Bool {
        func row(_ member: Member) -> Int { detail.groups ? RegionalGroup.allCases.firstIndex(of: member.group)! : 0 }
        func column(_ member: Member) -> Int {
            detail.development ? DevelopmentStatus.allCases.firstIndex(of: development(of: member.nationality))! : 0
        }
        let (rows, columns) = (RegionalGroup.allCases.count, DevelopmentStatus.allCases.count)
        var rowNeed = [Int](repeating: 0, count: rows), columnNeed = [Int](repeating: 0, count: columns)
        for reviewer in reviewers {
            rowNeed[row(reviewer)] += 1
            columnNeed[column(reviewer)] += 1
        }
        var capacity = [[Int]](repeating: [Int](repeating: 0, count: columns), count: rows)
        for candidate in candidates { capacity[row(candidate)][column(candidate)] += 1 }
        // Augmenting paths source → row → column → sink; a path may undo an earlier row → column choice.
        var flow = [[Int]](repeating: [Int](repeating: 0, count: columns), count: rows)
        var rowLeft = rowNeed, columnLeft = columnNeed
        func augment(from start: Int) -> Bool {
            var seenRows = Set([start]), seenColumns = Set<Int>()
            var cameFrom: [Int: Int] = [:]   // column → the row it was reached from
            var rowCameFrom: [Int: Int] = [:]   // row → the column it was reached back through
            var frontier = [start]
            while let current = frontier.popLast() {
                for c in 0..<columns where !seenColumns.contains(c) && flow[current][c] < capacity[current][c] {
                    seenColumns.insert(c)
                    cameFrom[c] = current
                    if columnLeft[c] > 0 {
                        var (r, col) = (current, c)
                        while true {
                            flow[r][col] += 1
                            guard r != start, let back = rowCameFrom[r] else { break }
                            flow[r][back] -= 1
                            col = back
                            r = cameFrom[col]!
                        }
                        columnLeft[c] -= 1
                        return true
                    }
                    for r in 0..<rows where !seenRows.contains(r) && flow[r][c] > 0 {
                        seenRows.insert(r)
                        rowCameFrom[r] = c
                        frontier.append(r)
                    }
                }
            }
            return false
        }
        for r in 0..<rows {
            while rowLeft[r] > 0 {
                guard augment(from: r) else { return false }
                rowLeft[r] -= 1
            }
        }
        return true
    }

    public static func evidence(_ assessment: Assessment) -> EvidenceFigures? {
        guard !assessment.evidence.isEmpty else { return nil }
        let split = ParticipationSplit(assessment.evidence.map { ($0.group, development(of: $0.country)) })
        return EvidenceFigures(total: assessment.evidence.count,
                               bySector: Dictionary(grouping: assessment.evidence, by: \.sector).mapValues(\.count),
                               byGroup: split.byGroup ?? [:], developingShare: split.developingShare)
    }
}
