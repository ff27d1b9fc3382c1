import Foundation
import PanelTestSupport
import PanelXML
import Testing
@testable import PanelCore
@testable import PanelSQLite
import PanelPostgres

/// The early-warning loop on a real store: ingest with rules, flags, digests.
final class WarningWorld: @unchecked Sendable {
    let temporary: TemporaryStore
    let rules: [Rule]
    let workflows: [String: Workflow]
    let members: [Member]
    let clock = FixedClock(Timestamp.parse("2026-04-10T09:00:00Z")!)

    init(kind: StoreKind = .sqlite) throws {
        temporary = try TemporaryStore(kind)
        let repository = Fixtures.root.deletingLastPathComponent()
        rules = try RuleFile.load(["reference-rules.yaml", "state-rules.yaml"].map { repository.appendingPathComponent("workflows/rules/\($0)").path })
        workflows = try Fixtures.workflows()
        members = try Fixtures.members()
        try temporary.store.append(RosterDecisions.importRoster(members, current: [], actor: "s", time: clock.now()).get())
        let config = try WorkspaceConfig.parse(String(contentsOfFile: Fixtures.path("panel.yaml"), encoding: .utf8), file: "panel.yaml")
        let ingester = try ReferenceIngester(store: temporary.store, objects: temporary.objects,
                                             registry: ReferenceAdapterRegistry(generic: config.mappings), clock: clock, actor: "cron",
                                             rules: ReferenceRuleSet(rules))
        _ = ingester.ingest(paths: [Fixtures.path("references")])
        // As `panel refs ingest` does: reference flags right after the ingest.
        try runner().evaluate(referencesOnly: true)
    }

    func runner(store: (any PanelStore)? = nil) -> RuleRunner {
        RuleRunner(store: store ?? temporary.store, rules: rules, workflows: workflows, clock: clock, actor: "cron")
    }
}

