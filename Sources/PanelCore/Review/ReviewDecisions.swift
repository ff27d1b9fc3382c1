import Foundation

/// A comment as the store keeps it, with its response.
public struct CommentRecord: Sendable, Equatable, Codable {
    public var id: String
    public var review: String
    public var reviewer: String
    public var stage: String
    public var draft: Int
    public var fromLine: Int
    public var toLine: Int
    public var kind: CommentKind
    public var text: String
    public var response: ResponseKind?
    public var responseText: String?

    public init(id: String, review: String, reviewer: String, stage: String, draft: Int, fromLine: Int, toLine: Int,
                kind: CommentKind, text: String, response: ResponseKind?, responseText: String?) {
        self.id = id
        self.review = review
        self.reviewer = reviewer
        self.stage = stage
        self.draft = draft
        self.fromLine = fromLine
        self.toLine = toLine
        self.kind = kind
        self.text = text
        self.response = response
        self.responseText = responseText
    }
}

/// A response as a user wrote it (a matrix row or `panel respond`).
public struct ResponseEntry: Sendable, Equatable {
    public var comment: String
    public var kind: ResponseKind
    public var text: String
    public var location: SourceLocation

    public init(comment: String, kind: ResponseKind, text: String, location: SourceLocation) {
        self.comment = comment
        self.kind = kind
        self.text = text
        self.location = location
    }
}

/// How automatic assignment should choose.
public struct AssignmentRequest: Sendable, Equatable {
    public enum Who: Sendable, Equatable {
        case automatic(count: Int?)
        case named([String])
    }

    public var who: Who
    /// Most open reviews one reviewer may carry across all assessments.
    public var maxLoad: Int
    /// Allow reviewers who share an affiliation with an author.
    public var allowSameAffiliation: Bool
    /// Let automatic assignment choose co-chairs and vice-chairs (who are otherwise left to chair).
    public var includeChairs: Bool

    public init(who: Who, maxLoad: Int = 5, allowSameAffiliation: Bool = false, includeChairs: Bool = false) {
        self.who = who
        self.maxLoad = maxLoad
        self.allowSameAffiliation = allowSameAffiliation
        self.includeChairs = includeChairs
    }
}

/// Peer-review decisions: pure functions from state and command to events or a refusal.
public enum ReviewDecisions {
    static func chair(_ actor: String, in members: [Member]) -> Refusal? {
        guard let member = members.first(where: { $0.id == actor }) else {
            return Refusal("'\(actor)' is not on the roster (use --as MEMBER or PANEL_ACTOR)")
        }
        return member.has(.coChair) || member.has(.viceChair) ? nil : Refusal("\(actor) is not a co-chair or vice-chair")
    }

    // MARK: External reviewers

    public static func registerReviewer(_ reviewer: Member, members: [Member], actor: String, now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = chair(actor, in: members) {
            return .failure(Refusal(refusal.reasons.map { $0 + "; only chairs register external reviewers" }))
        }
        if let reserved = ReservedActors.refusal(for: reviewer.id) { return .failure(Refusal(reserved)) }
        if let taken = members.first(where: { $0.id == reviewer.id }) {
            return .failure(Refusal("'\(reviewer.id)' is already registered (\(taken.external ? "an external reviewer" : "a member of the panel"))"))
        }
        var external = reviewer
        external.external = true
        external.roles = []
        return .success([NewEvent(ReviewerRegistered(reviewer: external), subject: reviewer.id, actor: actor, time: now)])
    }

    // MARK: Assignment

