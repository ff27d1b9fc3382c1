import Foundation

public enum AssessmentKind: String, CaseIterable, Codable, Sendable {
    case risk, opportunity, impact
}

/// The MIT AI Risk Repository's domains.
public enum RiskDomain: String, CaseIterable, Codable, Sendable {
    case discriminationAndToxicity = "discrimination-toxicity"
    case privacyAndSecurity = "privacy-security"
    case misinformation
    case maliciousActors = "malicious-actors"
    case humanComputerInteraction = "human-computer-interaction"
    case socioeconomicAndEnvironmental = "socioeconomic-environmental"
    case aiSystemSafety = "ai-system-safety"

    /// The roster's expertise tags that fit the domain, for choosing reviewers.
    public var expertise: [String] {
        switch self {
        case .discriminationAndToxicity: ["ethics", "human-rights", "law", "nlp", "sociology"]
        case .privacyAndSecurity: ["privacy", "cybersecurity", "law"]
        case .misinformation: ["misinformation", "elections", "nlp", "sociology"]
        case .maliciousActors: ["cybersecurity", "biosecurity", "ai-safety", "critical-infrastructure"]
        case .humanComputerInteraction: ["education", "health", "sociology", "ethics"]
        case .socioeconomicAndEnvironmental: ["economics", "labour", "climate", "sociology"]
        case .aiSystemSafety: ["ai-safety", "machine-learning", "robotics", "critical-infrastructure"]
        }
    }
}

/// IPCC AR5 calibrated likelihood (Mastrandrea et al. 2010), in scale order.
public enum Likelihood: String, CaseIterable, Codable, Sendable, Comparable {
    case exceptionallyUnlikely = "exceptionally-unlikely"
    case extremelyUnlikely = "extremely-unlikely"
    case veryUnlikely = "very-unlikely"
    case unlikely
    case aboutAsLikelyAsNot = "about-as-likely-as-not"
    case moreLikelyThanNot = "more-likely-than-not"
    case likely
    case veryLikely = "very-likely"
    case extremelyLikely = "extremely-likely"
    case virtuallyCertain = "virtually-certain"

    /// The probability range the term stands for, in percent.
    public var range: ClosedRange<Double> {
        switch self {
        case .exceptionallyUnlikely: 0...1
        case .extremelyUnlikely: 0...5
        case .veryUnlikely: 0...10
        case .unlikely: 0...33
        case .aboutAsLikelyAsNot: 33...66
        case .moreLikelyThanNot: 50...100
        case .likely: 66...100
        case .veryLikely: 90...100
        case .extremelyLikely: 95...100
        case .virtuallyCertain: 99...100
        }
    }

    public static func < (lhs: Likelihood, rhs: Likelihood) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum TimeHorizon: String, CaseIterable, Codable, Sendable {
    case nearTerm = "near-term"
    case mediumTerm = "medium-term"
    case longTerm = "long-term"
}

public struct Ratings: Codable, Sendable, Equatable {
    /// 1 (minor) to 5 (catastrophic).
    public var severity: Int?
    public var likelihood: Likelihood?
    public var horizon: TimeHorizon?
    /// Regional groups or `global`.
    public var regions: [String]

    public init(severity: Int? = nil, likelihood: Likelihood? = nil, horizon: TimeHorizon? = nil, regions: [String] = []) {
        self.severity = severity
        self.likelihood = likelihood
        self.horizon = horizon
        self.regions = regions
    }
}

/// A member's role on one assessment.
public struct AssessmentAuthor: Codable, Sendable, Equatable, Hashable {
    public var member: String
    public var role: AssessmentRole

    public init(member: String, role: AssessmentRole) {
        self.member = member
        self.role = role
    }
}

/// A numbered key finding in a draft, marked `{#S3}` at the end of its line.
public struct SummaryStatement: Codable, Sendable, Equatable {
    public var id: String
    public var line: Int
    public var text: String

    public init(id: String, line: Int, text: String) {
        self.id = id
        self.line = line
        self.text = text
    }
}

/// An immutable, numbered version of the text, stored by content hash.
/// Its summary statements travel in the `draft.submitted` event; the
/// assessment keeps those of its latest draft.
public struct Draft: Codable, Sendable, Equatable {
    public var version: Int
    public var hash: String
    public var lines: Int
    public var statementCount: Int
    public var stage: String
    public var submittedAt: String
    public var submittedBy: String

