import Foundation
import Testing
@testable import PanelCore

/// Given these events, when this command, then these events or this refusal.
/// No store, no files (the workflows are the shipped ones, read once).
@Suite("Assessment decisions")
struct AssessmentScenarioTests {
    static let start = Timestamp.parse("2026-03-01T09:00:00Z")!
    let workflows: [String: Workflow]
    let members: [Member]

    init() throws {
        workflows = try Fixtures.workflows()
        members = try Fixtures.members()
    }

    func day(_ offset: Int) -> Date { Self.start.addingTimeInterval(Double(offset) * 86_400) }

    /// Seals events into records, as the store would, and folds them.
    struct History {
        var records: [EventRecord] = []
        var state = PanelState()
        var assessments: [String: Assessment] { Dictionary(uniqueKeysWithValues: state.assessments.map { ($0.id, $0) }) }

        mutating func add(_ events: [NewEvent]) {
            for event in events {
                do {
                    let record = try EventChain.seal(event, sequence: Int64(records.count + 1), previousHash: records.last?.hash ?? EventChain.genesis)
                    try state.apply(record)
                    records.append(record)
                } catch {
                    Issue.record(error)
                }
            }
        }
    }

    static let authors = [
        AssessmentAuthor(member: "exp-03", role: .coordinatingLeadAuthor),
        AssessmentAuthor(member: "exp-08", role: .leadAuthor),
        AssessmentAuthor(member: "exp-15", role: .leadAuthor),
        AssessmentAuthor(member: "exp-22", role: .reviewEditor),
        AssessmentAuthor(member: "exp-31", role: .reviewEditor),
    ]

    func open(_ workflow: String = "annual-report", authors: [AssessmentAuthor] = authors, actor: String = "exp-01",
              history: inout History) throws -> Assessment {
        let command = OpenAssessment(title: "Disinformation", kind: .risk, domain: .misinformation, workflow: workflow,
                                     authors: authors, ratings: Ratings(severity: 4, likelihood: .likely))
        let events = try AssessmentDecisions.open(command, existing: Array(history.assessments.values), workflows: workflows,
                                                  members: members, actor: actor, now: day(0)).get()
        history.add(events)
        return history.assessments[events[0].subject]!
    }

    func draft(_ text: String) -> DraftText {
        try! DraftText.read(Array(text.utf8), file: "d.md").get()
    }

    // MARK: Open

    @Test func chairOpensInTheInitialStageWithNumberedIds() throws {
        var history = History()
        let first = try open(history: &history)
        #expect(first.id == "A-2026-001")
        #expect(first.stage == "scoping")
        #expect(first.stageEnteredAt == "2026-03-01T09:00:00.000Z")
        let second = try open("rapid-assessment", history: &history)
        #expect(second.id == "A-2026-002")
        #expect(second.stage == "draft")
        #expect(history.records.map(\.type) == [AssessmentOpened.type, AssessmentOpened.type])
    }

