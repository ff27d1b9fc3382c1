/// An external expert reviewer joined (not one of the panel's members).
public struct ReviewerRegistered: EventPayload {
    public static let type = "reviewer.registered"
    public var reviewer: Member
    public init(reviewer: Member) { self.reviewer = reviewer }
}

/// A national focal point (for government review) or a stakeholder (for calls for evidence) was registered.
public struct ParticipantRegistered: EventPayload {
    public static let type = "participant.registered"
    public var participant: Member
    public init(participant: Member) { self.participant = participant }
}

/// A submission to an assessment's call for evidence.
public struct EvidenceSubmitted: EventPayload {
    public static let type = "evidence.submitted"
    public var assessment: String
    public var submission: EvidenceSubmission
    public init(assessment: String, submission: EvidenceSubmission) {
        self.assessment = assessment
        self.submission = submission
    }
}

public struct ReviewersAssigned: EventPayload {
    public static let type = "reviewers.assigned"
    public var assessment: String
    public var stage: String
    public var reviewers: [String]
    public var deadline: String
    public init(assessment: String, stage: String, reviewers: [String], deadline: String) {
        self.assessment = assessment
        self.stage = stage
        self.reviewers = reviewers
        self.deadline = deadline
    }
}

public struct ReviewReceived: EventPayload {
    public static let type = "review.received"
    public var review: Review
    public init(review: Review) { self.review = review }
}

public struct ResponsesRecorded: EventPayload {
    public static let type = "responses.recorded"
    public var assessment: String
    public var responses: [CommentResponse]
    /// SHA-256 of the response file, when the responses came as one.
    public var file: String?
    /// The fingerprint of the key that signed the response file, when it was signed.
    public var signedWith: String?
    public init(assessment: String, responses: [CommentResponse], file: String? = nil, signedWith: String? = nil) {
        self.assessment = assessment
        self.responses = responses
        self.file = file
        self.signedWith = signedWith
    }
}

public struct SignOffRecorded: EventPayload {
    public static let type = "signoff.recorded"
    public var assessment: String
    public var stage: String
    public var editor: String
    /// SHA-256 of the review editor's report, kept in the store, when one was given.
    public var report: String?
    public init(assessment: String, stage: String, editor: String, report: String? = nil) {
        self.assessment = assessment
        self.stage = stage
        self.editor = editor
        self.report = report
    }
}

public struct VoteCast: EventPayload {
    public static let type = "vote.cast"
    public var assessment: String
    public var stage: String
    public var member: String
    public var choice: VoteChoice
    public var reason: String?
    public init(assessment: String, stage: String, member: String, choice: VoteChoice, reason: String?) {
        self.assessment = assessment
        self.stage = stage
        self.member = member
        self.choice = choice
        self.reason = reason
    }
}

public struct StatementDecided: EventPayload {
    public static let type = "statement.decided"
    public var assessment: String
    public var statement: String
    public var decision: StatementDecision
    public var reason: String?
    public init(assessment: String, statement: String, decision: StatementDecision, reason: String?) {
        self.assessment = assessment
        self.statement = statement
        self.decision = decision
        self.reason = reason
    }
}
