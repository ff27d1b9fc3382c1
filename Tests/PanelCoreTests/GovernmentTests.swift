import Foundation
import Testing
@testable import PanelCore

@Suite("Member states, focal points and participation")
struct GovernmentTests {
    let now = Timestamp.parse("2026-06-01T09:00:00Z")!

    @Test func theMemberStatesAreTheUNs193() {
        #expect(MemberStates.all.count == 193)
        #expect(Set(MemberStates.all.map(\.code)).count == 193)
        let perGroup = Dictionary(grouping: MemberStates.all, by: \.group).mapValues(\.count)
        #expect(perGroup == [.african: 54, .asiaPacific: 54, .easternEuropean: 23, .latinAmericanAndCaribbean: 33, .westernEuropeanAndOthers: 29])
        // One source of "developed": the roster check's list and the member-state data agree.
        #expect(Set(MemberStates.all.filter { $0.development == .developed }.map(\.code)) == CountryClassification.developed)
        #expect(MemberStates.state("ke")?.name == "Kenya")
        #expect(MemberStates.state("RU")?.development == .transition)
        #expect(MemberStates.state("TW") == nil)
        #expect(MemberStates.unknown("KN1").hasPrefix("'KN1' is not the ISO 3166-1 alpha-2 code of a UN member state"))
        #expect(MemberStates.unknown("Kenya") == "'Kenya' is not an ISO 3166-1 alpha-2 code; Kenya is KE")
        #expect(MemberStates.unknown("UK") == "'UK' is not an ISO 3166-1 alpha-2 code; United Kingdom of Great Britain and Northern Ireland is GB")
        #expect(MemberStates.unknown("Bolivia").hasSuffix("Bolivia (Plurinational State of) is BO"))
        #expect(MemberStates.unknown("KEN").hasSuffix("Kenya is KE"))
        #expect(MemberStates.unknown("TW") == "'TW' is not the ISO 3166-1 alpha-2 code of a UN member state (see: panel governments states)")
    }

    func members() throws -> [Member] { try Fixtures.members() }

    func register(_ code: String, members: [Member]) throws -> Member {
        let events = try ParticipantDecisions.registerFocalPoint(state: code, name: "Focal \(code)", login: nil, signingKeys: [],
                                                                 members: members, actor: "exp-01", now: now).get()
        guard case .participantRegistered(let registered) = events[0].event else { throw Refusal("not registered") }
        return registered.participant
    }