    @Test func openingIsRefusedWithEveryReason() {
        let command = OpenAssessment(
            title: " ", kind: .risk, domain: .misinformation, workflow: "nonsense",
            authors: [AssessmentAuthor(member: "exp-99", role: .leadAuthor),
                      AssessmentAuthor(member: "exp-03", role: .leadAuthor),
                      AssessmentAuthor(member: "exp-03", role: .reviewEditor),
                      AssessmentAuthor(member: "exp-04", role: .reviewer)],
            ratings: Ratings(severity: 9))
        let result = AssessmentDecisions.open(command, existing: [], workflows: workflows, members: members, actor: "exp-05", now: day(0))
        #expect(result == .failure(Refusal([
            "exp-05 may not open assessments: only a co-chair or vice-chair may",
            "the title is empty",
            "unknown workflow 'nonsense' (known: annual-report, rapid-assessment)",
            "exp-99 (lead-author) is not on the roster",
            "exp-04: reviewers are assigned in review, not named when opening",
            "exp-03 cannot be both an author and a review editor of the same assessment",
            "severity must be 1 to 5, not 9",
        ])))
    }

    @Test func strangerIsRefusedBeforeAnythingElse() {
        let command = OpenAssessment(title: "T", kind: .risk, domain: .misinformation, workflow: "annual-report", authors: [], ratings: Ratings())
        #expect(AssessmentDecisions.open(command, existing: [], workflows: workflows, members: members, actor: "mallory", now: day(0))
            == .failure(Refusal("'mallory' is not on the roster (use --as MEMBER or PANEL_ACTOR)")))
    }

    // MARK: Drafts

    @Test func draftsAreNumberedImmutableVersions() throws {
        var history = History()
        var assessment = try open(history: &history)
        let workflow = workflows["annual-report"]!
        history.add(try AssessmentDecisions.submitDraft(draft("# A\n- one {#S1}\n- two {#S2}\n"), to: assessment, workflow: workflow,
                                                        members: members, actor: "exp-03", now: day(1)).get())
        assessment = history.assessments[assessment.id]!
        #expect(assessment.drafts.map(\.version) == [1])
        #expect(assessment.drafts[0].lines == 3)
        #expect(assessment.drafts[0].statementCount == 2)
        #expect(assessment.statements.map { "\($0.id):\($0.line):\($0.text)" } == ["S1:2:one", "S2:3:two"])
        #expect(assessment.statements.allSatisfy { $0.findings?.map(\.kind) == [.uncalibrated] })
        #expect(AssessmentDecisions.submitDraft(draft("# A\n- one {#S1}\n- two {#S2}\n"), to: assessment, workflow: workflow,
                                                members: members, actor: "exp-03", now: day(2))
            == .failure(Refusal("identical to draft 1 of A-2026-001: nothing to submit")))
        history.add(try AssessmentDecisions.submitDraft(draft("# A v2\n"), to: assessment, workflow: workflow,
                                                        members: members, actor: "exp-01", now: day(2)).get())
        #expect(history.assessments[assessment.id]!.drafts.map(\.version) == [1, 2])
    }

    @Test func onlyAuthorsAndCoChairsDraft() throws {
        var history = History()
        let assessment = try open(history: &history)
        for actor in ["exp-22", "exp-05", "exp-02"] {
            #expect(AssessmentDecisions.submitDraft(draft("x\n"), to: assessment, workflow: workflows["annual-report"]!,
                                                    members: members, actor: actor, now: day(1))
                == .failure(Refusal("\(actor) may not submit drafts of A-2026-001: only its authors or a co-chair may")))
        }
    }

    @Test func badDraftTextIsRefused() {
        #expect(DraftText.read([0xFF, 0xFE], file: "d.md") == .failure(Refusal("d.md: not UTF-8 text")))
        #expect(DraftText.read(Array("# Draft\n- A finding\u{0}. {#S1}\n".utf8), file: "d.md")
                == .failure(Refusal("d.md:2: a NUL byte (0x00), which text does not hold: UTF-16 saved without its byte-order mark? save it as UTF-8")))
        #expect(DraftText.read(Array("  \n".utf8), file: "d.md") == .failure(Refusal("d.md: the draft is empty")))
        #expect(DraftText.read(Array("a {#S1}\nb {#S1}\n".utf8), file: "d.md")
            == .failure(Refusal("d.md:2: summary statement S1 is marked twice (first on line 1)")))
    }

    // MARK: Advance

    @Test func advanceIsRefusedUntilEveryRequirementHolds() throws {
        var history = History()
        var assessment = try open(history: &history)
        let workflow = workflows["annual-report"]!
        #expect(AssessmentDecisions.advance(assessment, to: nil, workflow: workflow, members: members, actor: "exp-01", now: day(1))
            == .failure(Refusal([
                "min-drafts: 0 drafts, needs at least 1",
                "min-days-in-stage: 1 day, needs at least 14 days",
            ])))
        history.add(try AssessmentDecisions.submitDraft(draft("x {#S1}\n"), to: assessment, workflow: workflow,
                                                        members: members, actor: "exp-03", now: day(2)).get())
        assessment = history.assessments[assessment.id]!
        let events = try AssessmentDecisions.advance(assessment, to: nil, workflow: workflow, members: members, actor: "exp-02", now: day(14)).get()
        history.add(events)
        assessment = history.assessments[assessment.id]!
        #expect(assessment.stage == "first-order-draft")
        #expect(assessment.stageEnteredAt == Timestamp.format(day(14)))
        let payload = try #require(try history.records.last?.payload(as: StageAdvanced.self))
        #expect(payload.from == "scoping")
        #expect(payload.to == "first-order-draft")
        #expect(payload.requirements.filter { !$0.met }.isEmpty)
    }

    @Test func onlyTheTransitionsRolesAdvance() throws {
        var history = History()
        let assessment = try open(history: &history)
        let result = AssessmentDecisions.advance(assessment, to: nil, workflow: workflows["annual-report"]!, members: members,
                                                 actor: "exp-03", now: day(20))
        guard case .failure(let refusal) = result else {
            Issue.record("exp-03 advanced from scoping")
            return
        }
        #expect(refusal.reasons.first == "exp-03 may not advance A-2026-001 to first-order-draft: needs one of co-chair, vice-chair (has member, coordinating-lead-author)")
    }

    @Test func severalWaysOutNeedATarget() throws {
        var history = History()
        var assessment = try open(history: &history)
        assessment.stage = "summary-approval"
        let workflow = workflows["annual-report"]!
        #expect(AssessmentDecisions.advance(assessment, to: nil, workflow: workflow, members: members, actor: "exp-01", now: day(1))
            == .failure(Refusal("A-2026-001 can go from summary-approval to several stages; choose one with --to (approved, final-draft)")))
        #expect(AssessmentDecisions.advance(assessment, to: "scoping", workflow: workflow, members: members, actor: "exp-01", now: day(1))
            == .failure(Refusal("A-2026-001 cannot go from summary-approval to scoping (possible: approved, final-draft)")))
        let back = try AssessmentDecisions.advance(assessment, to: "final-draft", workflow: workflow, members: members, actor: "exp-01", now: day(1)).get()
        #expect(back.count == 1)
        assessment.stage = "approved"
        #expect(AssessmentDecisions.advance(assessment, to: nil, workflow: workflow, members: members, actor: "exp-01", now: day(1))
            == .failure(Refusal("A-2026-001 is approved: a final stage, nothing follows")))
    }

    @Test func explainListsEveryTransitionAndWhoMayAct() throws {
        var history = History()
        let assessment = try open(history: &history)
        let explanations = AssessmentDecisions.explain(assessment, workflow: workflows["annual-report"]!, members: members, actor: "exp-05", now: day(3))
        #expect(explanations.count == 1)
        #expect(explanations[0].to == "first-order-draft")
        #expect(explanations[0].actorMayAct == false)
        #expect(explanations[0].requirements.map(\.requirement) == ["role-filled", "role-filled", "min-drafts", "min-days-in-stage", "no-open-conflict"])
        #expect(explanations[0].unmet.map(\.requirement) == ["min-drafts", "min-days-in-stage"])
    }

    @Test func anUnknownActorIsRefusedByEveryCommand() throws {
        var history = History()
        let assessment = try open(history: &history)
        let workflow = workflows["annual-report"]!
        let refusal = Refusal("'mallory' is not on the roster (use --as MEMBER or PANEL_ACTOR)")
        #expect(AssessmentDecisions.submitDraft(draft("x\n"), to: assessment, workflow: workflow, members: members, actor: "mallory", now: day(1)) == .failure(refusal))
        #expect(AssessmentDecisions.advance(assessment, to: nil, workflow: workflow, members: members, actor: "mallory", now: day(30)) == .failure(refusal))
        #expect(AssessmentDecisions.extend(assessment, days: 3, reason: "r", workflow: workflow, members: members, actor: "mallory", now: day(1)) == .failure(refusal))
    }

    // MARK: Deadlines

    @Test func chairsExtendTheCurrentStagesDeadline() throws {
        var history = History()
        var assessment = try open(history: &history)
        let workflow = workflows["annual-report"]!
        let stage = workflow.stage("scoping")!
        #expect(assessment.deadline(in: stage) == day(60))
        history.add(try AssessmentDecisions.extend(assessment, days: 10, reason: "translation", workflow: workflow, members: members,
                                                   actor: "exp-06", now: day(5)).get())
        assessment = history.assessments[assessment.id]!
        #expect(assessment.deadline(in: stage) == day(70))
        #expect(AssessmentDecisions.extend(assessment, days: 0, reason: "", workflow: workflow, members: members, actor: "exp-03", now: day(5))
            == .failure(Refusal(["exp-03 may not extend deadlines: only a co-chair or vice-chair may", "--days must be 1 to 365, not 0", "a reason is required"])))
    }

    @Test func anExtensionThatEndsInThePastIsRefused() throws {
        var history = History()
        let assessment = try open(history: &history)
        let workflow = workflows["annual-report"]!
        // The scoping deadline is day 60; on day 75 a 10-day extension would end on day 70.
        #expect(AssessmentDecisions.extend(assessment, days: 10, reason: "late", workflow: workflow, members: members, actor: "exp-06", now: day(75))
            == .failure(Refusal("the new deadline, \(Timestamp.format(day(70))), would already be past; the deadline passed on \(Timestamp.format(day(60))), so extend by at least 15 days")))
        #expect(throws: Never.self) {
            try AssessmentDecisions.extend(assessment, days: 15, reason: "late", workflow: workflow, members: self.members, actor: "exp-06", now: self.day(75)).get()
        }
    }
}

