import Foundation
import Testing
@testable import PanelCore

/// The roster is public: a breakdown of a blinded stage's reviewers by regional group and
/// development status must not let a reader who knows it name a reviewer.
@Suite("Participation figures of a blinded stage single out no reviewer")
struct ParticipationBlindingTests {
    func member(_ id: String, _ nationality: String, _ group: RegionalGroup, roles: [PanelRole] = [.member]) -> Member {
        Member(id: id, name: "Name \(id)", nationality: nationality, group: group, gender: .female, affiliation: "Org \(id)", roles: roles)
    }

    /// An author (Kenya), a chair, and candidates in four groups; only one is Eastern European.
    var roster: [Member] {
        [member("a-1", "KE", .african), member("chair", "GB", .westernEuropeanAndOthers, roles: [.coChair]),
         member("w-1", "DE", .westernEuropeanAndOthers), member("w-2", "FR", .westernEuropeanAndOthers), member("w-3", "US", .westernEuropeanAndOthers),
         member("p-1", "IN", .asiaPacific), member("p-2", "ID", .asiaPacific),
         member("e-1", "LT", .easternEuropean),
         member("l-1", "BR", .latinAmericanAndCaribbean), member("l-2", "MX", .latinAmericanAndCaribbean)]
    }

    func assessment(reviewers: [String], stage: String = "first-order-draft") -> Assessment {
        var assessment = Assessment(id: "A-1", title: "t", kind: .risk, domain: .misinformation, workflow: "annual-report", stage: stage,
                                    stageEnteredAt: "2026-05-01T09:00:00Z", openedAt: "2026-01-01T00:00:00Z",
                                    authors: [AssessmentAuthor(member: "a-1", role: .coordinatingLeadAuthor)], ratings: Ratings())
        assessment.reviews = reviewers.enumerated().map { index, reviewer in
            ReviewSummary(id: "r\(index)", reviewer: reviewer, draft: 1, stage: stage, substantive: 1, answered: 0)
        }
        return assessment
    }

    func comments(by reviewers: [String], stage: String = "first-order-draft") -> [CommentRecord] {
        reviewers.enumerated().map { index, reviewer in
            CommentRecord(id: "c\(index)", review: "r\(index)", reviewer: reviewer, stage: stage, draft: 1, fromLine: 1, toLine: 1,
                          kind: .substantive, text: "text", response: nil, responseText: nil)
        }
    }