@Suite("Flags and digests on the store")
struct DigestTests {
    @Test(arguments: StoreKind.available) func fixtureScenarioRaisesAcknowledgesSilencesAndResolves(kind: StoreKind) throws {
        let world = try WarningWorld(kind: kind)
        let store = world.temporary.store
        #expect(try world.runner().evaluate() == RuleRunner.Outcome(), "evaluating again changes nothing")
        var flags = try store.flags()
        // The JATS election article duplicates the Crossref record (same DOI), so the JATS-only rule has nothing new to see.
        #expect(Set(flags.values.map(\.rule)) == ["autonomous-replication", "bio-chem-uplift", "critical-infrastructure-incident",
                                                  "election-disinformation", "labour-displacement"])
        #expect(flags.count == 8)
        let replication = try #require(flags.values.first { $0.rule == "autonomous-replication" })
        try store.append(FlagDecisions.acknowledge(replication.id, note: "asked the authors for logs", flags: flags, members: world.members,
                                                   actor: "exp-01", now: world.clock.now()).get())
        try store.append(FlagDecisions.silence(flag: nil, rule: "labour-displacement", labels: [:],
                                               until: world.clock.now().addingTimeInterval(7 * 86_400), reason: "assessment under way",
                                               existing: [], flags: flags, rules: world.rules, members: world.members,
                                               actor: "exp-01", now: world.clock.now()).get())
        let uplift = try #require(flags.values.first { $0.rule == "bio-chem-uplift" })
        try store.append(FlagDecisions.resolve(uplift.id, note: "covered by A-2026-003", flags: flags, members: world.members,
                                               actor: "exp-06", now: world.clock.now()).get())
        flags = try store.flags()
        #expect(flags[replication.id]?.state == .acknowledged)
        #expect(flags[uplift.id]?.state == .resolved)

        let digest = try world.runner().digest(since: nil, dryRun: false)
        #expect(digest.id == "D-0001")
        #expect(!digest.flags.contains { $0.rule == "labour-displacement" }, "silenced flags are withheld")
        #expect(digest.flags.contains { $0.id == replication.id && $0.state == .acknowledged })
        #expect(digest.resolved.map(\.id) == [uplift.id])
        let again = try world.runner().digest(since: nil, dryRun: false)
        #expect(again.isEmpty)
        #expect(try store.digests(limit: 10).map(\.id) == ["D-0001"])
        // Its JSON says it was not issued: no id, and why there is nothing.
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(again)) as? [String: Any])
        #expect(json["id"] is NSNull, "\(json)")
        #expect(json["note"] as? String == "Nothing new since the last digest, D-0001")
        #expect(try JSONDecoder().decode(Digest.self, from: JSONEncoder().encode(again)) == again)
        #expect(try store.verifyChain().firstBreak == nil)
    }

    @Test(arguments: StoreKind.available) func dryRunRecordsNothing(kind: StoreKind) throws {
        let world = try WarningWorld(kind: kind)
        let events = try world.temporary.store.events(after: 0, limit: nil).count
        let preview = try world.runner().digest(since: nil, dryRun: true)
        #expect(!preview.isEmpty)
        #expect(try world.temporary.store.events(after: 0, limit: nil).count == events)
        let real = try world.runner().digest(since: nil, dryRun: false)
        #expect(real.keys == preview.keys)
    }

    @Test(arguments: StoreKind.available) func concurrentDigestsNeverIssueTwice(kind: StoreKind) throws {
        let world = try WarningWorld(kind: kind)
        let temporary = world.temporary
        let results = Locked<[Digest]>([])
        let (rules, workflows, clock) = (world.rules, world.workflows, world.clock)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            guard let store = try? temporary.reopen(),
                  let digest = try? RuleRunner(store: store, rules: rules, workflows: workflows, clock: clock, actor: "cron")
                      .digest(since: nil, dryRun: false) else { return }
            results.mutate { $0.append(digest) }
        }
        let digests = results.value
        #expect(digests.count == 4)
        #expect(digests.filter { !$0.isEmpty }.count == 1)
        let issued = digests.flatMap(\.keys)
        #expect(issued.count == Set(issued).count)
        #expect(try world.temporary.store.digests(limit: 10).count == 1)
    }

    @Test(arguments: StoreKind.available) func allFourFormats(kind: StoreKind) throws {
        let world = try WarningWorld(kind: kind)
        let digest = try world.runner().digest(since: nil, dryRun: true)
        let context = DigestContext(workspace: "Test panel")
        let atom = DigestRenderer.atom(digest, context: context)
        let feed = try PanelXMLParser().document(bytes: Array(atom.utf8), source: "digest.atom")
        #expect(feed.root?.localName == "feed")
        #expect(feed.root?.namespaceURI == "http://www.w3.org/2005/Atom")
        let namespace = ["a": "http://www.w3.org/2005/Atom"]
        #expect(try feed.evaluate(XPathExpression("count(/a:feed/a:entry)", namespaces: namespace)).stringValue == String(digest.flags.count))
        #expect(feed.strings(try XPathExpression("/a:feed/a:entry/a:id", namespaces: namespace)).allSatisfy { $0.hasPrefix("urn:panel:test-panel:flag:F-") })
        #expect(DigestRenderer.atom(digest, context: context) == atom, "stable ids and content")
        let html = DigestRenderer.html(digest, context: context)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<style>"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"))
        let decoded = try JSONDecoder().decode(Digest.self, from: JSONEncoder().encode(digest))
        #expect(decoded == digest)
        #expect(DigestRenderer.markdown(digest, context: context).hasPrefix("# Early-warning digest D-0001"))
    }

    /// RFC 4287, checked on the parsed feed: the feed's id, title, updated, author and self link;
    /// each entry's id (unique), title, updated (RFC 3339), content; and across runs the same feed
    /// id with earlier entries kept.
    @Test(arguments: StoreKind.available) func theAtomFeedIsASubscription(kind: StoreKind) throws {
        let world = try WarningWorld(kind: kind)
        let runner = world.runner()
        let first = try runner.digest(since: nil, dryRun: false)
        var references: [String: Reference] = [:]
        for flag in first.flags where flag.subject.hasPrefix("ref-") { references[flag.subject] = try world.temporary.store.reference(matching: flag.subject) }
        let context = DigestContext(workspace: "Test panel", timezone: "Africa/Nairobi", siteURL: "https://panel.example.org", references: references)
        let one = DigestRenderer.atom(first, context: context)
        let namespace = ["a": "http://www.w3.org/2005/Atom"]
        func check(_ text: String) throws -> (feedID: String, entries: [String]) {
            let feed = try PanelXMLParser().document(bytes: Array(text.utf8), source: "feed.atom")
            func count(_ path: String) throws -> Int { Int(try feed.evaluate(XPathExpression("count(\(path))", namespaces: namespace)).stringValue) ?? -1 }
            #expect(try count("/a:feed/a:id") == 1 && count("/a:feed/a:title") == 1 && count("/a:feed/a:updated") == 1)
            #expect(try count("/a:feed/a:author/a:name") == 1)
            #expect(try count("/a:feed/a:link[@rel='self' and @href='https://panel.example.org/feed.atom']") == 1)
            let entries = try count("/a:feed/a:entry")
            #expect(try count("/a:feed/a:entry[count(a:id) = 1 and count(a:title) = 1 and count(a:updated) = 1 and a:content[@type='html']]") == entries)
            #expect(try count("/a:feed/a:entry[a:link[@rel='alternate']]") == entries, "every entry links to where it is read")
            let ids = feed.strings(try XPathExpression("/a:feed/a:entry/a:id", namespaces: namespace))
            #expect(Set(ids).count == ids.count)
            let stamps = feed.strings(try XPathExpression("//a:updated", namespaces: namespace))
            #expect(stamps.allSatisfy { Timestamp.parse($0) != nil && ($0.hasSuffix("Z") || $0.contains("+")) })
            return (feed.string(try XPathExpression("string(/a:feed/a:id)", namespaces: namespace)) ?? "", ids)
        }
        let (feedID, firstIDs) = try check(one)
        #expect(feedID == "urn:panel:test-panel:feed")
        #expect(one.contains("https://doi.org/"), "reference flags link to their DOI")
        // A second run with something new: the new entry first, the earlier ones kept, the same feed id.
        let world2Flags = try world.temporary.store.flags()
        let labour = try #require(world2Flags.values.first { $0.rule == "labour-displacement" })
        try world.temporary.store.append(FlagDecisions.resolve(labour.id, note: "covered", flags: world2Flags, members: world.members,
                                                               actor: "exp-01", now: world.clock.now()).get())
        let second = try runner.digest(since: nil, dryRun: false)
        #expect(second.resolved.map(\.id) == [labour.id])
        let previous = try DigestRenderer.previousEntries(Array(one.utf8), source: "feed.atom")
        #expect(throws: XMLParseError.self) { try DigestRenderer.previousEntries(Array("<html/>".utf8), source: "feed.atom") }
        let two = DigestRenderer.atom(second, context: context, previous: previous)
        let (sameID, secondIDs) = try check(two)
        #expect(sameID == feedID)
        #expect(secondIDs.count == firstIDs.count + 1 && Array(secondIDs.dropFirst()) == firstIDs)
        #expect(DigestRenderer.atom(second, context: context, previous: previous, keep: 3).components(separatedBy: "<entry>").count == 4)
        // The feed validator from PyPI or Debian is not installed on these machines; the checks above are RFC 4287's.
    }

    /// Titles from ingested documents are data, not markup, in every rendering.
    @Test func hostileTitlesAreEscapedEverywhere() throws {
        let hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(2)) **bold** & <script>x</script>"
        let flag = Flag(id: "F-1", rule: "r", fingerprint: "ref-1", title: hostile, severity: .critical, message: "Found: \(hostile)",
                        labels: [:], subject: "ref-1", state: .open, version: 1, raisedAt: "2026-04-10T09:00:00Z", changedAt: "2026-04-10T09:00:00Z")
        let digest = Digest(id: "D-0001", issuedAt: "2026-04-10T09:00:00Z", flags: [flag], resolved: [], reminders: [], keys: ["flag:F-1:v1"], head: nil)
        let context = DigestContext(workspace: "Panel")
        let markdown = DigestRenderer.markdown(digest, context: context)
        #expect(!markdown.contains("<img") && !markdown.contains("<script") && markdown.contains("\\[click\\](javascript"), "\(markdown)")
        #expect(markdown.contains("&lt;img src=x onerror=alert(1)&gt;"))
        let html = DigestRenderer.html(digest, context: context)
        #expect(!html.contains("<img") && !html.contains("<script>x"))
        let atom = DigestRenderer.atom(digest, context: context)
        #expect(!atom.contains("<img") && atom.contains("&amp;lt;img"), "escaped HTML inside escaped XML")
        #expect(markdown.contains("panel flags ack F-1 --note"), "each flag says how to act on it")
    }

    @Test func timesAreShownInTheWorkspacesZone() {
        #expect(DisplayTime("Africa/Nairobi").format("2026-04-10T09:00:00.000Z").hasPrefix("2026-04-10 12:00 "))
        #expect(DisplayTime("Europe/Zurich").format("2026-07-10T09:00:00.000Z").hasPrefix("2026-07-10 11:00 "), "summer time")
        #expect(DisplayTime("UTC").format("2026-04-10T09:00:00.000Z") == "2026-04-10 09:00 UTC" || DisplayTime("UTC").format("2026-04-10T09:00:00.000Z") == "2026-04-10 09:00 GMT")
    }

    @Test(arguments: StoreKind.available) func remindersForOverdueReviewsAndDeadlines(kind: StoreKind) throws {
        var assessment = Assessment(id: "A-2026-001", title: "t", kind: .risk, domain: .misinformation, workflow: "rapid-assessment",
                                    stage: "expert-review", stageEnteredAt: "2026-03-25T09:00:00.000Z", openedAt: "", authors: [], ratings: Ratings())
        assessment.assignments = [ReviewAssignment(reviewer: "exp-12", stage: "expert-review", deadline: "2026-04-04T09:00:00.000Z")]
        let world = try WarningWorld(kind: kind)
        let reminders = DigestComposer.reminders([assessment], workflows: world.workflows, now: world.clock.now())
        #expect(reminders.map(\.text) == [
            "review of A-2026-001 by exp-12 is 6 days overdue (due 2026-04-04T09:00:00.000Z)",
            "deadline of A-2026-001 expert-review in 5 days (2026-04-15T09:00:00.000Z)",
        ])
    }
}

