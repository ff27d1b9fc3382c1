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

@Suite("Redactor")
struct RedactorTests {
    let redactor = Redactor(terms: ["exp-12", "Haruka Sato", "Kansai Institute for Advanced Informatics", "SHA256:abc+/def"])

    @Test func wholeWordsOnlyAndLongestFirst() {
        #expect(redactor.apply("exp-12 and exp-120 and xexp-12") == "[reviewer] and exp-120 and xexp-12")
        #expect(redactor.apply("processed/exp-12-replication.yaml") == "processed/[reviewer]-replication.yaml")
        #expect(redactor.apply("by HARUKA SATO of Kansai Institute for Advanced Informatics.") == "by [reviewer] of [reviewer].")
        #expect(redactor.apply("{\"reviewer\":\"exp-12\",\"key\":\"SHA256:abc+/def\"}") == "{\"reviewer\":\"[reviewer]\",\"key\":\"[reviewer]\"}")
        #expect(redactor.apply("Haruka Satomi") == "Haruka Satomi")
        #expect(redactor.apply("Katarzyna Wójcik, exp-12") == "Katarzyna Wójcik, [reviewer]")
    }

    @Test func nothingHiddenChangesNothing() {
        #expect(Redactor(terms: []).apply("exp-12") == "exp-12")
        #expect(Redactor(terms: []).isEmpty)
    }
}
