import Foundation
import Testing
@testable import PanelCore

@Suite("Ids are one namespace")
struct IdentifierTests {
    let time = Date(timeIntervalSince1970: 1_790_000_000)

    func external(_ id: String) -> Member {
        Member(id: id, name: "Ines Okafor", nationality: "NG", group: .african, gender: .female, affiliation: "Delta Lab", external: true)
    }

    @Test(arguments: ["system", "System", "secretariat", "system:alice"])
    func reservedNamesCannotBeRegisteredAsReviewers(id: String) throws {
        let members = try Fixtures.members()
        let result = ReviewDecisions.registerReviewer(external(id), members: members, actor: "exp-01", now: time)
        #expect(result == .failure(Refusal(
            "'\(id)' is reserved for the log's own use (anonymous, cron, nobody, panel, root, secretariat, system); choose another id")))
    }

    @Test func aReviewerCannotTakeAMembersId() throws {
        let members = try Fixtures.members()
        #expect(ReviewDecisions.registerReviewer(external("exp-05"), members: members, actor: "exp-01", now: time)
            == .failure(Refusal("'exp-05' is already registered (a member of the panel)")))
    }

    @Test func aRosterCannotOverwriteAnExternalReviewer() throws {
        let members = try Fixtures.members()
        var incoming = members
        incoming[4].id = "ext-001"
        let current = members + [external("ext-001")]
        #expect(RosterDecisions.importRoster(incoming, current: current, actor: "exp-01", time: time)
            == .failure(Refusal("'ext-001' is already an external reviewer's id; a member needs an id of their own")))
    }

    @Test func aRosterCannotRegisterAReservedName() throws {
        var incoming = try Fixtures.members()
        incoming[0].id = "system"
        let result = RosterDecisions.importRoster(incoming, current: [], actor: "secretariat", time: time)
        guard case .failure(let refusal) = result else { Issue.record("imported a member named 'system'"); return }
        #expect(refusal.reasons.first?.hasPrefix("'system' is reserved") == true)
    }
}
