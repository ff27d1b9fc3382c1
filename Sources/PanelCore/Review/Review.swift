public enum Recommendation: String, CaseIterable, Codable, Sendable {
    case accept
    case minorRevisions = "minor-revisions"
    case majorRevisions = "major-revisions"
    case reject
}

public enum ReviewerConfidence: String, CaseIterable, Codable, Sendable {
    case low, medium, high
}

public enum CommentKind: String, CaseIterable, Codable, Sendable {
    case substantive, editorial, reference
}

/// The authors' answer to one comment.
public enum ResponseKind: String, CaseIterable, Codable, Sendable {
    case accepted
    case acceptedInPart = "accepted-in-part"
    case rejected
    case noted
}

/// One reviewer comment on a line range of one draft.
public struct Comment: Codable, Sendable, Equatable {
    /// `C00001`, numbered per assessment in the order received.
    public var id: String
    public var fromLine: Int
    public var toLine: Int
    public var kind: CommentKind
    public var text: String

    public init(id: String, fromLine: Int, toLine: Int, kind: CommentKind, text: String) {
        self.id = id
        self.fromLine = fromLine
        self.toLine = toLine
        self.kind = kind
        self.text = text
    }
}

/// A recorded review: who, on which draft, and what they said.
public struct Review: Codable, Sendable, Equatable {
    /// `ASSESSMENT:STAGE:REVIEWER`: one review per reviewer and stage.
    public var id: String
    public var assessment: String
    public var stage: String
    public var draft: Int
    public var reviewer: String
    public var recommendation: Recommendation
    public var confidence: ReviewerConfidence?
    public var summary: String
    public var comments: [Comment]
    /// SHA-256 of the file as received; its bytes are kept.
    public var file: String
    public var late: Bool
    /// The fingerprint (`SHA256:...`) of the reviewer's key that signed the file, when it was signed.
    public var signedWith: String?
    /// Government comments: the member state (ISO code) whose focal point sent them. Never blinded.
    public var state: String?

    public init(id: String, assessment: String, stage: String, draft: Int, reviewer: String, recommendation: Recommendation,
                confidence: ReviewerConfidence?, summary: String, comments: [Comment], file: String, late: Bool,
                signedWith: String? = nil, state: String? = nil) {
        self.signedWith = signedWith
        self.state = state
        self.id = id
        self.assessment = assessment
        self.stage = stage
        self.draft = draft
        self.reviewer = reviewer
        self.recommendation = recommendation
        self.confidence = confidence
        self.summary = summary
        self.comments = comments
        self.file = file
        self.late = late
    }

    public static func id(assessment: String, stage: String, reviewer: String) -> String {
        "\(assessment):\(stage):\(reviewer)"
    }
}

/// A response to one comment, with what the fold needs to keep counts.
public struct CommentResponse: Codable, Sendable, Equatable {
    public var comment: String
    public var review: String
    public var kind: ResponseKind
    public var text: String
    /// The comment is substantive and had no response before.
    public var firstSubstantiveAnswer: Bool

    public init(comment: String, review: String, kind: ResponseKind, text: String, firstSubstantiveAnswer: Bool) {
        self.comment = comment
        self.review = review
        self.kind = kind
        self.text = text
        self.firstSubstantiveAnswer = firstSubstantiveAnswer
    }
}

/// A reviewer's assignment in one stage.
public struct ReviewAssignment: Codable, Sendable, Equatable {
    public var reviewer: String
    public var stage: String
    public var deadline: String

    public init(reviewer: String, stage: String, deadline: String) {
        self.reviewer = reviewer
        self.stage = stage
        self.deadline = deadline
    }
}
