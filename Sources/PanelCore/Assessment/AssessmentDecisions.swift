import Foundation

/// What a user asks to open.
public struct OpenAssessment: Sendable, Equatable {
    public var title: String
    public var kind: AssessmentKind
    public var domain: RiskDomain
    public var workflow: String
    public var authors: [AssessmentAuthor]
    public var ratings: Ratings

    public init(title: String, kind: AssessmentKind, domain: RiskDomain, workflow: String,
                authors: [AssessmentAuthor], ratings: Ratings) {
        self.title = title
        self.kind = kind
        self.domain = domain
        self.workflow = workflow
        self.authors = authors
        self.ratings = ratings
    }
}

/// One way out of the current stage and where each of its requirements stands.
public struct TransitionExplanation: Sendable, Equatable, Codable {
    public var to: String
    public var by: [String]
    public var actorMayAct: Bool?
    public var requirements: [RequirementStatus]

    public var ready: Bool { requirements.allSatisfy(\.met) }
    public var unmet: [RequirementStatus] { requirements.filter { !$0.met } }
}

/// Decisions about assessments: pure functions from the state, the workflow,
/// the roster and a command to events, or a refusal listing every reason.
public enum AssessmentDecisions {
    // MARK: Who

    static func member(_ actor: String, in members: [Member]) -> Result<Member, Refusal> {
        guard let member = members.first(where: { $0.id == actor }) else {
            return .failure(Refusal("'\(actor)' is not on the roster (use --as MEMBER or PANEL_ACTOR)"))
        }
        return .success(member)
    }

    static func isChair(_ member: Member) -> Bool { member.has(.coChair) || member.has(.viceChair) }

    /// The roles an actor holds for this assessment: standing ones and assessment ones.
    public static func roles(of actor: String, on assessment: Assessment, members: [Member]) -> [ActorRole] {
        let standing = members.first { $0.id == actor }?.roles.map { ActorRole.panel($0) } ?? []
        return standing + assessment.roles(of: actor).map { ActorRole.assessment($0) }
    }

    // MARK: Open

