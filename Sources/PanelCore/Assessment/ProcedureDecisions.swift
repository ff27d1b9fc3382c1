import Foundation

/// Decisions about an assessment's procedure once it is under way: its team,
/// withdrawal, the review window, reviewers' extensions, reopening responses.
public enum ProcedureDecisions {
    static func chair(_ actor: String, in members: [Member]) -> Refusal? { ReviewDecisions.chair(actor, in: members) }

    /// A withdrawn assessment takes no more steps.
    public static func notWithdrawn(_ assessment: Assessment) -> Refusal? {
        assessment.withdrawn.map { Refusal("\(assessment.id) was withdrawn (\($0)); nothing more happens to it") }
    }

    // MARK: Team

    public static func changeTeam(_ assessment: Assessment, add: [AssessmentAuthor], remove: [AssessmentAuthor], reason: String?,
                                  members: [Member], actor: String, now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = chair(actor, in: members) { return .failure(Refusal(refusal.reasons.map { $0 + "; chairs change a team" })) }
        if let refusal = notWithdrawn(assessment) { return .failure(refusal) }
        var reasons: [String] = []
        if add.isEmpty && remove.isEmpty { reasons.append("nothing to change: name people to add or remove as MEMBER:ROLE") }
        // A reviewer (assigned, or who has reviewed) joining the team would sit among the authors
        // a blinded review hides them from, and judge a draft they wrote.
        let reviewers = Set(assessment.reviews.map(\.reviewer) + assessment.assignments.map(\.reviewer))
        var team = assessment.authors
        for person in remove {
            if team.contains(person) {
                team.removeAll { $0 == person }
            } else {
                reasons.append("\(person.member) is not \(person.role.rawValue) of \(assessment.id)")
            }
        }
        for person in add {
            guard let member = members.first(where: { $0.id == person.member }) else {
                reasons.append("\(person.member) is not on the roster")
                continue
            }
            if person.role == .reviewer {
                reasons.append("\(person.member): reviewers are assigned with 'panel review assign', not added to the team")
                continue
            }
            if team.contains(person) { reasons.append("\(person.member) is already \(person.role.rawValue) of \(assessment.id)"); continue }
            if reviewers.contains(person.member) {
                reasons.append("\(person.member) is a reviewer of \(assessment.id), so cannot become its \(person.role.rawValue)")
            }
            if person.role == .reviewEditor {
                if team.contains(where: { $0.member == person.member && $0.role.isAuthor }) {
                    reasons.append("\(person.member) is an author of \(assessment.id) and cannot also be its review editor")
                }
                var withoutSelf = assessment
                withoutSelf.authors = team
                let conflicts = ReviewDecisions.exclusions(of: member, for: withoutSelf, members: members, allowSameAffiliation: true)
                    .filter { $0.hasPrefix("declares") }
                if !conflicts.isEmpty { reasons.append("\(person.member) may not be review editor of \(assessment.id): \(conflicts.joined(separator: "; "))") }
            } else if team.contains(where: { $0.member == person.member && $0.role == .reviewEditor }) {
                reasons.append("\(person.member) is a review editor of \(assessment.id) and cannot also be one of its authors")
            }
            team.append(person)
        }
        if !team.contains(where: { $0.role == .coordinatingLeadAuthor }) && assessment.authors.contains(where: { $0.role == .coordinatingLeadAuthor }) {
            reasons.append("\(assessment.id) would be left without a coordinating lead author; add one in the same command")
        }
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        return .success([NewEvent(TeamChanged(assessment: assessment.id, added: add, removed: remove, reason: reason),
                                  subject: assessment.id, actor: actor, time: now)])
    }

    public static func withdraw(_ assessment: Assessment, reason: String, workflow: Workflow, members: [Member], actor: String,
                                now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = chair(actor, in: members) { return .failure(Refusal(refusal.reasons.map { $0 + "; chairs withdraw assessments" })) }
        if let refusal = notWithdrawn(assessment) { return .failure(refusal) }
        if workflow.stage(assessment.stage)?.final == true { return .failure(Refusal("\(assessment.id) is already \(assessment.stage), a final stage")) }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { return .failure(Refusal("a reason is required (it is recorded)")) }
        return .success([NewEvent(AssessmentWithdrawn(assessment: assessment.id, reason: reason), subject: assessment.id, actor: actor, time: now)])
    }