/// Each requirement, passing and failing, on hand-made state.
@Suite("Requirements")
struct RequirementTests {
    let stage = Stage(id: "s", title: "S", allows: [.drafting, .review, .voting], review: nil, deadlineDays: 10, final: false,
                      transitions: [], location: SourceLocation(file: "w", line: 1, column: 1))
    let now = Timestamp.parse("2026-03-11T09:00:00Z")!

    func member(_ id: String, _ group: RegionalGroup, affiliation: String = "Inst", conflicts: Conflicts = Conflicts()) -> Member {
        Member(id: id, name: id, nationality: "KE", group: group, gender: .female, affiliation: affiliation, conflicts: conflicts)
    }

    func assessment() -> Assessment {
        Assessment(id: "A-2026-001", title: "T", kind: .risk, domain: .misinformation, workflow: "w", stage: "s",
                   stageEnteredAt: "2026-03-01T09:00:00.000Z", openedAt: "2026-03-01T09:00:00.000Z",
                   authors: [AssessmentAuthor(member: "a1", role: .coordinatingLeadAuthor), AssessmentAuthor(member: "e1", role: .reviewEditor)],
                   ratings: Ratings())
    }

    func evaluate(_ requirement: any Requirement, _ assessment: Assessment, members: [Member] = [], now: Date? = nil) -> RequirementStatus {
        requirement.evaluate(RequirementContext(assessment: assessment, stage: stage, members: members, now: now ?? self.now))
    }