    public static func open(_ command: OpenAssessment, existing: [Assessment], workflows: [String: Workflow],
                            members: [Member], actor: String, now: Date) -> Result<[NewEvent], Refusal> {
        var reasons: [String] = []
        switch member(actor, in: members) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let member) where !isChair(member):
            reasons.append("\(actor) may not open assessments: only a co-chair or vice-chair may")
        default: break
        }
        if command.title.trimmingCharacters(in: .whitespaces).isEmpty { reasons.append("the title is empty") }
        let workflow = workflows[command.workflow]
        if workflow == nil {
            reasons.append("unknown workflow '\(command.workflow)' (known: \(workflows.keys.sorted().joined(separator: ", ")))")
        }
        let known = Set(members.map(\.id))
        for author in command.authors where !known.contains(author.member) {
            reasons.append("\(author.member) (\(author.role.rawValue)) is not on the roster")
        }
        for author in command.authors where author.role == .reviewer {
            reasons.append("\(author.member): reviewers are assigned in review, not named when opening")
        }
        let authorIDs = Set(command.authors.filter { $0.role.isAuthor }.map(\.member))
        for editor in command.authors where editor.role == .reviewEditor && authorIDs.contains(editor.member) {
            reasons.append("\(editor.member) cannot be both an author and a review editor of the same assessment")
        }
        if Set(command.authors).count != command.authors.count { reasons.append("an author is listed twice with the same role") }
        if let severity = command.ratings.severity, !(1...5).contains(severity) {
            reasons.append("severity must be 1 to 5, not \(severity)")
        }
        guard reasons.isEmpty, let workflow else { return .failure(Refusal(reasons)) }
        let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now).year ?? 2026
        let prefix = "A-\(year)-"
        let next = (existing.compactMap { $0.id.hasPrefix(prefix) ? Int($0.id.dropFirst(prefix.count)) : nil }.max() ?? 0) + 1
        let id = prefix + String(format: "%03d", next)
        let time = Timestamp.format(now)
        let assessment = Assessment(
            id: id, title: command.title, kind: command.kind, domain: command.domain, workflow: workflow.id,
            stage: workflow.initial, stageEnteredAt: time, openedAt: time, authors: command.authors, ratings: command.ratings)
        return .success([NewEvent(AssessmentOpened(assessment: assessment), subject: id, actor: actor, time: now)])
    }

    // MARK: Drafts

    /// `citations` says which of the text's citations the reference store knows; where the
    /// stage's way out requires `citations-resolved`, a draft citing an unknown reference is refused.
    public static func submitDraft(_ text: DraftText, to assessment: Assessment, workflow: Workflow, members: [Member],
                                   actor: String, now: Date, citations: CitationResolution = CitationResolution()) -> Result<[NewEvent], Refusal> {
        if case .failure(let refusal) = member(actor, in: members) { return .failure(refusal) }
        if let refusal = ProcedureDecisions.notWithdrawn(assessment) { return .failure(refusal) }
        var reasons: [String] = []
        if let end = assessment.reviewWindowEnd(at: now), let under = assessment.latestDraft {
            reasons.append("""
                draft \(under.version) of \(assessment.id) is under review until \(Timestamp.format(end)), so it is frozen: reviewers' \
                line numbers refer to it; a chair can close the review window early with 'panel review close \(assessment.id) --reason ...'
                """)
        }
        let roles = assessment.roles(of: actor)
        let mayDraft = roles.contains(where: \.isAuthor) || members.first { $0.id == actor }.map(\.roles)?.contains(.coChair) == true
        if !mayDraft {
            reasons.append("\(actor) may not submit drafts of \(assessment.id): only its authors or a co-chair may")
        }
        if let stage = workflow.stage(assessment.stage), !stage.allows(.drafting) {
            reasons.append("stage '\(assessment.stage)' of \(assessment.id) does not allow drafting")
        }
        if let latest = assessment.latestDraft, latest.hash == text.hash {
            reasons.append("identical to draft \(latest.version) of \(assessment.id): nothing to submit")
        }
        if let stage = workflow.stage(assessment.stage), CitationsResolved.isRequired(leaving: stage) {
            for citation in citations.unknown(text.citations) {
                reasons.append("line \(citation.line):\(citation.column): [@\(citation.key)] cites no reference in the store, and stage '\(stage.id)' requires citations-resolved; ingest it with 'panel refs ingest' or correct the key")
            }
        }
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        let draft = Draft(
            version: (assessment.latestDraft?.version ?? 0) + 1, hash: text.hash, lines: text.lines,
            statementCount: text.statements.count, stage: assessment.stage, submittedAt: Timestamp.format(now), submittedBy: actor,
            citations: text.citations)
        return .success([NewEvent(DraftSubmitted(assessment: assessment.id, draft: draft, statements: text.statements),
                                  subject: assessment.id, actor: actor, time: now)])
    }

    // MARK: Advance and explain

    /// Every way out of the current stage, each requirement evaluated.
    public static func explain(_ assessment: Assessment, workflow: Workflow, members: [Member], actor: String?,
                               now: Date, citations: CitationResolution = CitationResolution()) -> [TransitionExplanation] {
        guard let stage = workflow.stage(assessment.stage) else { return [] }
        precondition(!assessment.statementsOmitted || !workflow.readsStatements(at: stage.id),
                     "\(assessment.id) was read without the statements its stage's requirements read")
        let context = RequirementContext(assessment: assessment, stage: stage, members: members, now: now, citations: citations)
        let actorRoles = actor.map { roles(of: $0, on: assessment, members: members) }
        return stage.transitions.map { transition in
            TransitionExplanation(
                to: transition.to, by: transition.by.map(\.rawValue),
                actorMayAct: actorRoles.map { held in transition.by.contains { held.contains($0) } },
                requirements: transition.requires.map { $0.evaluate(context) })
        }
    }

    public static func advance(_ assessment: Assessment, to target: String?, workflow: Workflow, members: [Member],
                               actor: String, now: Date, citations: CitationResolution = CitationResolution()) -> Result<[NewEvent], Refusal> {
        if case .failure(let refusal) = member(actor, in: members) { return .failure(refusal) }
        if let refusal = ProcedureDecisions.notWithdrawn(assessment) { return .failure(refusal) }
        guard let stage = workflow.stage(assessment.stage) else {
            return .failure(Refusal("\(assessment.id) is in stage '\(assessment.stage)', which workflow '\(workflow.id)' no longer defines"))
        }
        if stage.final { return .failure(Refusal("\(assessment.id) is \(stage.id): a final stage, nothing follows")) }
        let explanations = explain(assessment, workflow: workflow, members: members, actor: actor, now: now, citations: citations)
        let chosen: TransitionExplanation
        if let target {
            guard let match = explanations.first(where: { $0.to == target }) else {
                let options = explanations.map(\.to).joined(separator: ", ")
                return .failure(Refusal("\(assessment.id) cannot go from \(stage.id) to \(target) (possible: \(options))"))
            }
            chosen = match
        } else if explanations.count == 1 {
            chosen = explanations[0]
        } else {
            let options = explanations.map(\.to).joined(separator: ", ")
            return .failure(Refusal("\(assessment.id) can go from \(stage.id) to several stages; choose one with --to (\(options))"))
        }
        var reasons: [String] = []
        if chosen.actorMayAct != true {
            let held = roles(of: actor, on: assessment, members: members).map(\.rawValue)
            reasons.append("\(actor) may not advance \(assessment.id) to \(chosen.to): needs one of \(chosen.by.joined(separator: ", ")) (has \(held.isEmpty ? "none" : held.joined(separator: ", ")))")
        }
        for status in chosen.unmet {
            reasons.append("\(status.requirement): \(status.current), needs \(status.needed)")
        }
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        return .success([NewEvent(
            StageAdvanced(assessment: assessment.id, from: stage.id, to: chosen.to, requirements: chosen.requirements),
            subject: assessment.id, actor: actor, time: now)])
    }

    // MARK: Deadlines

    public static func extend(_ assessment: Assessment, days: Int, reason: String, workflow: Workflow, members: [Member],
                              actor: String, now: Date) -> Result<[NewEvent], Refusal> {
        let person: Member
        switch member(actor, in: members) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let found): person = found
        }
        if let refusal = ProcedureDecisions.notWithdrawn(assessment) { return .failure(refusal) }
        var reasons: [String] = []
        if !isChair(person) { reasons.append("\(actor) may not extend deadlines: only a co-chair or vice-chair may") }
        if !(1...365).contains(days) { reasons.append("--days must be 1 to 365, not \(days)") }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { reasons.append("a reason is required") }
        if let stage = workflow.stage(assessment.stage), let current = assessment.deadline(in: stage) {
            let extended = current.addingTimeInterval(Double(days) * 86_400)
            if extended < now {
                let needed = Int((now.timeIntervalSince(current) / 86_400).rounded(.up))
                reasons.append("the new deadline, \(Timestamp.format(extended)), would already be past; the deadline passed on \(Timestamp.format(current)), so extend by at least \(counted(needed, "day"))")
            }
        } else {
            reasons.append("stage '\(assessment.stage)' has no deadline to extend")
        }
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        return .success([NewEvent(
            DeadlineExtended(assessment: assessment.id, stage: assessment.stage, days: days, reason: reason),
            subject: assessment.id, actor: actor, time: now)])
    }
}