@Suite("Rule evaluation on a large store")
struct LargeEvaluationTests {
    func rule(_ id: String, window: Int? = nil, groupBy: Aggregation.GroupBy? = nil) -> Rule {
        Rule(id: id, title: id, severity: .warning, watch: .reference(ReferenceCondition(text: ["x"])),
             aggregation: window.map { Aggregation(windowDays: $0, threshold: 2, groupBy: groupBy) }, message: "{{count}} {{group}} {{reference}}")
    }

    @Test(arguments: StoreKind.available) func perDocumentMatchesAreFlaggedPageByPageOnce(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let now = Timestamp.parse("2026-04-10T00:00:00Z")!
        try temporary.store.writeBatch { batch in
            try batch.file { session in
                for index in 0..<4_500 {
                    try session.recordMatch(RuleMatch(rule: "doc", reference: "ref-\(index)", title: "t", keywords: [], country: nil,
                                                      format: .jats, at: "2026-04-01T00:00:00.000Z"))
                }
            }
        }
        let runner = RuleRunner(store: temporary.store, rules: [rule("doc")], workflows: [:], clock: FixedClock(now), actor: "cron")
        #expect(try runner.evaluate(referencesOnly: true).raised == 4_500)
        #expect(try runner.evaluate(referencesOnly: true) == RuleRunner.Outcome())
        #expect(try temporary.store.flags().count == 4_500)
    }