    @Test func minDrafts() {
        var state = assessment()
        #expect(!evaluate(MinDrafts(count: 1), state).met)
        state.drafts = [Draft(version: 1, hash: "h", lines: 1, statementCount: 0, stage: "s", submittedAt: "", submittedBy: "a1")]
        #expect(evaluate(MinDrafts(count: 1), state).met)
        state.drafts[0].stage = "earlier"
        #expect(!evaluate(MinDrafts(count: 1), state).met)
    }

    @Test func minDaysInStage() {
        #expect(evaluate(MinDaysInStage(days: 10), assessment()).met)
        #expect(evaluate(MinDaysInStage(days: 11), assessment()) == RequirementStatus(requirement: "min-days-in-stage", met: false, current: "10 days", needed: "at least 11 days"))
    }

    @Test func roleFilled() {
        #expect(evaluate(RoleFilled(role: .reviewEditor, minimum: 1), assessment()).met)
        #expect(!evaluate(RoleFilled(role: .reviewEditor, minimum: 2), assessment()).met)
    }

    @Test func deadlineNotPassed() {
        #expect(evaluate(DeadlineNotPassed(), assessment()).met)
        #expect(!evaluate(DeadlineNotPassed(), assessment(), now: now.addingTimeInterval(86_400)).met)
        var extended = assessment()
        extended.extensions = [DeadlineExtension(days: 5, reason: "r", by: "c", at: "")]
        #expect(evaluate(DeadlineNotPassed(), extended, now: now.addingTimeInterval(86_400)).met)
    }

