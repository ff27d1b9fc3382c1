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
        } else if let advanced = record.payload(as: StageAdvanced.self) {
            assessment.stage = advanced.to
            assessment.stageEnteredAt = record.time
            assessment.extensions = []
        } else if let extended = record.payload(as: DeadlineExtended.self), extended.stage == assessment.stage {
            assessment.extensions.append(DeadlineExtension(days: extended.days, reason: extended.reason, by: record.actor, at: record.time))
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