    // MARK: The review window

    public static func closeReviewWindow(_ assessment: Assessment, reason: String, members: [Member], actor: String,
                                         now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = chair(actor, in: members) { return .failure(Refusal(refusal.reasons.map { $0 + "; chairs close review windows" })) }
        if let refusal = notWithdrawn(assessment) { return .failure(refusal) }
        guard assessment.reviewWindowEnd(at: now) != nil else {
            return .failure(Refusal("\(assessment.id) has no open review window in \(assessment.stage)"))
        }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { return .failure(Refusal("a reason is required (it is recorded)")) }
        return .success([NewEvent(ReviewWindowClosed(assessment: assessment.id, stage: assessment.stage, reason: reason),
                                  subject: assessment.id, actor: actor, time: now)])
    }

    public static func extendReviewer(_ assessment: Assessment, reviewer: String, days: Int, reason: String, members: [Member],
                                      actor: String, now: Date) -> Result<[NewEvent], Refusal> {
        let mayExtend = chair(actor, in: members) == nil || assessment.roles(of: actor).contains(.reviewEditor)
        if !mayExtend { return .failure(Refusal("\(actor) may not give reviewers more time: chairs and the assessment's review editors may")) }
        if let refusal = notWithdrawn(assessment) { return .failure(refusal) }
        guard let assignment = assessment.currentAssignments.first(where: { $0.reviewer == reviewer }) else {
            return .failure(Refusal("\(reviewer) is not assigned to review \(assessment.id) in \(assessment.stage)"))
        }
        var reasons: [String] = []
        if assessment.reviews.contains(where: { $0.reviewer == reviewer && $0.stage == assessment.stage }) {
            reasons.append("\(reviewer)'s review of \(assessment.id) in \(assessment.stage) has already arrived")
        }
        if !(1...180).contains(days) { reasons.append("--days must be 1 to 180, not \(days)") }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { reasons.append("a reason is required (it is recorded)") }
        let current = Timestamp.parse(assignment.deadline) ?? now
        let extended = current.addingTimeInterval(Double(days) * 86_400)
        if extended < now {
            reasons.append("the new due date, \(Timestamp.format(extended)), would already be past; extend by at least \(Int((now.timeIntervalSince(current) / 86_400).rounded(.up))) days")
        }
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        return .success([NewEvent(ReviewerExtended(assessment: assessment.id, stage: assessment.stage, reviewer: reviewer,
                                                   deadline: Timestamp.format(extended), reason: reason),
                                  subject: assessment.id, actor: actor, time: now)])
    }

    /// A chair reopens a stage's responses: the review editors' sign-offs of that stage are withdrawn.
    public static func reopenResponses(_ assessment: Assessment, reason: String, members: [Member], actor: String,
                                       now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = chair(actor, in: members) { return .failure(Refusal(refusal.reasons.map { $0 + "; chairs reopen responses" })) }
        if let refusal = notWithdrawn(assessment) { return .failure(refusal) }
        let signOffs = assessment.signOffs.filter { $0.stage == assessment.stage }
        guard !signOffs.isEmpty else { return .failure(Refusal("the responses of \(assessment.id) in \(assessment.stage) are not locked: no sign-off yet")) }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { return .failure(Refusal("a reason is required (it is recorded)")) }
        return .success(signOffs.map {
            NewEvent(SignOffWithdrawn(assessment: assessment.id, stage: $0.stage, editor: $0.editor, reason: "responses reopened: \(reason)"),
                     subject: assessment.id, actor: actor, time: now)
        })
    }
}

extension Assessment {
    /// When the current stage's review window ends, while it is open: reviewers are assigned
    /// and due, and no chair closed it early. While it is open the draft under review is frozen.
    public func reviewWindowEnd(at now: Date) -> Date? {
        guard withdrawn == nil, !closedReviewStages.contains(stage) else { return nil }
        let reviewed = Set(reviews.filter { $0.stage == stage }.map(\.reviewer))
        let due = currentAssignments.filter { !reviewed.contains($0.reviewer) }.compactMap { Timestamp.parse($0.deadline) }
        guard let end = due.max(), end > now else { return nil }
        return end
    }
}