    func figures(_ assessment: Assessment, audience: Audience) throws -> StageParticipation {
        let workflow = try #require(try Fixtures.workflows()["annual-report"])
        let names = ReviewerNames(assessment: assessment, workflow: workflow, audience: audience)
        let reviewers = assessment.reviews.map(\.reviewer)
        return try #require(Participation.figures(assessment, comments: comments(by: reviewers), members: roster,
                                                  hiding: names.hidesReviewers(of:)).first)
    }

    @Test func aReviewerAloneInTheirGroupIsNotCountedByGroupForTheAuthors() throws {
        let reviewed = assessment(reviewers: ["w-1", "e-1"])
        let authors = try figures(reviewed, audience: .authors)
        // "Eastern European 1" would name e-1, the only Eastern European who could have reviewed.
        #expect(authors.reviewers.byGroup == nil && authors.comments.byGroup == nil && authors.participants.byGroup == nil)
        #expect(authors.reviewers.byDevelopment == ["developed": 2, "in-transition": 0, "developing": 0])
        #expect(authors.reviewers.total == 2)
        #expect(authors.reviewers.summary == "2 (developing 0, in transition 0, developed 2; 0% from developing countries; by regional group: withheld, it would single out a reviewer of a blinded stage)")
        #expect(!authors.reviewers.summary.contains("Eastern European"))
        // Chairs see who reviewed anyway: the whole breakdown.
        let chairs = try figures(reviewed, audience: .chairs)
        #expect(chairs.reviewers.byGroup?["Eastern European"] == 1 && chairs.reviewers.withheld == nil)
    }

    @Test func aBreakdownThatNamesNobodyIsShownWhole() throws {
        let authors = try figures(assessment(reviewers: ["w-1", "p-1"]), audience: .authors)
        #expect(authors.reviewers.byGroup?["Western European and Others"] == 1 && authors.reviewers.byGroup?["Asia-Pacific"] == 1)
        #expect(authors.reviewers.byDevelopment?["developing"] == 1 && authors.reviewers.withheld == nil)
    }

    @Test func aStageThatDoesNotBlindIsShownWhole() throws {
        // A stage of the annual report that does not blind its reviewers.
        let workflow = try #require(try Fixtures.workflows()["annual-report"])
        let open = try #require(workflow.stages.first { ($0.review?.blinding ?? Blinding.none) == Blinding.none })
        let reviewed = assessment(reviewers: ["w-1", "e-1"], stage: open.id)
        let names = ReviewerNames(assessment: reviewed, workflow: workflow, audience: .authors)
        let stage = try #require(Participation.figures(reviewed, comments: [], members: roster, hiding: names.hidesReviewers(of:)).first)
        #expect(stage.reviewers.byGroup?["Eastern European"] == 1)
    }

    @Test func twoBreakdownsThatEachNameNobodyMayNameSomeoneTogether() throws {
        // Asia-Pacific: India (developing), Japan (developed); WEOG: Türkiye (developing), Germany
        // (developed); Kenya (developing). Reviewers India and Türkiye: by group alone, one of two in
        // each; by development alone, two of three developing; together, the only developing
        // Asia-Pacific candidate is India.
        let x = member("x", "IN", .asiaPacific), y = member("y", "JP", .asiaPacific)
        let z = member("z", "TR", .westernEuropeanAndOthers), u = member("u", "DE", .westernEuropeanAndOthers)
        let w = member("w", "KE", .african)
        let pool = [x, y, z, u, w]
        #expect(Participation.detail(showing: [x, z], pool: pool) == Participation.Detail(groups: false, development: true))
        #expect(!Participation.counts([x, z], could: [y, z, u, w], at: .full))
        #expect(Participation.counts([x, z], could: [y, z, u, w], at: Participation.Detail(groups: true, development: false)))
        // With a second developing Asia-Pacific candidate, nobody is singled out.
        let v = member("v", "ID", .asiaPacific)
        #expect(Participation.detail(showing: [x, z], pool: pool + [v, member("t", "TR", .westernEuropeanAndOthers)]) == .full)
    }

    @Test func theCountsAreFoundEvenWhereAFirstChoiceMustBeUndone() {
        // Asia-Pacific takes Japan's developed place first; WEOG's only candidate is developed, so
        // the search moves Asia-Pacific to India.
        let reviewers = [member("x", "IN", .asiaPacific), member("u", "DE", .westernEuropeanAndOthers)]
        let candidates = [member("y", "JP", .asiaPacific), member("x2", "IN", .asiaPacific), member("u2", "DE", .westernEuropeanAndOthers)]
        #expect(Participation.counts(reviewers, could: candidates, at: .full))
        #expect(!Participation.counts(reviewers, could: Array(candidates.prefix(1)) + [candidates[2]], at: .full))
    }

    @Test func everyoneInACellReviewingIsNotShown() {
        // Both Latin American candidates reviewed: "Latin American and Caribbean 2" names both.
        let (l1, l2) = (member("l-1", "BR", .latinAmericanAndCaribbean), member("l-2", "MX", .latinAmericanAndCaribbean))
        let pool = roster.filter { $0.id.hasPrefix("w-") || $0.id.hasPrefix("p-") } + [l1, l2]
        let detail = Participation.detail(showing: [l1, l2], pool: pool)
        #expect(!detail.groups)
        // Developing: four candidates (two Asia-Pacific, two Latin American), two reviewed.
        #expect(detail.development)
    }

    @Test func theCandidatesAreTheFewestTheRulesAllow() {
        let reviewed = assessment(reviewers: ["w-1"])
        let candidates = Participation.candidates(for: reviewed, members: roster).map(\.id)
        #expect(!candidates.contains("a-1") && !candidates.contains("chair"))
        #expect(candidates.contains("w-1") && candidates.contains("e-1"))
    }
}