    @Test(arguments: StoreKind.available, [nil, Aggregation.GroupBy.keyword, .country, .format])
    func storeWindowsCountAsTheEngineDoes(kind: StoreKind, groupBy: Aggregation.GroupBy?) throws {
        let temporary = try TemporaryStore(kind)
        let now = Timestamp.parse("2026-04-10T00:00:00Z")!
        let matches = [
            RuleMatch(rule: "w", reference: "r1", title: "", keywords: ["ai", "elections"], country: "KE", format: .jats, at: "2026-04-01T00:00:00.000Z"),
            RuleMatch(rule: "w", reference: "r2", title: "", keywords: ["elections"], country: "KE", format: .atom, at: "2026-03-20T00:00:00.000Z"),
            RuleMatch(rule: "w", reference: "r3", title: "", keywords: ["ai"], country: nil, format: .jats, at: "2025-01-01T00:00:00.000Z"),
            RuleMatch(rule: "w", reference: "r4", title: "", keywords: [], country: "BR", format: .jats, at: "2026-04-09T00:00:00.000Z"),
        ]
        try temporary.store.writeBatch { batch in
            try batch.file { session in for match in matches { try session.recordMatch(match) } }
        }
        let aggregation = Aggregation(windowDays: 30, threshold: 2, groupBy: groupBy)
        let fromStore = try temporary.store.windowCounts(rule: "w", from: now.addingTimeInterval(-30 * 86_400),
                                                         to: now, groupBy: groupBy)
        #expect(fromStore == RuleEngine.windowCounts(matches, aggregation: aggregation, now: now))
    }
}

