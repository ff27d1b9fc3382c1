import Foundation
import Testing
@testable import PanelCore

@Suite("Vote quorum")
struct QuorumTests {
    /// The shipped 40 members, two external reviewers, and an assessment in the annual report's approval stage.
    func context(votes: [Vote]) throws -> RequirementContext {
        let workflow = try #require(try Fixtures.workflows()["annual-report"])
        let stage = try #require(workflow.stage("summary-approval"))
        var assessment = Assessment(
            id: "A-2026-001", title: "T", kind: .risk, domain: .misinformation, workflow: "annual-report", stage: "summary-approval",
            stageEnteredAt: "2026-05-01T00:00:00Z", openedAt: "2026-01-01T00:00:00Z", authors: [], ratings: Ratings())
        assessment.votes = votes
        let externals = ["ext-1", "ext-2"].map {
            Member(id: $0, name: $0, nationality: "KE", group: .african, gender: .female, affiliation: "U", external: true)
        }
        return RequirementContext(assessment: assessment, stage: stage, members: try Fixtures.members() + externals, now: Date())
    }

    func approvals(_ count: Int) -> [Vote] {
        (1...count).map { Vote(member: String(format: "exp-%02d", $0), choice: .approve, stage: "summary-approval") }
    }

    @Test func halfOfFortyMembersIsTwentyWithExternalReviewersRegistered() throws {
        let requirement = VotePassed(quorum: 0.5, threshold: .twoThirds)
        let nineteen = requirement.evaluate(try context(votes: approvals(19)))
        #expect(!nineteen.met)
        #expect(nineteen.needed == "at least 20 votes and two-thirds")
        #expect(requirement.evaluate(try context(votes: approvals(20))).met)
    }

    @Test func externalReviewersVotesDoNotCount() throws {
        let requirement = VotePassed(quorum: 0.5, threshold: .twoThirds)
        let votes = approvals(19) + ["ext-1", "ext-2"].map { Vote(member: $0, choice: .approve, stage: "summary-approval") }
        let status = requirement.evaluate(try context(votes: votes))
        #expect(!status.met)
        #expect(status.current == "19 voted: 19 approve, 0 object, 0 abstain")
    }
}
