import Foundation
import Testing
@testable import PanelCore

@Suite("Roster files and the resolution's rules")
struct RosterTests {
    func load(_ relative: String) throws -> [Member] {
        let path = Fixtures.path(relative)
        return try RosterFile.parse(String(contentsOfFile: path, encoding: .utf8), file: relative)
    }

    func failed(_ relative: String) throws -> [RosterRuleResult] {
        RosterCheck.evaluate(try load(relative)).filter { !$0.passed }
    }

    @Test func shippedRosterPassesEveryRule() throws {
        let members = try load("panel/members.yaml")
        #expect(members.count == 40)
        let results = RosterCheck.evaluate(members)
        #expect(results.map(\.rule) == ["size", "co-chairs", "vice-chairs", "nationality", "affiliation", "gender", "regional-groups"])
        #expect(results.filter { !$0.passed }.isEmpty)
        #expect(results[5].detail == "female 20, male 19, non-binary 1 (no gender above 60%)")
        #expect(results[6].detail.hasSuffix("African 8, Asia-Pacific 8, Eastern European 8, Latin American and Caribbean 8, Western European and Others 8"))
    }

    @Test func csvRosterEqualsTheYAMLOne() throws {
        let csv = try load("panel/members.csv")
        let yaml = try load("panel/members.yaml")
        #expect(csv == yaml)
    }

    @Test(arguments: [
        ("panel/bad/39-members.yaml", "size", "39 members (the resolution names 40)"),
        ("panel/bad/co-chairs-both-developed.yaml", "co-chairs",
         "2 co-chairs, 2 from a developed and 0 from a developing country (needs 2: one of each): exp-01 SE (developed), exp-06 GB (developed)"),
        ("panel/bad/three-co-chairs.yaml", "co-chairs",
         "3 co-chairs, 1 from a developed and 2 from a developing country (needs 2: one of each): exp-01 KE (developing), exp-06 GB (developed), exp-21 CL (developing)"),
        ("panel/bad/four-vice-chairs.yaml", "vice-chairs", "4 vice-chairs (at most 3)"),
        ("panel/bad/three-same-nationality.yaml", "nationality", "more than 2 members share the same nationality: NG: exp-03, exp-14, exp-29"),
        ("panel/bad/three-same-affiliation.yaml", "affiliation",
         "more than 2 members share the same affiliation: Lagos School of Computing: exp-03, exp-24, exp-29"),
        ("panel/bad/gender-imbalance.yaml", "gender", "female 8, male 32, non-binary 0 (no gender above 60%)"),
        ("panel/bad/missing-regional-group.yaml", "regional-groups",
         "missing Eastern European: African 10, Asia-Pacific 10, Eastern European 0, Latin American and Caribbean 10, Western European and Others 10"),
    ])
    func eachBrokenRuleIsReportedAlone(file: String, rule: String, detail: String) throws {
        let failures = try failed(file)
        #expect(failures == [RosterRuleResult(rule: rule, passed: false, detail: detail)])
    }

    @Test(arguments: [
        ("panel/bad/unknown-key.yaml", ["panel/bad/unknown-key.yaml:44:5: unknown key 'email'"]),
        ("panel/bad/bad-values.yaml", [
            "panel/bad/bad-values.yaml:56:5: nationality 'XX1' must be an ISO 3166-1 alpha-2 code such as KE or BR",
            "panel/bad/bad-values.yaml:124:5: unknown regional group 'Oceania' (one of: African, Asia-Pacific, Eastern European, Latin American and Caribbean, Western European and Others)",
            "panel/bad/bad-values.yaml:184:5: unknown gender 'unknown' (one of: female, male, non-binary)",
            "panel/bad/bad-values.yaml:283:5: unknown role 'chair' (one of: co-chair, vice-chair, member)",
        ]),
        ("panel/bad/duplicate-id.yaml", ["panel/bad/duplicate-id.yaml:105:5: duplicate member id 'exp-12' (first at line 97)"]),
        ("panel/bad/malformed.yaml", ["panel/bad/malformed.yaml:171:10: not valid YAML: did not find expected ',' or ']' (a '[' list not closed with ']' or items not separated by commas)"]),
        ("panel/bad/rows.csv", [
            "panel/bad/rows.csv:9:1: row has 6 fields, the header has 11",
            "panel/bad/rows.csv:18:1: unknown regional group 'Oceania' (one of: African, Asia-Pacific, Eastern European, Latin American and Caribbean, Western European and Others)",
        ]),
    ])
    func malformedFilesGiveEveryProblemWithItsLine(file: String, expected: [String]) {
        do {
            _ = try load(file)
            Issue.record("\(file) was accepted")
        } catch {
            #expect((error as? ValidationFailure)?.problems.map(\.description) == expected)
        }
    }

    @Test func norwayStaysAString() throws {
        let text = "members:\n  - {id: exp-01, name: A, nationality: NO, group: Western European and Others, gender: female, affiliation: X}\n"
        #expect(try RosterFile.parse(text, file: "r.yaml").first?.nationality == "NO")
    }
}

@Suite("Roster decisions")
struct RosterDecisionTests {
    let time = Date(timeIntervalSince1970: 1_790_000_000)

