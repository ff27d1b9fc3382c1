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
    /// An assessment event, decoded once.
    public enum Change: Sendable {
        case opened(AssessmentOpened)
        case drafted(DraftSubmitted)
        case advanced(StageAdvanced)
        case extended(DeadlineExtended)
        case assigned(ReviewersAssigned)
        case reviewed(ReviewReceived)
        case responded(ResponsesRecorded)
        case signedOff(SignOffRecorded)
        case voted(VoteCast)
        case decided(StatementDecided)
        case teamChanged(TeamChanged)
        case withdrawn(AssessmentWithdrawn)
        case windowClosed(ReviewWindowClosed)
        case reviewerExtended(ReviewerExtended)
        case signOffWithdrawn(SignOffWithdrawn)
        case evidence(EvidenceSubmitted)

        public var assessment: String {
            switch self {
            case .opened(let event): event.assessment.id
            case .drafted(let event): event.assessment
            case .advanced(let event): event.assessment
            case .extended(let event): event.assessment
            case .assigned(let event): event.assessment
            case .reviewed(let event): event.review.assessment
            case .responded(let event): event.assessment
            case .signedOff(let event): event.assessment
            case .voted(let event): event.assessment
            case .decided(let event): event.assessment
            case .teamChanged(let event): event.assessment
            case .withdrawn(let event): event.assessment
            case .windowClosed(let event): event.assessment
            case .reviewerExtended(let event): event.assessment
            case .signOffWithdrawn(let event): event.assessment
            case .evidence(let event): event.assessment
            }
        }
    }

    /// The change an event makes to an assessment (nil when it is about something else).
    public static func change(of event: PanelEvent) -> Change? {
        switch event {
        case .assessmentOpened(let e): .opened(e)
        case .draftSubmitted(let e): .drafted(e)
        case .stageAdvanced(let e): .advanced(e)
        case .deadlineExtended(let e): .extended(e)
        case .reviewersAssigned(let e): .assigned(e)
        case .reviewReceived(let e): .reviewed(e)
        case .responsesRecorded(let e): .responded(e)
        case .signOffRecorded(let e): .signedOff(e)
        case .voteCast(let e): .voted(e)
        case .statementDecided(let e): .decided(e)
        case .teamChanged(let e): .teamChanged(e)
        case .assessmentWithdrawn(let e): .withdrawn(e)
        case .reviewWindowClosed(let e): .windowClosed(e)
        case .reviewerExtended(let e): .reviewerExtended(e)
        case .signOffWithdrawn(let e): .signOffWithdrawn(e)
        case .evidenceSubmitted(let e): .evidence(e)
        case .workspaceInitialized, .referencesIngested, .memberRegistered, .memberUpdated, .reviewerRegistered, .rosterExceptionAccepted,
             .participantRegistered,
             .flagRaised, .flagChanged, .flagAcknowledged, .flagResolved, .silenceCreated, .silenceEnded, .digestIssued:
            nil
        }
    }

    /// One step of the fold, from an already decoded change.
    public static func apply(_ change: Change, time: String, actor: String, to current: Assessment?) -> Assessment? {
        if case .opened(let opened) = change { return opened.assessment }
        guard var assessment = current else { return current }
        switch change {
        case .opened: break
        case .drafted(let submitted):
            assessment.drafts.append(submitted.draft)
            assessment.statements = submitted.statements
            assessment.statementDecisions = [:]
        case .advanced(let advanced):
            assessment.stage = advanced.to
            assessment.stageEnteredAt = time
            assessment.extensions = []
        case .extended(let extended):
            if extended.stage == assessment.stage {
                assessment.extensions.append(DeadlineExtension(days: extended.days, reason: extended.reason, by: actor, at: time))
            }
        case .assigned(let assigned):
            for reviewer in assigned.reviewers {
                assessment.assignments.append(ReviewAssignment(reviewer: reviewer, stage: assigned.stage, deadline: assigned.deadline))
            }
        case .reviewed(let received):
            let review = received.review
            assessment.reviews.append(ReviewSummary(
                id: review.id, reviewer: review.reviewer, draft: review.draft, stage: review.stage,
                substantive: review.comments.filter { $0.kind == .substantive }.count, answered: 0, state: review.state))
            assessment.commentCount += review.comments.count
        case .responded(let recorded):
            for response in recorded.responses where response.firstSubstantiveAnswer {
                if let index = assessment.reviews.firstIndex(where: { $0.id == response.review }) {
                    assessment.reviews[index].answered += 1
                }
            }
        case .signedOff(let signOff):
            assessment.signOffs.append(SignOff(editor: signOff.editor, stage: signOff.stage, report: signOff.report))
        case .voted(let vote):
            assessment.votes.append(Vote(member: vote.member, choice: vote.choice, stage: vote.stage))
        case .decided(let decided):
            assessment.statementDecisions[decided.statement] = decided.decision
        case .teamChanged(let changed):
            assessment.authors.removeAll { changed.removed.contains($0) }
            assessment.authors += changed.added.filter { !assessment.authors.contains($0) }
        case .withdrawn(let withdrawn):
            assessment.withdrawn = withdrawn.reason
        case .windowClosed(let closed):
            if !assessment.closedReviewStages.contains(closed.stage) { assessment.closedReviewStages.append(closed.stage) }
        case .reviewerExtended(let extended):
            for index in assessment.assignments.indices
            where assessment.assignments[index].reviewer == extended.reviewer && assessment.assignments[index].stage == extended.stage {
                assessment.assignments[index].deadline = extended.deadline
            }
        case .signOffWithdrawn(let withdrawn):
            assessment.signOffs.removeAll { $0.editor == withdrawn.editor && $0.stage == withdrawn.stage }
        case .evidence(let submitted):
            assessment.evidence.append(submitted.submission)
        }
        return assessment
    }

    /// The whole fold of assessments alone, for tests.
    public static func replay(_ records: [EventRecord]) throws(EventCodingError) -> [String: Assessment] {
        var state: [String: Assessment] = [:]
        for record in records {
            guard let change = change(of: try record.event()) else { continue }
            let id = change.assessment
            let current = state.removeValue(forKey: id)
            state[id] = apply(change, time: record.time, actor: record.actor, to: current)
        }
        return state
    }
}

