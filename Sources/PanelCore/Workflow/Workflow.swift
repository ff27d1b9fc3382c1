/// Roles a member holds for one assessment.
public enum AssessmentRole: String, CaseIterable, Codable, Sendable {
    case coordinatingLeadAuthor = "coordinating-lead-author"
    case leadAuthor = "lead-author"
    case contributingAuthor = "contributing-author"
    case reviewEditor = "review-editor"
    case reviewer

    /// Authors write the text; they never review or sign off their own assessment.
    public var isAuthor: Bool {
        self == .coordinatingLeadAuthor || self == .leadAuthor || self == .contributingAuthor
    }
}

/// Who a workflow lets act: a standing panel role or a role on the assessment.
public enum ActorRole: Hashable, Sendable, CustomStringConvertible {
    case panel(PanelRole)
    case assessment(AssessmentRole)

    public init?(rawValue: String) {
        if let role = PanelRole(rawValue: rawValue) {
            self = .panel(role)
        } else if let role = AssessmentRole(rawValue: rawValue) {
            self = .assessment(role)
        } else {
            return nil
        }
    }

    public var rawValue: String {
        switch self {
        case .panel(let role): role.rawValue
        case .assessment(let role): role.rawValue
        }
    }

    public var description: String { rawValue }

    public static var allNames: [String] {
        PanelRole.allCases.map(\.rawValue) + AssessmentRole.allCases.map(\.rawValue)
    }
}

/// What may happen in a stage.
public enum StageActivity: String, CaseIterable, Codable, Sendable {
    case drafting, review, voting
    /// Member states' focal points comment on the draft (never blinded), within a window.
    case governmentReview = "government-review"
    /// A call for evidence: anyone registered may submit evidence.
    case evidence
}

/// Whose identity is hidden during review.
public enum Blinding: String, CaseIterable, Codable, Sendable {
    /// Everyone sees everyone.
    case none
    /// Authors do not see reviewers' identities.
    case single
    /// Neither side sees the other.
    case double
}

/// What happens to a review that arrives after the window closed.
public enum LateReviews: String, CaseIterable, Codable, Sendable {
    case reject
    case accept
}

public struct ReviewSettings: Sendable, Equatable {
    public var windowDays: Int
    public var blinding: Blinding
    public var late: LateReviews
}

/// A way out of a stage: to which stage, by whom, on which conditions.
public struct Transition: Sendable {
    public var to: String
    public var by: [ActorRole]
    public var requires: [any Requirement]
    public var location: SourceLocation
}

public struct Stage: Sendable {
    public var id: String
    public var title: String
    public var allows: [StageActivity]
    public var review: ReviewSettings?
    /// Days from entering the stage to its deadline (extensions add to it).
    public var deadlineDays: Int?
    public var final: Bool
    public var transitions: [Transition]
    public var location: SourceLocation
    /// `government-review: {window-days: N}`: days from entering the stage in which focal points may comment.
    public var governmentReviewDays: Int? = nil

    public func allows(_ activity: StageActivity) -> Bool { allows.contains(activity) }
}

/// A workflow definition, as written in `workflows/*.yaml`.
public struct Workflow: Sendable {
    public var id: String
    public var title: String
    public var initial: String
    public var stages: [Stage]
    public var file: String

    public func stage(_ id: String) -> Stage? { stages.first { $0.id == id } }

    /// Whether working out where an assessment in this stage stands reads its summary
    /// statements (an unknown stage is taken to).
    public func readsStatements(at stage: String) -> Bool {
        guard let stage = self.stage(stage) else { return true }
        return stage.transitions.contains { transition in transition.requires.contains { type(of: $0).readsStatements } }
    }
}
