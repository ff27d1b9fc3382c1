/// An assessment was opened under a workflow, in its initial stage.
public struct AssessmentOpened: EventPayload {
    public static let type = "assessment.opened"
    public var assessment: Assessment
    public init(assessment: Assessment) { self.assessment = assessment }
}

/// A new draft version; its Markdown is kept by content hash.
public struct DraftSubmitted: EventPayload {
    public static let type = "draft.submitted"
    public var assessment: String
    public var draft: Draft
    public var statements: [SummaryStatement]
    public init(assessment: String, draft: Draft, statements: [SummaryStatement]) {
        self.assessment = assessment
        self.draft = draft
        self.statements = statements
    }
}

/// The assessment moved on; the requirements as they stood are kept with it.
public struct StageAdvanced: EventPayload {
    public static let type = "stage.advanced"
    public var assessment: String
    public var from: String
    public var to: String
    public var requirements: [RequirementStatus]
    public init(assessment: String, from: String, to: String, requirements: [RequirementStatus]) {
        self.assessment = assessment
        self.from = from
        self.to = to
        self.requirements = requirements
    }
}

/// A chair extended the current stage's deadline.
public struct DeadlineExtended: EventPayload {
    public static let type = "deadline.extended"
    public var assessment: String
    public var stage: String
    public var days: Int
    public var reason: String
    public init(assessment: String, stage: String, days: Int, reason: String) {
        self.assessment = assessment
        self.stage = stage
        self.days = days
        self.reason = reason
    }
}

/// The state of assessments is the fold of these events.
public enum AssessmentFold {
    /// The ids of the assessments an event changes (nil when it is not about assessments).
    public static func subject(of record: EventRecord) -> String? {
        switch record.type {
        case AssessmentOpened.type: record.payload(as: AssessmentOpened.self)?.assessment.id
        case DraftSubmitted.type: record.payload(as: DraftSubmitted.self)?.assessment
        case StageAdvanced.type: record.payload(as: StageAdvanced.self)?.assessment
        case DeadlineExtended.type: record.payload(as: DeadlineExtended.self)?.assessment
        case ReviewersAssigned.type: record.payload(as: ReviewersAssigned.self)?.assessment
        case ReviewReceived.type: record.payload(as: ReviewReceived.self)?.review.assessment
        case ResponsesRecorded.type: record.payload(as: ResponsesRecorded.self)?.assessment
        case SignOffRecorded.type: record.payload(as: SignOffRecorded.self)?.assessment
        case VoteCast.type: record.payload(as: VoteCast.self)?.assessment
        case StatementDecided.type: record.payload(as: StatementDecided.self)?.assessment
        default: nil
        }
    }

    /// One step of the fold.
    public static func apply(_ record: EventRecord, to current: Assessment?) -> Assessment? {
        if let opened = record.payload(as: AssessmentOpened.self) { return opened.assessment }
        guard var assessment = current else { return current }
        if let submitted = record.payload(as: DraftSubmitted.self) {
            assessment.drafts.append(submitted.draft)
            assessment.statements = submitted.statements
            assessment.statementDecisions = [:]
        } else if let advanced = record.payload(as: StageAdvanced.self) {
            assessment.stage = advanced.to
            assessment.stageEnteredAt = record.time
            assessment.extensions = []
        } else if let extended = record.payload(as: DeadlineExtended.self) {
            if extended.stage == assessment.stage {
                assessment.extensions.append(DeadlineExtension(days: extended.days, reason: extended.reason, by: record.actor, at: record.time))
            }
        } else if let assigned = record.payload(as: ReviewersAssigned.self) {
            for reviewer in assigned.reviewers {
                assessment.assignments.append(ReviewAssignment(reviewer: reviewer, stage: assigned.stage, deadline: assigned.deadline))
            }
        } else if let received = record.payload(as: ReviewReceived.self) {
            let review = received.review
            assessment.reviews.append(ReviewSummary(
                id: review.id, reviewer: review.reviewer, draft: review.draft, stage: review.stage,
                substantive: review.comments.filter { $0.kind == .substantive }.count, answered: 0))
            assessment.commentCount += review.comments.count
        } else if let recorded = record.payload(as: ResponsesRecorded.self) {
            for response in recorded.responses where response.firstSubstantiveAnswer {
                if let index = assessment.reviews.firstIndex(where: { $0.id == response.review }) {
                    assessment.reviews[index].answered += 1
                }
            }
        } else if let signOff = record.payload(as: SignOffRecorded.self) {
            assessment.signOffs.append(SignOff(editor: signOff.editor, stage: signOff.stage))
        } else if let vote = record.payload(as: VoteCast.self) {
            assessment.votes.append(Vote(member: vote.member, choice: vote.choice, stage: vote.stage))
        } else if let decided = record.payload(as: StatementDecided.self) {
            assessment.statementDecisions[decided.statement] = decided.decision
        }
        return assessment
    }

    /// The whole fold, for tests and rebuilds.
    public static func replay(_ records: [EventRecord]) -> [String: Assessment] {
        var state: [String: Assessment] = [:]
        for record in records {
            guard let id = subject(of: record) else { continue }
            state[id] = apply(record, to: state[id])
        }
        return state
    }
}