    @Test func reviewsGroupsAnswersAndSignOffs() {
        var state = assessment()
        let members = [member("r1", .african), member("r2", .african), member("r3", .asiaPacific)]
        #expect(!evaluate(MinReviews(count: 3), state).met)
        state.reviews = [
            ReviewSummary(id: "r1", reviewer: "r1", draft: 1, stage: "s", substantive: 2, answered: 2),
            ReviewSummary(id: "r2", reviewer: "r2", draft: 1, stage: "s", substantive: 1, answered: 0),
            ReviewSummary(id: "r3", reviewer: "r3", draft: 1, stage: "s", substantive: 0, answered: 0),
        ]
        #expect(evaluate(MinReviews(count: 3), state).met)
        #expect(evaluate(MinRegionalGroups(count: 2), state, members: members).met)
        #expect(evaluate(MinRegionalGroups(count: 3), state, members: members) == RequirementStatus(requirement: "min-regional-groups", met: false, current: "2 groups", needed: "at least 3"))
        #expect(evaluate(AllSubstantiveAnswered(), state) == RequirementStatus(requirement: "all-substantive-answered", met: false, current: "1 unanswered", needed: "0 unanswered"))
        state.reviews[1].answered = 1
        #expect(evaluate(AllSubstantiveAnswered(), state).met)
        #expect(!evaluate(ReviewEditorSignOff(), state).met)
        state.signOffs = [SignOff(editor: "a1", stage: "s")]
        #expect(!evaluate(ReviewEditorSignOff(), state).met, "an author's sign-off does not count")
        state.signOffs.append(SignOff(editor: "e1", stage: "s"))
        #expect(evaluate(ReviewEditorSignOff(), state).met)
    }