    @Test func focalPointsAreRegisteredByChairsOncePerState() throws {
        var roster = try members()
        let kenya = try register("KE", members: roster)
        #expect(kenya.id == "gov-ke" && kenya.state == "KE" && kenya.group == .african && !kenya.isPanelMember && !kenya.isExpert)
        roster.append(kenya)
        #expect(throws: Refusal.self) { try register("KE", members: roster) }
        #expect(throws: Refusal.self) {
            try ParticipantDecisions.registerFocalPoint(state: "DE", name: "x", login: nil, signingKeys: [], members: roster,
                                                        actor: "exp-12", now: now).get()
        }
        // A focal point is never an expert reviewer, by name or by --auto.
        let stakeholder = try ParticipantDecisions.registerStakeholder(id: "stk-1", name: "S", organisation: "O", sector: .industry, country: "NG",
                                                                       login: nil, signingKeys: [], members: roster, actor: "exp-01", now: now).get()
        guard case .participantRegistered(let registered) = stakeholder[0].event else { Issue.record("not registered"); return }
        #expect(registered.participant.sector == .industry && registered.participant.group == .african)
        // gov-CC ids are the focal points': nobody else takes one, so none is replaced.
        let squatter = ParticipantDecisions.registerStakeholder(id: "gov-us", name: "S", organisation: "O", sector: .government, country: "US",
                                                                login: nil, signingKeys: [], members: roster, actor: "exp-01", now: now)
        #expect(squatter == .failure(Refusal("'gov-us': ids beginning 'gov-' belong to member states' focal points (panel governments add --state CC); choose another id")))
        // A signing key is one person's.
        let held = try #require(roster.first { !$0.signingKeys.isEmpty })
        guard case .failure(let taken) = ParticipantDecisions.registerFocalPoint(state: "DE", name: "x", login: nil, signingKeys: held.signingKeys,
                                                                                 members: roster, actor: "exp-01", now: now) else {
            Issue.record("a key already held was registered again"); return
        }
        #expect(taken.reasons.first?.hasSuffix("is already \(held.id)'s; a key is one person's") == true, "\(taken)")
    }

    func assessment(stage: String = "second-order-draft", reviews: [ReviewSummary]) -> Assessment {
        var assessment = Assessment(id: "A-1", title: "t", kind: .risk, domain: .misinformation, workflow: "annual-report", stage: stage,
                                    stageEnteredAt: "2026-05-01T09:00:00Z", openedAt: "2026-01-01T00:00:00Z", authors: [], ratings: Ratings())
        assessment.reviews = reviews
        return assessment
    }

    @Test func governmentCommentsCountApartFromExpertReviews() throws {
        let reviews = [
            ReviewSummary(id: "r1", reviewer: "exp-12", draft: 1, stage: "second-order-draft", substantive: 1, answered: 0),
            ReviewSummary(id: "g1", reviewer: "gov-ke", draft: 1, stage: "second-order-draft", substantive: 1, answered: 0, state: "KE"),
            ReviewSummary(id: "g2", reviewer: "gov-de", draft: 1, stage: "second-order-draft", substantive: 1, answered: 0, state: "DE"),
        ]
        let workflow = try #require(try Fixtures.workflows()["annual-report"])
        let stage = try #require(workflow.stage("second-order-draft"))
        #expect(stage.allows(.governmentReview) && stage.governmentReviewDays == 56)
        let context = RequirementContext(assessment: assessment(reviews: reviews), stage: stage, members: try members(), now: now)
        #expect(MinReviews(count: 1).evaluate(context).current == "1 review")
        #expect(MinGovernments(count: 3).evaluate(context) == RequirementStatus(requirement: "min-governments", met: false,
                                                                               current: "2 member states (DE, KE)", needed: "at least 3"))
        #expect(MinGovernments(count: 2).evaluate(context).met)
        // Names: states for everyone, pseudonyms for experts.
        let names = ReviewerNames(assessment: assessment(reviews: reviews), workflow: workflow, audience: .authors)
        #expect(names.label("gov-ke", stage: "second-order-draft") == "Kenya")
        #expect(names.label("exp-12", stage: "second-order-draft") == "R1")
        #expect(names.state(of: "gov-de") == "DE" && names.state(of: "exp-12") == nil)
    }

    @Test func participationIsSplitByGroupAndDevelopment() throws {
        let reviews = [
            ReviewSummary(id: "r1", reviewer: "exp-35", draft: 1, stage: "second-order-draft", substantive: 1, answered: 0),   // Lithuania
            ReviewSummary(id: "g1", reviewer: "gov-ke", draft: 1, stage: "second-order-draft", substantive: 1, answered: 0, state: "KE"),
            ReviewSummary(id: "g2", reviewer: "gov-ru", draft: 1, stage: "second-order-draft", substantive: 1, answered: 0, state: "RU"),
        ]
        let figures = Participation.figures(assessment(reviews: reviews), comments: [], members: try members())
        let stage = try #require(figures.first)
        #expect(stage.participants.total == 3)
        #expect(stage.participants.byDevelopment == ["developed": 1, "developing": 1, "in-transition": 1])
        #expect(stage.states.byGroup?["African"] == 1 && stage.states.byGroup?["Eastern European"] == 1)
        #expect(stage.participants.developingShare.map { abs($0 - 1.0 / 3.0) < 1e-9 } == true)
        // The process rule fires below its threshold, and not above it.
        let rule = Rule(id: "low", title: "Low", severity: .warning, watch: .process(.participationBelow(developingShare: 0.4)),
                        message: "{{assessment}} {{stage}}: {{count}} ({{share}}) below {{threshold}}")
        let workflow = try #require(try Fixtures.workflows()["annual-report"])
        let firings = RuleEngine.stateFirings([rule], assessments: [assessment(reviews: reviews)], workflows: ["annual-report": workflow],
                                              members: try members(), now: now)
        #expect(firings.map(\.message) == ["A-1 second-order-draft: 1 of 3 (33%) below 40%"])
        let lenient = Rule(id: "low", title: "Low", severity: .warning, watch: .process(.participationBelow(developingShare: 0.3)), message: "m")
        #expect(RuleEngine.stateFirings([lenient], assessments: [assessment(reviews: reviews)], workflows: ["annual-report": workflow],
                                        members: try members(), now: now).isEmpty)
    }

    /// Government review opens with the stage and closes after its window; a state comments once.
    @Test func governmentCommentsComeInTheirWindowOncePerState() throws {
        var roster = try members()
        roster.append(try register("KE", members: roster))
        let workflow = try #require(try Fixtures.workflows()["annual-report"])
        var target = assessment(reviews: [])
        target.drafts = [Draft(version: 1, hash: "h", lines: 10, statementCount: 0, stage: "second-order-draft", submittedAt: "t", submittedBy: "exp-03")]
        let submission = ReviewSubmission(
            file: "g.yaml", assessment: "A-1", draft: 1, reviewer: "gov-ke", recommendation: .minorRevisions, confidence: nil, summary: "",
            comments: [.init(fromLine: 2, toLine: 3, kind: .substantive, text: "More evidence.", location: SourceLocation(file: "g.yaml", line: 6, column: 5))],
            locations: [:])
        let received = try ReviewDecisions.receive(submission, fileHash: "f", assessment: target, workflow: workflow, members: roster, now: now).get()
        guard case .reviewReceived(let review) = received[0].event else { Issue.record("no review"); return }
        #expect(review.review.state == "KE" && review.review.comments.map(\.id) == ["C00001"])
        // 56 days from 2026-05-01: closed on 2026-06-26.
        let late = ReviewDecisions.receive(submission, fileHash: "f", assessment: target, workflow: workflow, members: roster,
                                           now: Timestamp.parse("2026-06-27T00:00:00Z")!)
        #expect(late == .failure(ValidationFailure([Problem(SourceLocation(file: "g.yaml", line: 1, column: 1),
                                                            "government review of A-1 in second-order-draft closed at 2026-06-26T09:00:00.000Z")])))
        target.reviews = [ReviewSummary(id: "A-1:second-order-draft:gov-ke", reviewer: "gov-ke", draft: 1, stage: "second-order-draft",
                                        substantive: 1, answered: 0, state: "KE")]
        guard case .failure(let twice) = ReviewDecisions.receive(submission, fileHash: "g", assessment: target, workflow: workflow, members: roster, now: now) else {
            Issue.record("a second file from Kenya was accepted"); return
        }
        #expect(twice.problems.map(\.message) == ["Kenya has already sent its comments on A-1 in second-order-draft (gov-ke)"])
    }

    @Test func aFocalPointsTodoListsOpenGovernmentReviews() throws {
        var roster = try members()
        roster.append(try register("KE", members: roster))
        let workflows = try Fixtures.workflows()
        var target = assessment(reviews: [])
        target.drafts = [Draft(version: 2, hash: "h", lines: 40, statementCount: 0, stage: "second-order-draft", submittedAt: "t", submittedBy: "exp-03")]
        let items = TodoList.items(for: "gov-ke", assessments: [target], workflows: workflows, members: roster, flags: [], now: now)
        #expect(items.map(\.text) == ["comment for Kenya on A-1 (t): draft 2, 40 lines"])
        #expect(items.first?.due == "2026-06-26T09:00:00.000Z")
        target.reviews = [ReviewSummary(id: "x", reviewer: "gov-ke", draft: 2, stage: "second-order-draft", substantive: 0, answered: 0, state: "KE")]
        #expect(TodoList.items(for: "gov-ke", assessments: [target], workflows: workflows, members: roster, flags: [], now: now).isEmpty)
        // Experts are not asked to comment for a state.
        #expect(!TodoList.items(for: "exp-12", assessments: [assessment(reviews: [])], workflows: workflows, members: roster, flags: [], now: now)
            .contains { $0.kind == .comment })
    }
}