@Suite("Flag identity and repeats")
struct FlagRepeatTests {
    /// A stage stalled for ten days running: its flag's message counts the days, but it is
    /// issued once, and again only when `repeat-after: 7d` says so, never daily.
    @Test(arguments: StoreKind.available) func aStalledStageIsIssuedOnceThenAfterItsRepeat(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let members = try Fixtures.members()
        let workflows = try Fixtures.workflows()
        let start = Timestamp.parse("2026-01-05T07:00:00Z")!
        try temporary.store.append(RosterDecisions.importRoster(members, current: [], actor: "s", time: start).get())
        let open = OpenAssessment(title: "Stalled chapter", kind: .risk, domain: .misinformation, workflow: "annual-report",
                                  authors: [AssessmentAuthor(member: "exp-03", role: .coordinatingLeadAuthor)], ratings: Ratings())
        try temporary.store.append(AssessmentDecisions.open(open, existing: [], workflows: workflows, members: members, actor: "exp-01", now: start).get())
        let repository = Fixtures.root.deletingLastPathComponent()
        let rules = try RuleFile.load([repository.appendingPathComponent("workflows/rules/state-rules.yaml").path]).filter { $0.id == "stage-stalled" }
        #expect(rules.first?.repeatAfterDays == 7)
        var issuedOn: [Int] = []
        var messages: [String] = []
        for day in 91...100 {
            // Twice a day, as a cron at 07:00 and 09:00 would.
            for hour in [0.0, 2.0] {
                let clock = FixedClock(start.addingTimeInterval(Double(day) * 86_400 + hour * 3_600))
                let runner = RuleRunner(store: temporary.store, rules: rules, workflows: workflows, clock: clock, actor: "cron")
                try runner.evaluate()
                let digest = try runner.digest(since: nil, dryRun: false)
                if let flag = digest.flags.first(where: { $0.rule == "stage-stalled" }) {
                    issuedOn.append(day)
                    messages.append(flag.message)
                }
            }
        }
        #expect(issuedOn == [91, 98])
        #expect(messages == ["A-2026-001 has been in scoping for 91 days", "A-2026-001 has been in scoping for 98 days"])
        // The stored flag follows the count in place, at version 1.
        let flag = try #require(try temporary.store.flags().values.first { $0.rule == "stage-stalled" })
        #expect(flag.version == 1 && flag.message == "A-2026-001 has been in scoping for 100 days")
    }

