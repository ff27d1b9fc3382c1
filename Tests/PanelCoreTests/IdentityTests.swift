import Testing
@testable import PanelCore

@Suite("Identity")
struct IdentityTests {
    var members: [Member] {
        get throws {
            var roster = try Fixtures.members()
            roster[2].login = "chukwuemeka"  // exp-03
            return roster
        }
    }

    @Test func underOSUserYouAreTheMemberWhoseLoginYouRunAs() throws {
        let identity = try IdentityResolver.resolve(policy: .osUser, secretariat: ["amina"], login: "chukwuemeka", requested: nil,
                                                    members: try members).get()
        #expect(identity.actor == "exp-03")
        #expect(identity.recordedBy == nil)
        #expect(!identity.isSecretariat)
        // Naming yourself is fine.
        #expect(try IdentityResolver.resolve(policy: .osUser, secretariat: [], login: "chukwuemeka", requested: "exp-03",
                                             members: try members).get().actor == "exp-03")
    }

    @Test func underOSUserAFlagDoesNotMakeYouAChair() throws {
        let result = IdentityResolver.resolve(policy: .osUser, secretariat: ["amina"], login: "chukwuemeka", requested: "exp-01",
                                              members: try members)
        #expect(result == .failure(Refusal(
            "you are OS user 'chukwuemeka' (exp-03 on the roster); only the secretariat's logins (amina) may act --as another member, so '--as exp-01' is refused")))
    }

    @Test func theSecretariatActsOnAMembersBehalfAndIsRecorded() throws {
        let identity = try IdentityResolver.resolve(policy: .osUser, secretariat: ["amina"], login: "amina", requested: "exp-01",
                                                    members: try members).get()
        #expect(identity == ActingIdentity(actor: "exp-01", recordedBy: "amina", policy: .osUser, login: "amina", isSecretariat: true))
        let itself = try IdentityResolver.resolve(policy: .osUser, secretariat: ["amina"], login: "amina", requested: nil,
                                                  members: try members).get()
        #expect(itself.actor == "secretariat:amina")
    }

    @Test func declaredIdentityIsBelievedAndMarkedSo() throws {
        let identity = try IdentityResolver.resolve(policy: .declared, secretariat: [], login: "anyone", requested: "exp-01",
                                                    members: []).get()
        #expect(identity.actor == "exp-01")
        #expect(identity.recordedBy == ActingIdentity.declaredMarker)
    }
}
