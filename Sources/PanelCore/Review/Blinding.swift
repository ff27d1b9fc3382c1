/// Who an output is for. Chairs and review editors see reviewers' identities;
/// author-facing output shows stable pseudonyms (R1, R2, ...) wherever the
/// workflow's blinding for that review's stage is single or double.
public enum Audience: String, CaseIterable, Codable, Sendable {
    case chairs
    case authors

    /// Chairs and the assessment's review editors get the full record; everyone else the authors'.
    public static func of(_ actor: String, on assessment: Assessment, members: [Member]) -> Audience {
        let member = members.first { $0.id == actor }
        if member?.has(.coChair) == true || member?.has(.viceChair) == true { return .chairs }
        if assessment.roles(of: actor).contains(.reviewEditor) { return .chairs }
        return .authors
    }
}

/// Names reviewers as an audience may see them. Government comments are never blinded:
/// the IPCC publishes them by country, so a focal point is shown as the state they speak for.
public struct ReviewerNames: Sendable {
    private let pseudonyms: [String: String]
    private let blindedStages: Set<String>
    /// Focal points' ids → the state they comment for.
    private let states: [String: String]
    public let audience: Audience

    /// Pseudonyms follow the order in which reviewers' first reviews arrived, so they are stable.
    public init(assessment: Assessment, workflow: Workflow?, audience: Audience) {
        var pseudonyms: [String: String] = [:]
        var states: [String: String] = [:]
        for review in assessment.governmentReviews { states[review.reviewer] = review.state }
        self.states = states
        for review in assessment.expertReviews where pseudonyms[review.reviewer] == nil {
            pseudonyms[review.reviewer] = "R\(pseudonyms.count + 1)"
        }
        for assignment in assessment.assignments where pseudonyms[assignment.reviewer] == nil {
            pseudonyms[assignment.reviewer] = "R\(pseudonyms.count + 1)"
        }
        self.pseudonyms = pseudonyms
        self.blindedStages = Set((workflow?.stages ?? []).filter { ($0.review?.blinding ?? .none) != .none }.map(\.id))
        self.audience = audience
    }

    /// The reviewer as this audience may see them, for a review made in `stage`.
    public func label(_ reviewer: String, stage: String) -> String {
        if let state = states[reviewer] { return MemberStates.state(state)?.name ?? state }
        guard audience == .authors, blindedStages.contains(stage) else { return reviewer }
        return pseudonyms[reviewer] ?? "R?"
    }

    /// Whether this audience may not see who reviewed in `stage`.
    public func hidesReviewers(of stage: String) -> Bool { audience == .authors && blindedStages.contains(stage) }

    /// The member state whose focal point this is, for government comments (nil for an expert).
    public func state(of reviewer: String) -> String? { states[reviewer] }
}