    /// Why a person may not review this assessment (empty when they may).
    public static func exclusions(of candidate: Member, for assessment: Assessment, members: [Member],
                                  allowSameAffiliation: Bool) -> [String] {
        var reasons: [String] = []
        let authorIDs = Set(assessment.authors.filter { $0.role.isAuthor }.map(\.member))
        let roles = assessment.roles(of: candidate.id)
        if roles.contains(where: \.isAuthor) { reasons.append("an author of \(assessment.id)") }
        if roles.contains(.reviewEditor) { reasons.append("a review editor of \(assessment.id)") }
        if candidate.conflicts.assessments.contains(assessment.id) { reasons.append("declares a conflict with \(assessment.id)") }
        for other in candidate.conflicts.members where authorIDs.contains(other) {
            reasons.append("declares a conflict with author \(other)")
        }
        let authorAffiliations = Set(members.lazy.filter { authorIDs.contains($0.id) }.map(\.affiliation))
        for organisation in candidate.conflicts.organisations where authorAffiliations.contains(organisation) {
            reasons.append("declares a conflict with \(organisation), an author's affiliation")
        }
        if !allowSameAffiliation && !roles.contains(where: \.isAuthor) && authorAffiliations.contains(candidate.affiliation) {
            reasons.append("shares the affiliation \(candidate.affiliation) with an author")
        }
        return reasons
    }

    /// Open reviews per reviewer: assigned in an assessment's current stage, not yet received.
    public static func loads(_ assessments: [Assessment]) -> [String: Int] {
        var load: [String: Int] = [:]
        for assessment in assessments {
            let done = Set(assessment.reviews.filter { $0.stage == assessment.stage }.map(\.reviewer))
            for assignment in assessment.currentAssignments where !done.contains(assignment.reviewer) {
                load[assignment.reviewer, default: 0] += 1
            }
        }
        return load
    }

