import Foundation

/// The whole state of a workspace, defined once: the fold of its typed
/// events. The store's query tables are caches of this fold; `audit verify`
/// and the property tests rebuild it from the log and compare.
public struct PanelState: Sendable, Equatable {
    /// The roster, members and external reviewers, in the order they joined.
    public private(set) var members: [Member] = []
    /// Assessments in the order they were opened, review state included.
    public private(set) var assessments: [Assessment] = []
    /// Each assessment's reviews (comments included) in the order received.
    public private(set) var reviews: [String: [Review]] = [:]
    /// Each assessment's comments with their responses, in the order received.
    public private(set) var comments: [String: [CommentRecord]] = [:]
    public private(set) var flags: [String: Flag] = [:]
    /// Silences by id.
    public private(set) var silences: [String: Silence] = [:]
    /// Notification keys a digest issued, with the digest that issued them.
    public private(set) var notifications: [String: String] = [:]
    /// Review and response files recorded, by SHA-256.
    public private(set) var receivedFiles: Set<String> = []
    /// Issued digests, oldest first.
    public private(set) var digests: [DigestIssued] = []
    /// Rosters imported although they broke a rule of the resolution, with the reasons given.
    public private(set) var rosterExceptions: [RosterExceptionAccepted] = []

    private var memberIndex: [String: Int] = [:]
    private var assessmentIndex: [String: Int] = [:]
    private var commentIndex: [String: [String: Int]] = [:]

    public init() {}

    public func assessment(_ id: String) -> Assessment? {
        assessmentIndex[id].map { assessments[$0] }
    }

    /// Silences in id order, as listings show them.
    public var silenceList: [Silence] { silences.values.sorted { $0.id < $1.id } }

    /// The fold of a whole log.
    public static func replay(_ records: some Sequence<EventRecord>) throws(EventCodingError) -> PanelState {
        var state = PanelState()
        for record in records { try state.apply(record) }
        return state
    }

    /// One step of the fold: decodes the row (or throws) and applies it.
    public mutating func apply(_ record: EventRecord) throws(EventCodingError) {
        apply(try record.event(), time: record.time, actor: record.actor)
    }

    /// One step of the fold. Every case is handled here, so a new event that
    /// changes state cannot be forgotten.
    public mutating func apply(_ event: PanelEvent, time: String, actor: String) {
        switch event {
        case .workspaceInitialized, .referencesIngested:
            // References live in their own tables, rebuilt from the kept originals, not from this fold.
            break
        case .memberRegistered(let registered): put(registered.member)
        case .memberUpdated(let updated): put(updated.member)
        case .reviewerRegistered(let registered): put(registered.reviewer)
        case .participantRegistered(let registered): put(registered.participant)
        case .rosterExceptionAccepted(let accepted): rosterExceptions.append(accepted)
        case .assessmentOpened, .draftSubmitted, .stageAdvanced, .deadlineExtended, .reviewersAssigned,
             .signOffRecorded, .voteCast, .statementDecided, .teamChanged, .assessmentWithdrawn, .reviewWindowClosed,
             .reviewerExtended, .signOffWithdrawn, .evidenceSubmitted:
            foldAssessment(event, time: time, actor: actor)
        case .reviewReceived(let received):
            let review = received.review
            foldAssessment(event, time: time, actor: actor)
            reviews[review.assessment, default: []].append(review)
            receivedFiles.insert(review.file)
            var records = comments.removeValue(forKey: review.assessment) ?? []
            var index = commentIndex.removeValue(forKey: review.assessment) ?? [:]
            for comment in review.comments {
                index[comment.id] = records.count
                records.append(CommentRecord(
                    id: comment.id, review: review.id, reviewer: review.reviewer, stage: review.stage, draft: review.draft,
                    fromLine: comment.fromLine, toLine: comment.toLine, kind: comment.kind, text: comment.text,
                    response: nil, responseText: nil))
            }
            comments[review.assessment] = records
            commentIndex[review.assessment] = index
        case .responsesRecorded(let recorded):
            foldAssessment(event, time: time, actor: actor)
            if let file = recorded.file { receivedFiles.insert(file) }
            let index = commentIndex[recorded.assessment] ?? [:]
            var records = comments.removeValue(forKey: recorded.assessment) ?? []
            for response in recorded.responses {
                guard let position = index[response.comment] else { continue }
                records[position].response = response.kind
                records[position].responseText = response.text
            }
            comments[recorded.assessment] = records
        case .flagRaised, .flagChanged, .flagAcknowledged, .flagResolved:
            FlagFold.apply(event, time: time, actor: actor, to: &flags)
        case .silenceCreated(let created):
            silences[created.silence.id] = created.silence
        case .silenceEnded(let ended):
            silences[ended.id] = Silence.ending(silences[ended.id], at: time, by: actor, reason: ended.reason)
        case .digestIssued(let digest):
            digests.append(digest)
            for key in digest.keys { notifications[key] = digest.id }
        }
    }

    private mutating func put(_ member: Member) {
        if let index = memberIndex[member.id] {
            members[index] = member
        } else {
            memberIndex[member.id] = members.count
            members.append(member)
        }
    }

    private mutating func foldAssessment(_ event: PanelEvent, time: String, actor: String) {
        guard let change = AssessmentFold.change(of: event) else { return }
        let id = change.assessment
        if let index = assessmentIndex[id] {
            if let next = AssessmentFold.apply(change, time: time, actor: actor, to: assessments[index]) {
                assessments[index] = next
            }
        } else if let opened = AssessmentFold.apply(change, time: time, actor: actor, to: nil) {
            assessmentIndex[id] = assessments.count
            assessments.append(opened)
        }
    }
}