    @Test func noOpenConflict() {
        var state = assessment()
        state.reviews = [ReviewSummary(id: "r1", reviewer: "r1", draft: 1, stage: "s", substantive: 0, answered: 0)]
        let clean = [member("a1", .african, affiliation: "Lab A"), member("r1", .asiaPacific)]
        #expect(evaluate(NoOpenConflict(), state, members: clean).met)
        let conflicted = [member("a1", .african, affiliation: "Lab A"),
                          member("r1", .asiaPacific, conflicts: Conflicts(organisations: ["Lab A"], members: ["a1"], assessments: ["A-2026-001"]))]
        let status = evaluate(NoOpenConflict(), state, members: conflicted)
        #expect(!status.met)
        #expect(status.current == "r1 declares a conflict with A-2026-001; r1 declares a conflict with author a1; r1 declares a conflict with Lab A, an author's affiliation")
        // In id order whatever the roster's order; someone not (or no longer) on the roster is passed over.
        state.reviews += [ReviewSummary(id: "r2", reviewer: "gone", draft: 1, stage: "s", substantive: 0, answered: 0),
                          ReviewSummary(id: "r3", reviewer: "b0", draft: 1, stage: "s", substantive: 0, answered: 0)]
        let shuffled = [member("r1", .asiaPacific, conflicts: Conflicts(organisations: [], members: ["a1"], assessments: [])),
                        member("b0", .asiaPacific, conflicts: Conflicts(organisations: ["Lab A"], members: [], assessments: [])),
                        member("a1", .african, affiliation: "Lab A")]
        #expect(evaluate(NoOpenConflict(), state, members: shuffled).current
                == "b0 declares a conflict with Lab A, an author's affiliation; r1 declares a conflict with author a1")
    }

    @Test(arguments: [
        (VotePassed.Threshold.consensus, [VoteChoice.approve, .approve, .abstain], true),
        (.consensus, [.approve, .approve, .object], false),
        (.twoThirds, [.approve, .approve, .object], true),
        (.twoThirds, [.approve, .object, .object], false),
        (.majority, [.approve, .approve, .object], true),
        (.majority, [.approve, .object, .abstain], false),
    ])
    func votes(threshold: VotePassed.Threshold, choices: [VoteChoice], passes: Bool) {
        var state = assessment()
        let members = (1...4).map { member("m\($0)", .african) }
        state.votes = choices.enumerated().map { Vote(member: "m\($0.offset + 1)", choice: $0.element, stage: "s") }
        #expect(evaluate(VotePassed(quorum: 0.5, threshold: threshold), state, members: members).met == passes)
        #expect(!evaluate(VotePassed(quorum: 4, threshold: threshold), state, members: members).met, "quorum of 4 not reached by 3 votes")
    }

    @Test func noBracketedStatements() {
        var state = assessment()
        state.drafts = [Draft(version: 1, hash: "h", lines: 2, statementCount: 2, stage: "s", submittedAt: "", submittedBy: "a1")]
        state.statements = [SummaryStatement(id: "S1", line: 1, text: "a"), SummaryStatement(id: "S2", line: 2, text: "b")]
        #expect(evaluate(NoBracketedStatements(), state).met)
        state.statementDecisions = ["S1": .approved, "S2": .bracketed]
        #expect(evaluate(NoBracketedStatements(), state) == RequirementStatus(requirement: "no-bracketed-statements", met: false, current: "bracketed: S2", needed: "none bracketed"))
    }

    @Test func approvalNeedsEveryStatementDecided() {
        var state = assessment()
        state.drafts = [Draft(version: 1, hash: "h", lines: 3, statementCount: 3, stage: "s", submittedAt: "", submittedBy: "a1")]
        state.statements = (1...3).map { SummaryStatement(id: "S\($0)", line: $0, text: "t") }
        state.statementDecisions = ["S1": .approved, "S3": .bracketed]
        #expect(evaluate(AllStatementsDecided(), state) == RequirementStatus(
            requirement: "all-statements-decided", met: false, current: "pending: S2; bracketed: S3", needed: "all 3 approved or deleted"))
        state.statementDecisions = ["S1": .approved, "S2": .deleted, "S3": .approved]
        #expect(evaluate(AllStatementsDecided(), state) == RequirementStatus(
            requirement: "all-statements-decided", met: true, current: "3 of 3 decided", needed: "all 3 approved or deleted"))
    }
}

@Suite("Draft diff")
struct DraftDiffTests {
    @Test func changedLinesCarryEachVersionsNumbers() {
        let old = ["# Title", "first", "second", "third"]
        let new = ["# Title", "first", "second, revised", "third", "fourth"]
        let lines = DraftDiff.lines(from: old, to: new)
        #expect(lines.filter { $0.change != .same } == [
            DraftDiff.Line(change: .removed, old: 3, new: nil, text: "second"),
            DraftDiff.Line(change: .added, old: nil, new: 3, text: "second, revised"),
            DraftDiff.Line(change: .added, old: nil, new: 5, text: "fourth"),
        ])
        #expect(lines.filter { $0.change == .same }.map(\.new) == [1, 2, 4])
        #expect(DraftDiff.render(lines, context: 0) == """
            -     3       | second
            +           3 | second, revised
               ...
            +           5 | fourth

            """)
        #expect(DraftDiff.render(DraftDiff.lines(from: old, to: old)) == "no changes\n")
    }
}