    /// Flags about an approved or withdrawn assessment are inhibited unless the rule says otherwise.
    @Test func flagsAboutAFinishedAssessmentAreInhibited() throws {
        let workflows = try Fixtures.workflows()
        var approved = Assessment(id: "A-1", title: "t", kind: .risk, domain: .misinformation, workflow: "annual-report", stage: "approved",
                                  stageEnteredAt: "2026-01-01T00:00:00Z", openedAt: "2026-01-01T00:00:00Z", authors: [], ratings: Ratings())
        let flag = Flag(id: "F-1", rule: "stage-stalled", fingerprint: "A-1:x", title: "t", severity: .info, message: "m", labels: [:],
                        subject: "A-1", state: .open, version: 1, raisedAt: "2026-01-01T00:00:00Z", changedAt: "2026-01-01T00:00:00Z")
        var approval = flag
        approval.id = "F-2"
        approval.rule = "high-severity-approved"
        var rule = Rule(id: "high-severity-approved", title: "t", severity: .warning, watch: .assessment(AssessmentCondition()), message: "m")
        rule.inhibit = false
        let now = Timestamp.parse("2026-02-01T00:00:00Z")!
        let shown = DigestComposer.candidates(flags: ["F-1": flag, "F-2": approval], silences: [], assessments: [approved], workflows: workflows,
                                              now: now, rules: ["high-severity-approved": rule])
        #expect(shown.flags.map(\.id) == ["F-2"])
        approved.stage = "scoping"
        #expect(DigestComposer.candidates(flags: ["F-1": flag], silences: [], assessments: [approved], workflows: workflows, now: now).flags.count == 1)
    }

    /// A silence withholds its flags until it ends: by its time, or ended early by a member.
    @Test(arguments: StoreKind.available) func aSilenceEndedEarlyLetsItsFlagsOut(kind: StoreKind) throws {
        let world = try WarningWorld(kind: kind)
        let store = world.temporary.store
        let flags = try store.flags()
        let labour = try #require(flags.values.first { $0.rule == "labour-displacement" })
        _ = try world.runner().digest(since: nil, dryRun: false)
        try store.append(FlagDecisions.silence(flag: nil, rule: "labour-displacement", labels: [:], until: world.clock.now().addingTimeInterval(30 * 86_400),
                                               reason: "assessment under way", existing: [], flags: flags, rules: world.rules,
                                               members: world.members, actor: "exp-01", now: world.clock.now()).get())
        let silences = try store.silences()
        #expect(Silence.covering(labour, among: silences, at: world.clock.now())?.id == "S-1")
        #expect(FlagDecisions.unsilence("S-1", reason: "", silences: silences, members: world.members, actor: "exp-01", now: world.clock.now())
            == .failure(Refusal("ending a silence needs a --reason")))
        #expect(FlagDecisions.unsilence("S-9", reason: "x", silences: silences, members: world.members, actor: "exp-01", now: world.clock.now())
            == .failure(Refusal("no silence 'S-9' (see: panel flags silences)")))
        let later = world.clock.now().addingTimeInterval(3_600)
        try store.append(FlagDecisions.unsilence("S-1", reason: "the assessment was withdrawn", silences: silences, members: world.members,
                                                 actor: "exp-02", now: later).get())
        let ended = try #require(try store.silences().first)
        #expect(!ended.isActive(at: later.addingTimeInterval(1)) && ended.ended == "exp-02: the assessment was withdrawn")
        #expect(Silence.covering(labour, among: try store.silences(), at: later.addingTimeInterval(1)) == nil)
        #expect(try store.verifyState().isEmpty)
    }
}