    func member(_ id: String, roles: [PanelRole] = [.member], affiliation: String = "Institute", nationality: String = "KE") -> Member {
        Member(id: id, name: id.uppercased(), nationality: nationality, group: .african, gender: .female,
               affiliation: affiliation, roles: roles)
    }

    @Test func anyoneBootstrapsAnEmptyRoster() throws {
        let events = try RosterDecisions.importRoster([member("exp-01"), member("exp-02")], current: [], actor: "secretariat", time: time).get()
        #expect(events.map(\.type) == [MemberRegistered.type, MemberRegistered.type])
        #expect(events.map(\.subject) == ["exp-01", "exp-02"])
    }

    @Test func reimportUpdatesChangedMembersOnly() throws {
        let current = [member("exp-01", roles: [.coChair]), member("exp-02")]
        let incoming = [member("exp-01", roles: [.coChair]), member("exp-02", affiliation: "Elsewhere"), member("exp-03", nationality: "GH")]
        let events = try RosterDecisions.importRoster(incoming, current: current, actor: "exp-01", time: time).get()
        #expect(events.map(\.type) == [MemberUpdated.type, MemberRegistered.type])
        #expect(events.first.flatMap { $0.payload(as: MemberUpdated.self) }?.changed == ["affiliation"])
    }

    @Test func sameRosterTwiceGivesNoEvents() throws {
        let current = [member("exp-01", roles: [.coChair])]
        #expect(try RosterDecisions.importRoster(current, current: current, actor: "exp-01", time: time).get().isEmpty)
    }

    @Test func onlyChairsChangeAnExistingRoster() {
        let current = [member("exp-01", roles: [.coChair]), member("exp-02"), member("exp-03", roles: [.viceChair])]
        #expect(throws: Never.self) { try RosterDecisions.importRoster([member("exp-04")], current: current, actor: "exp-03", time: time).get() }
        #expect(RosterDecisions.importRoster([member("exp-04")], current: current, actor: "exp-02", time: time)
            == .failure(Refusal("exp-02 is not a co-chair or vice-chair; only they may change the roster")))
        #expect(RosterDecisions.importRoster([member("exp-04")], current: current, actor: "stranger", time: time)
            == .failure(Refusal("'stranger' is not on the roster; only a co-chair or vice-chair may change it (use --as MEMBER)")))
    }

    @Test func theFoldRebuildsTheRoster() throws {
        let events = try RosterDecisions.importRoster([member("exp-01"), member("exp-02")], current: [], actor: "s", time: time).get()
        var previous = EventChain.genesis
        var records: [EventRecord] = []
        for (index, event) in events.enumerated() {
            let record = try EventChain.seal(event, sequence: Int64(index + 1), previousHash: previous)
            previous = record.hash
            records.append(record)
        }
        #expect(try PanelState.replay(records).members.map(\.id) == ["exp-01", "exp-02"])
    }

    @Test func aRosterThatBreaksTheResolutionIsRefusedUnlessAcceptedWithAReason() throws {
        let current = try Fixtures.members()
        var incoming = current
        let kenyans = current.filter { $0.nationality == "KE" }.map(\.id)
        let index = try #require(incoming.firstIndex { $0.nationality != "KE" })
        incoming[index].nationality = "KE"
        guard case .failure(let refusal) = RosterDecisions.importRoster(incoming, current: current, actor: "exp-01", time: time) else {
            Issue.record("a roster with too many members of one nationality was imported")
            return
        }
        #expect(refusal.reasons.first?.hasPrefix("the roster would break the resolution's rule 'nationality'") == true, "\(refusal) \(kenyans)")
        #expect(refusal.reasons.last == "nothing was imported; to import it all the same, give --accept-violations --reason WHY (recorded in the log)")
        let accepted = try RosterDecisions.importRoster(incoming, current: current, actor: "exp-01", time: time,
                                                        acceptingViolations: "interim appointment").get()
        #expect(accepted.map(\.type) == [RosterExceptionAccepted.type, MemberUpdated.type])
        #expect(accepted.first?.payload(as: RosterExceptionAccepted.self)?.reason == "interim appointment")
    }

    @Test func aFortyFirstMemberIsABreachButFewerThanFortyIsAVacancy() throws {
        let forty = try Fixtures.members()
        #expect(throws: Never.self) { try RosterDecisions.importRoster(Array(forty.prefix(39)), current: [], actor: "s", time: self.time).get() }
        let extra = Member(id: "exp-41", name: "Forty One", nationality: "PE", group: .latinAmericanAndCaribbean, gender: .female,
                           affiliation: "Universidad del Pacifico Sur")
        guard case .failure(let refusal) = RosterDecisions.importRoster(forty + [extra], current: forty, actor: "exp-01", time: time) else {
            Issue.record("a 41-member roster was imported")
            return
        }
        #expect(refusal.reasons.first == "the roster would break the resolution's rule 'size': 41 members (the resolution names 40)")
    }

    @Test func twoPeopleCannotShareALogin() throws {
        var one = member("exp-01", roles: [.coChair])
        one.login = "amina"
        var two = member("exp-02", nationality: "GH")
        two.login = "amina"
        #expect(RosterDecisions.importRoster([one, two], current: [], actor: "s", time: time)
            == .failure(Refusal("login 'amina' is given to both exp-01 and exp-02; a login is one person's")))
    }
}