/// Chairs changed an assessment's team: authors or review editors added or removed.
public struct TeamChanged: EventPayload {
    public static let type = "team.changed"
    public var assessment: String
    public var added: [AssessmentAuthor]
    public var removed: [AssessmentAuthor]
    public var reason: String?
    public init(assessment: String, added: [AssessmentAuthor], removed: [AssessmentAuthor], reason: String?) {
        self.assessment = assessment
        self.added = added
        self.removed = removed
        self.reason = reason
    }
}

/// The assessment was withdrawn: a final state, with no more advances, flags or reminders.
public struct AssessmentWithdrawn: EventPayload {
    public static let type = "assessment.withdrawn"
    public var assessment: String
    public var reason: String
    public init(assessment: String, reason: String) {
        self.assessment = assessment
        self.reason = reason
    }
}

/// A chair closed the current stage's review window early, so the authors may draft again.
public struct ReviewWindowClosed: EventPayload {
    public static let type = "review.window-closed"
    public var assessment: String
    public var stage: String
    public var reason: String
    public init(assessment: String, stage: String, reason: String) {
        self.assessment = assessment
        self.stage = stage
        self.reason = reason
    }
}

/// One reviewer was given more time.
public struct ReviewerExtended: EventPayload {
    public static let type = "reviewer.extended"
    public var assessment: String
    public var stage: String
    public var reviewer: String
    public var deadline: String
    public var reason: String
    public init(assessment: String, stage: String, reviewer: String, deadline: String, reason: String) {
        self.assessment = assessment
        self.stage = stage
        self.reviewer = reviewer
        self.deadline = deadline
        self.reason = reason
    }
}

/// A review editor's sign-off no longer stands: a review arrived after it, or a chair reopened the responses.
public struct SignOffWithdrawn: EventPayload {
    public static let type = "signoff.withdrawn"
    public var assessment: String
    public var stage: String
    public var editor: String
    public var reason: String
    public init(assessment: String, stage: String, editor: String, reason: String) {
        self.assessment = assessment
        self.stage = stage
        self.editor = editor
        self.reason = reason
    }
}

extension TeamChanged { public var event: PanelEvent { .teamChanged(self) } }
extension AssessmentWithdrawn { public var event: PanelEvent { .assessmentWithdrawn(self) } }
extension ReviewWindowClosed { public var event: PanelEvent { .reviewWindowClosed(self) } }
extension ReviewerExtended { public var event: PanelEvent { .reviewerExtended(self) } }
extension SignOffWithdrawn { public var event: PanelEvent { .signOffWithdrawn(self) } }