    public init(version: Int, hash: String, lines: Int, statementCount: Int, stage: String, submittedAt: String, submittedBy: String) {
        self.version = version
        self.hash = hash
        self.lines = lines
        self.statementCount = statementCount
        self.stage = stage
        self.submittedAt = submittedAt
        self.submittedBy = submittedBy
    }
}

/// A received review, summarised for the requirements.
public struct ReviewSummary: Codable, Sendable, Equatable {
    public var id: String
    public var reviewer: String
    public var draft: Int
    public var stage: String
    public var substantive: Int
    public var answered: Int

    public init(id: String, reviewer: String, draft: Int, stage: String, substantive: Int, answered: Int) {
        self.id = id
        self.reviewer = reviewer
        self.draft = draft
        self.stage = stage
        self.substantive = substantive
        self.answered = answered
    }
}

public struct SignOff: Codable, Sendable, Equatable {
    public var editor: String
    public var stage: String

    public init(editor: String, stage: String) {
        self.editor = editor
        self.stage = stage
    }
}

public enum VoteChoice: String, CaseIterable, Codable, Sendable {
    case approve, object, abstain
}

public struct Vote: Codable, Sendable, Equatable {
    public var member: String
    public var choice: VoteChoice
    public var stage: String

    public init(member: String, choice: VoteChoice, stage: String) {
        self.member = member
        self.choice = choice
        self.stage = stage
    }
}

public enum StatementDecision: String, CaseIterable, Codable, Sendable {
    case approved, bracketed, deleted
}

public struct DeadlineExtension: Codable, Sendable, Equatable {
    public var days: Int
    public var reason: String
    public var by: String
    public var at: String

    public init(days: Int, reason: String, by: String, at: String) {
        self.days = days
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// An assessment as the log has made it: the fold of its events.
public struct Assessment: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var kind: AssessmentKind
    public var domain: RiskDomain
    public var workflow: String
    public var stage: String
    public var stageEnteredAt: String
    public var openedAt: String
    public var authors: [AssessmentAuthor]
    public var ratings: Ratings
    public var drafts: [Draft] = []
    /// The summary statements of the latest draft.
    public var statements: [SummaryStatement] = []
    public var extensions: [DeadlineExtension] = []
    // Review state: kept in tables of their own by the store, composed on read.
    public var assignments: [ReviewAssignment] = []
    public var reviews: [ReviewSummary] = []
    /// Comments received so far (they are numbered C00001, C00002, ... per assessment).
    public var commentCount = 0
    public var signOffs: [SignOff] = []
    public var votes: [Vote] = []
    public var statementDecisions: [String: StatementDecision] = [:]

    /// The assessment without its review state, as its own record keeps it.
    public var core: Assessment {
        var copy = self
        copy.assignments = []
        copy.reviews = []
        copy.commentCount = 0
        copy.signOffs = []
        copy.votes = []
        copy.statementDecisions = [:]
        return copy
    }

    public init(id: String, title: String, kind: AssessmentKind, domain: RiskDomain, workflow: String, stage: String,
                stageEnteredAt: String, openedAt: String, authors: [AssessmentAuthor], ratings: Ratings) {
        self.id = id
        self.title = title
        self.kind = kind
        self.domain = domain
        self.workflow = workflow
        self.stage = stage
        self.stageEnteredAt = stageEnteredAt
        self.openedAt = openedAt
        self.authors = authors
        self.ratings = ratings
    }

    public func members(with role: AssessmentRole) -> [String] {
        authors.filter { $0.role == role }.map(\.member)
    }

    public func roles(of member: String) -> [AssessmentRole] {
        authors.filter { $0.member == member }.map(\.role)
    }

    public var latestDraft: Draft? { drafts.last }

    /// Reviewers assigned in the current stage.
    public var currentAssignments: [ReviewAssignment] { assignments.filter { $0.stage == stage } }

    /// Whole days since the current stage began.
    public func daysInStage(at now: Date) -> Int {
        guard let entered = Timestamp.parse(stageEnteredAt) else { return 0 }
        return max(0, Int(now.timeIntervalSince(entered) / 86_400))
    }

    /// The current stage's deadline, if the stage has one, with extensions added.
    public func deadline(in stage: Stage) -> Date? {
        guard let days = stage.deadlineDays, let entered = Timestamp.parse(stageEnteredAt) else { return nil }
        let extra = extensions.reduce(0) { $0 + $1.days }
        return entered.addingTimeInterval(Double(days + extra) * 86_400)
    }
}