    public static func assign(_ request: AssignmentRequest, to assessment: Assessment, workflow: Workflow, members: [Member],
                              assessments: [Assessment], actor: String, now: Date) -> Result<[NewEvent], Refusal> {
        let actorMember = members.first { $0.id == actor }
        let isChair = actorMember.map { $0.has(.coChair) || $0.has(.viceChair) } ?? false
        let isEditor = assessment.roles(of: actor).contains(.reviewEditor)
        if actorMember == nil { return .failure(Refusal("'\(actor)' is not on the roster (use --as MEMBER or PANEL_ACTOR)")) }
        if !isChair && !isEditor {
            return .failure(Refusal("\(actor) may not assign reviewers to \(assessment.id): only a co-chair, a vice-chair or its review editor may"))
        }
        if let refusal = ProcedureDecisions.notWithdrawn(assessment) { return .failure(refusal) }
        guard let stage = workflow.stage(assessment.stage), stage.allows(.review), let settings = stage.review else {
            return .failure(Refusal("stage '\(assessment.stage)' of \(assessment.id) does not allow review"))
        }
        guard assessment.latestDraft != nil else {
            return .failure(Refusal("\(assessment.id) has no draft to review yet"))
        }
        let already = Set(assessment.currentAssignments.map(\.reviewer))
        let load = loads(assessments)
        let requirements = stage.transitions.flatMap(\.requires)
        let neededReviews = requirements.compactMap { ($0 as? MinReviews)?.count }.max() ?? 3
        let neededGroups = requirements.compactMap { ($0 as? MinRegionalGroups)?.count }.max() ?? 1
        let byID = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0) })
        let deadline = Timestamp.format(now.addingTimeInterval(Double(settings.windowDays) * 86_400))

        switch request.who {
        case .named(let ids):
            var reasons: [String] = []
            for id in ids {
                guard let candidate = byID[id] else {
                    reasons.append("\(id) is not registered (a member or an external reviewer)")
                    continue
                }
                if let state = candidate.state {
                    reasons.append("\(id) is the focal point of \(MemberStates.state(state)?.name ?? state); governments comment in government review, not as assigned reviewers")
                    continue
                }
                if candidate.isStakeholder {
                    reasons.append("\(id) is a stakeholder; stakeholders answer calls for evidence, not as assigned reviewers")
                    continue
                }
                if already.contains(id) { reasons.append("\(id) is already assigned in \(stage.id)") }
                let excluded = exclusions(of: candidate, for: assessment, members: members, allowSameAffiliation: request.allowSameAffiliation)
                if !excluded.isEmpty { reasons.append("\(id) may not review \(assessment.id): \(excluded.joined(separator: "; "))") }
                if load[id, default: 0] >= request.maxLoad {
                    reasons.append("\(id) already carries \(load[id, default: 0]) open reviews (at most \(request.maxLoad))")
                }
            }
            if Set(ids).count != ids.count { reasons.append("a reviewer is named twice") }
            guard reasons.isEmpty, !ids.isEmpty else { return .failure(Refusal(reasons.isEmpty ? ["name at least one reviewer"] : reasons)) }
            return .success([NewEvent(ReviewersAssigned(assessment: assessment.id, stage: stage.id, reviewers: ids, deadline: deadline),
                                      subject: assessment.id, actor: actor, time: now)])

        case .automatic(let requested):
            let count = requested ?? max(0, neededReviews - already.count)
            guard count > 0 else { return .failure(Refusal("\(assessment.id) already has \(already.count) reviewers in \(stage.id); ask for more with --count")) }
            var excludedAuthors = 0, excludedConflict = 0, excludedAffiliation = 0, excludedLoad = 0, excludedAssigned = 0
            var excludedChairs = 0
            var eligible: [Member] = []
            // Focal points and stakeholders take part in their own ways, not as expert reviewers.
            for candidate in members.sorted(by: { $0.id < $1.id }) where candidate.isExpert {
                if already.contains(candidate.id) { excludedAssigned += 1; continue }
                if !request.includeChairs && (candidate.has(.coChair) || candidate.has(.viceChair)) { excludedChairs += 1; continue }
                let reasons = exclusions(of: candidate, for: assessment, members: members, allowSameAffiliation: request.allowSameAffiliation)
                if reasons.contains(where: { $0.hasPrefix("an author") || $0.hasPrefix("a review editor") }) { excludedAuthors += 1; continue }
                if reasons.contains(where: { $0.hasPrefix("declares") }) { excludedConflict += 1; continue }
                if !reasons.isEmpty { excludedAffiliation += 1; continue }
                if load[candidate.id, default: 0] >= request.maxLoad { excludedLoad += 1; continue }
                eligible.append(candidate)
            }
            let excludedText = "excluded: \(excludedAuthors) authors or review editors, \(excludedChairs) chairs (--include-chairs to allow), \(excludedConflict) conflicted, \(excludedAffiliation) sharing an author's affiliation, \(excludedLoad) at the load limit of \(request.maxLoad), \(excludedAssigned) already assigned"
            var reasons: [String] = []
            if eligible.count < count {
                reasons.append("not enough eligible reviewers: need \(count), \(eligible.count) eligible, short by \(count - eligible.count) (\(excludedText))")
            }
            let assignedGroups = Set(already.compactMap { byID[$0]?.group })
            let eligibleGroups = Set(eligible.map(\.group))
            let reachable = assignedGroups.union(eligibleGroups).count
            if reachable < neededGroups {
                reasons.append("regional groups: the workflow needs reviewers from \(neededGroups), assigned and eligible reviewers cover \(reachable), short by \(neededGroups - reachable)")
            }
            guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
            // Deterministic: cover missing groups first; within that, expertise matching the
            // assessment's domain, then the least loaded, the least represented group, id order.
            var chosen: [Member] = []
            var groups = assignedGroups
            let wanted = Set(assessment.domain.expertise)
            func rank(_ member: Member) -> (Int, Int, Int, String) {
                (-Set(member.expertise).intersection(wanted).count, load[member.id, default: 0],
                 chosen.filter { $0.group == member.group }.count, member.id)
            }
            var pool = eligible
            while chosen.count < count, groups.count < neededGroups {
                let candidates = pool.filter { !groups.contains($0.group) }
                guard let pick = candidates.min(by: { rank($0) < rank($1) }) else { break }
                chosen.append(pick)
                groups.insert(pick.group)
                pool.removeAll { $0.id == pick.id }
            }
            while chosen.count < count, let pick = pool.min(by: { rank($0) < rank($1) }) {
                chosen.append(pick)
                pool.removeAll { $0.id == pick.id }
            }
            return .success([NewEvent(
                ReviewersAssigned(assessment: assessment.id, stage: stage.id, reviewers: chosen.map(\.id), deadline: deadline),
                subject: assessment.id, actor: actor, time: now)])
        }
    }

    /// Why each reviewer was chosen, for `review assign --explain`.
    public static func assignmentReasons(_ reviewers: [String], for assessment: Assessment, members: [Member],
                                         assessments: [Assessment]) -> [String] {
        let load = loads(assessments)
        let wanted = Set(assessment.domain.expertise)
        return reviewers.compactMap { id in
            guard let member = members.first(where: { $0.id == id }) else { return nil }
            let matches = member.expertise.filter(wanted.contains)
            let expertise = matches.isEmpty
                ? "no expertise tag matches \(assessment.domain.rawValue) (has \(member.expertise.joined(separator: ", ")))"
                : "expertise \(matches.joined(separator: ", ")) matches \(assessment.domain.rawValue)"
            return "\(id): \(expertise); \(member.group.rawValue); \(load[id, default: 0]) open reviews with this one"
        }
    }

    // MARK: Receiving a review

    public static func receive(_ submission: ReviewSubmission, fileHash: String, assessment: Assessment?, workflow: Workflow?,
                               members: [Member], now: Date, signedWith: String? = nil) -> Result<[NewEvent], ValidationFailure> {
        var problems: [Problem] = []
        func problem(_ key: String, _ message: String) { problems.append(Problem(submission.location(key), message)) }
        guard let assessment else {
            return .failure(ValidationFailure([Problem(submission.location("assessment"), "no assessment '\(submission.assessment)'")]))
        }
        guard let workflow, let stage = workflow.stage(assessment.stage) else {
            return .failure(ValidationFailure([Problem(submission.location("assessment"), "\(assessment.id) follows an unknown workflow '\(assessment.workflow)'")]))
        }
        if let focalPoint = members.first(where: { $0.id == submission.reviewer }), let state = focalPoint.state {
            return receiveGovernment(submission, from: focalPoint, state: state, fileHash: fileHash, assessment: assessment, stage: stage,
                                     now: now, signedWith: signedWith)
        }
        guard stage.allows(.review), let settings = stage.review else {
            return .failure(ValidationFailure([Problem(submission.location("assessment"), "\(assessment.id) is in \(stage.id), which does not take reviews")]))
        }
        let (draft, draftProblems) = draftProblems(submission, assessment: assessment, stage: stage, verb: "review")
        problems += draftProblems
        var late = false
        if let reviewer = members.first(where: { $0.id == submission.reviewer }) {
            if let assignment = assessment.assignments.first(where: { $0.reviewer == reviewer.id && $0.stage == assessment.stage }) {
                if let deadline = Timestamp.parse(assignment.deadline), now > deadline {
                    if settings.late == .reject {
                        problem("reviewer", "the review window of \(submission.reviewer) closed at \(assignment.deadline)")
                    } else {
                        late = true
                    }
                }
            } else {
                problem("reviewer", "\(submission.reviewer) is not assigned to review \(assessment.id) in \(stage.id)")
            }
            let excluded = exclusions(of: reviewer, for: assessment, members: members, allowSameAffiliation: true)
            if !excluded.isEmpty { problem("reviewer", "\(submission.reviewer) may not review \(assessment.id): \(excluded.joined(separator: "; "))") }
            if assessment.reviews.contains(where: { $0.reviewer == reviewer.id && $0.stage == stage.id }) {
                problem("reviewer", "\(submission.reviewer) has already reviewed \(assessment.id) in \(stage.id)")
            }
        } else {
            let hint = submission.reviewer.hasPrefix("gov-")
                ? MemberStates.state(String(submission.reviewer.dropFirst(4))).map { ": register \($0.name)'s focal point with 'panel governments add --state \($0.code)'" } ?? ""
                : " (a member or an external reviewer)"
            problem("reviewer", "'\(submission.reviewer)' is not registered\(hint)")
        }
        problems += outOfRange(submission, draft: draft)
        if !problems.isEmpty { return .failure(ValidationFailure(problems)) }
        return .success(recorded(submission, assessment: assessment, stage: stage, fileHash: fileHash, late: late, signedWith: signedWith,
                                 state: nil, now: now, why: "a review arrived after the sign-off"))
    }

    /// The review, and the withdrawal of every sign-off of the stage: what arrives after a
    /// sign-off needs consideration too.
    private static func recorded(_ submission: ReviewSubmission, assessment: Assessment, stage: Stage, fileHash: String, late: Bool,
                                 signedWith: String?, state: String?, now: Date, why: String) -> [NewEvent] {
        let review = Review(
            id: Review.id(assessment: assessment.id, stage: stage.id, reviewer: submission.reviewer), assessment: assessment.id,
            stage: stage.id, draft: submission.draft, reviewer: submission.reviewer, recommendation: submission.recommendation,
            confidence: submission.confidence, summary: submission.summary, comments: numbered(submission, after: assessment.commentCount),
            file: fileHash, late: late, signedWith: signedWith, state: state)
        let withdrawn = assessment.signOffs.filter { $0.stage == stage.id }.map {
            NewEvent(SignOffWithdrawn(assessment: assessment.id, stage: $0.stage, editor: $0.editor, reason: why),
                     subject: assessment.id, actor: submission.reviewer, time: now)
        }
        return [NewEvent(ReviewReceived(review: review), subject: assessment.id, actor: submission.reviewer, time: now)] + withdrawn
    }

    /// The draft a file names: one that exists, and the one under review.
    private static func draftProblems(_ submission: ReviewSubmission, assessment: Assessment, stage: Stage, verb: String) -> (Draft?, [Problem]) {
        let draft = assessment.drafts.first { $0.version == submission.draft }
        if draft == nil {
            return (nil, [Problem(submission.location("draft"), "\(assessment.id) has no draft \(submission.draft) (drafts: \(assessment.drafts.map { String($0.version) }.joined(separator: ", ")))")])
        }
        if submission.draft != assessment.latestDraft?.version {
            return (draft, [Problem(submission.location("draft"), "draft \(submission.draft) is not the one under review in \(stage.id): \(verb) draft \(assessment.latestDraft!.version)")])
        }
        return (draft, [])
    }

    private static func outOfRange(_ submission: ReviewSubmission, draft: Draft?) -> [Problem] {
        guard let draft else { return [] }
        return submission.comments.filter { $0.fromLine < 1 || $0.toLine < $0.fromLine || $0.toLine > draft.lines }.map { comment in
            if comment.toLine < comment.fromLine && comment.fromLine >= 1 && comment.fromLine <= draft.lines {
                return Problem(comment.location, "lines \(comment.fromLine)-\(comment.toLine) run backwards: write \(comment.toLine)-\(comment.fromLine)")
            }
            return Problem(comment.location, "lines \(comment.fromLine)-\(comment.toLine) are not within draft \(draft.version) (lines 1-\(draft.lines))")
        }
    }

    private static func numbered(_ submission: ReviewSubmission, after count: Int) -> [Comment] {
        var number = count
        return submission.comments.map { submitted in
            number += 1
            return Comment(id: String(format: "C%05d", number), fromLine: submitted.fromLine, toLine: submitted.toLine,
                           kind: submitted.kind, text: submitted.text)
        }
    }

    // MARK: Government review

    /// A focal point's comments for their state: in a stage that allows government review,
    /// within its window from the stage's start, on the draft under review, once per state
    /// and stage. No assignment is needed: every member state may comment.
    static func receiveGovernment(_ submission: ReviewSubmission, from focalPoint: Member, state: String, fileHash: String,
                                  assessment: Assessment, stage: Stage, now: Date, signedWith: String?) -> Result<[NewEvent], ValidationFailure> {
        var problems: [Problem] = []
        func problem(_ key: String, _ message: String) { problems.append(Problem(submission.location(key), message)) }
        let name = MemberStates.state(state)?.name ?? state
        guard stage.allows(.governmentReview), let days = stage.governmentReviewDays else {
            return .failure(ValidationFailure([Problem(submission.location("assessment"),
                "\(assessment.id) is in \(stage.id), which is not open to government review (\(focalPoint.id) is the focal point of \(name))")]))
        }
        if let entered = Timestamp.parse(assessment.stageEnteredAt) {
            let closes = entered.addingTimeInterval(Double(days) * 86_400)
            if now > closes { problem("reviewer", "government review of \(assessment.id) in \(stage.id) closed at \(Timestamp.format(closes))") }
        }
        let (draft, draftProblems) = draftProblems(submission, assessment: assessment, stage: stage, verb: "comment on")
        problems += draftProblems
        if let earlier = assessment.reviews.first(where: { $0.state == state && $0.stage == stage.id }) {
            problem("reviewer", "\(name) has already sent its comments on \(assessment.id) in \(stage.id) (\(earlier.reviewer))")
        }
        problems += outOfRange(submission, draft: draft)
        if !problems.isEmpty { return .failure(ValidationFailure(problems)) }
        return .success(recorded(submission, assessment: assessment, stage: stage, fileHash: fileHash, late: false, signedWith: signedWith,
                                 state: state, now: now, why: "government comments arrived after the sign-off"))
    }

    // MARK: Responses

    /// Who may record responses: the assessment's authors, or a chair.
    public static func mayRespond(actor: String, on assessment: Assessment, members: [Member]) -> Refusal? {
        guard let member = members.first(where: { $0.id == actor }) else {
            return Refusal("'\(actor)' is not on the roster (use --as MEMBER or PANEL_ACTOR)")
        }
        let isAuthor = assessment.roles(of: actor).contains(where: \.isAuthor)
        guard isAuthor || member.has(.coChair) || member.has(.viceChair) else {
            return Refusal("\(actor) may not respond to comments on \(assessment.id): only its authors or a chair may")
        }
        return nil
    }

    public static func respond(_ entries: [ResponseEntry], assessment: Assessment, comments: [CommentRecord], members: [Member],
                               actor: String, now: Date, file: String? = nil, signedWith: String? = nil) -> Result<[NewEvent], ValidationFailure> {
        var problems: [Problem] = []
        let first = entries.first?.location ?? SourceLocation(file: "-", line: 1, column: 1)
        if let refusal = mayRespond(actor: actor, on: assessment, members: members) {
            problems.append(Problem(first, refusal.description))
        }
        let byID = Dictionary(uniqueKeysWithValues: comments.map { ($0.id, $0) })
        let signedOff = Dictionary(grouping: assessment.signOffs, by: \.stage)
        var seen = Set<String>()
        var responses: [CommentResponse] = []
        var unchanged = 0
        for entry in entries {
            guard let comment = byID[entry.comment] else {
                problems.append(Problem(entry.location, "\(assessment.id) has no comment '\(entry.comment)'"))
                continue
            }
            // Only what changed is recorded again (a re-imported matrix repeats every row).
            if comment.response == entry.kind && (comment.responseText ?? "") == entry.text {
                unchanged += 1
                continue
            }
            if let editors = signedOff[comment.stage] {
                problems.append(Problem(entry.location, """
                    the responses to \(comment.stage) comments are final: \(editors.map(\.editor).joined(separator: ", ")) signed off; \
                    a chair can reopen them with 'panel review reopen \(assessment.id) --reason ...'
                    """))
                continue
            }
            if !seen.insert(entry.comment).inserted {
                problems.append(Problem(entry.location, "comment \(entry.comment) is answered twice in this file"))
                continue
            }
            if entry.text.trimmingCharacters(in: .whitespaces).isEmpty && entry.kind != .accepted {
                problems.append(Problem(entry.location, "a '\(entry.kind.rawValue)' response to \(entry.comment) needs a text explaining it"))
                continue
            }
            responses.append(CommentResponse(
                comment: comment.id, review: comment.review, kind: entry.kind, text: entry.text,
                firstSubstantiveAnswer: comment.kind == .substantive && comment.response == nil))
        }
        if responses.isEmpty && problems.isEmpty && unchanged == 0 { problems.append(Problem(first, "no responses to record")) }
        if !problems.isEmpty { return .failure(ValidationFailure(problems)) }
        if responses.isEmpty { return .success([]) }
        return .success([NewEvent(ResponsesRecorded(assessment: assessment.id, responses: responses, file: file, signedWith: signedWith),
                                  subject: assessment.id, actor: actor, time: now)])
    }

    // MARK: Sign-off, votes, statements

    public static func signOff(_ assessment: Assessment, comments: [CommentRecord], members: [Member], actor: String,
                               now: Date, report: String? = nil) -> Result<[NewEvent], Refusal> {
        guard members.contains(where: { $0.id == actor }) else {
            return .failure(Refusal("'\(actor)' is not on the roster (use --as MEMBER or PANEL_ACTOR)"))
        }
        guard assessment.roles(of: actor).contains(.reviewEditor) else {
            return .failure(Refusal("\(actor) is not a review editor of \(assessment.id); only its review editors sign off"))
        }
        if assessment.signOffs.contains(where: { $0.editor == actor && $0.stage == assessment.stage }) {
            return .failure(Refusal("\(actor) has already signed off \(assessment.id) in \(assessment.stage)"))
        }
        // A sign-off states that the reviews got appropriate consideration: there must be reviews to consider.
        if !assessment.reviews.contains(where: { $0.stage == assessment.stage }) {
            return .failure(Refusal("no review of \(assessment.id) in \(assessment.stage) has arrived yet; a sign-off states that the reviews got appropriate consideration"))
        }
        let unanswered = comments.filter { $0.stage == assessment.stage && $0.kind == .substantive && $0.response == nil }
        if !unanswered.isEmpty {
            let list = unanswered.prefix(20).map { "\($0.id) (lines \($0.fromLine)-\($0.toLine))" }.joined(separator: ", ")
            return .failure(Refusal("\(unanswered.count) substantive comments have no response: \(list)\(unanswered.count > 20 ? ", …" : "")"))
        }
        return .success([NewEvent(SignOffRecorded(assessment: assessment.id, stage: assessment.stage, editor: actor, report: report),
                                  subject: assessment.id, actor: actor, time: now)])
    }

    public static func vote(_ choice: VoteChoice, reason: String?, on assessment: Assessment, workflow: Workflow, members: [Member],
                            actor: String, now: Date) -> Result<[NewEvent], Refusal> {
        guard let member = members.first(where: { $0.id == actor }), member.isPanelMember else {
            return .failure(Refusal("'\(actor)' is not a member of the panel; only members vote"))
        }
        guard workflow.stage(assessment.stage)?.allows(.voting) == true else {
            return .failure(Refusal("stage '\(assessment.stage)' of \(assessment.id) does not hold a vote"))
        }
        if choice == .object && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            return .failure(Refusal("an objection needs a --reason"))
        }
        return .success([NewEvent(VoteCast(assessment: assessment.id, stage: assessment.stage, member: actor, choice: choice, reason: reason),
                                  subject: assessment.id, actor: actor, time: now)])
    }

    public static func decideStatement(_ statement: String, _ decision: StatementDecision, reason: String?, on assessment: Assessment,
                                       workflow: Workflow, members: [Member], actor: String, now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = chair(actor, in: members) {
            return .failure(Refusal(refusal.reasons.map { $0 + "; a chair records statement decisions" }))
        }
        guard workflow.stage(assessment.stage)?.allows(.voting) == true else {
            return .failure(Refusal("stage '\(assessment.stage)' of \(assessment.id) does not approve statements"))
        }
        guard assessment.statements.contains(where: { $0.id == statement }) else {
            let known = assessment.statements.map(\.id).joined(separator: ", ")
            return .failure(Refusal("the latest draft of \(assessment.id) has no statement \(statement) (statements: \(known.isEmpty ? "none" : known))"))
        }
        if decision != .approved && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            return .failure(Refusal("bracketing or deleting \(statement) needs a --reason"))
        }
        return .success([NewEvent(StatementDecided(assessment: assessment.id, statement: statement, decision: decision, reason: reason),
                                  subject: assessment.id, actor: actor, time: now)])
    }
}
