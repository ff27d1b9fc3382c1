import Foundation
import PanelXML
import Testing
@testable import PanelCore

@Suite("Early-warning rules")
struct RuleTests {
    static let repository = Fixtures.root.deletingLastPathComponent()
    let now = Timestamp.parse("2026-04-10T00:00:00Z")!

    func problems(_ relative: String) -> [String] {
        do {
            _ = try RuleFile.load([Self.repository.appendingPathComponent(relative).path])
            return []
        } catch {
            return error.problems.map { $0.description.replacingOccurrences(of: Self.repository.path + "/", with: "") }
        }
    }

    @Test func shippedRulesValidateAndPassTheirTests() throws {
        let rules = try RuleFile.load(["reference-rules.yaml", "state-rules.yaml"].map {
            Self.repository.appendingPathComponent("workflows/rules/\($0)").path
        })
        #expect(rules.count == 15)
        for (test, checked) in [("reference-rules.test.yaml", 7), ("state-rules.test.yaml", 8)] {
            let result = try RuleTestFile.run(Self.repository.appendingPathComponent("workflows/rules/tests/\(test)").path)
            #expect(result.failures == [], "\(test)")
            #expect(result.checked == checked)
        }
    }

    /// An overdue review's flag is fingerprinted by the assignment's place, never by the reviewer:
    /// the flag's id is a hash of the fingerprint, which an author who sees the id could otherwise
    /// test every member's id against to find who reviews a blinded assessment.
    @Test func anOverdueReviewsFlagIdDoesNotHideTheReviewer() throws {
        var assessment = Assessment(id: "A-2026-001", title: "t", kind: .risk, domain: .misinformation, workflow: "rapid-assessment",
                                    stage: "expert-review", stageEnteredAt: "2026-03-25T09:00:00.000Z", openedAt: "", authors: [], ratings: Ratings())
        assessment.assignments = ["exp-12", "exp-19"].map {
            ReviewAssignment(reviewer: $0, stage: "expert-review", deadline: "2026-04-04T09:00:00.000Z")
        }
        let rule = Rule(id: "review-overdue", title: "Review overdue", severity: .warning, watch: .process(.reviewOverdue(days: 3)),
                        message: "review of {{assessment}} by {{reviewer}}")
        let firings = RuleEngine.stateFirings([rule], assessments: [assessment], workflows: try Fixtures.workflows(), members: [], now: now)
        #expect(firings.map(\.fingerprint) == ["A-2026-001:expert-review:assignment-1", "A-2026-001:expert-review:assignment-2"])
        #expect(firings.map(\.message) == ["review of A-2026-001 by exp-12", "review of A-2026-001 by exp-19"])
        let guessable = Set((1...40).map { Flag.id(rule: rule.id, fingerprint: "A-2026-001:expert-review:exp-\(String(format: "%02d", $0))") })
        #expect(firings.allSatisfy { !guessable.contains($0.flagID) })
    }

    /// Every shipped reference rule has a negative case: a document that mentions what it
    /// watches for without being the warning, which the rule must not match.
    @Test func everyShippedReferenceRuleHasANegativeCase() throws {
        let path = Self.repository.appendingPathComponent("workflows/rules/tests/reference-rules.test.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let rules = try RuleFile.load([Self.repository.appendingPathComponent("workflows/rules/reference-rules.yaml").path])
        for rule in rules where rule.watch.name == "reference" {
            #expect(text.contains("must-not-match: [\(rule.id)]"), "\(rule.id) has no negative case")
        }
        #expect(try RuleTestFile.run(path).negatives == 9)
    }

    @Test func invalidXPathIsALoadTimeErrorWithItsLocation() {
        #expect(problems("fixtures/rules/bad/invalid-xpath.yaml") == [
            "fixtures/rules/bad/invalid-xpath.yaml:7:14: invalid XPath '//article[contains(., 'x')': invalid predicate at character 27",
            "fixtures/rules/bad/invalid-xpath.yaml:14:14: invalid XPath '//jats:article': undefined namespace prefix",
        ])
    }

    @Test func everyProblemOfARuleFileIsReported() {
        #expect(problems("fixtures/rules/bad/bad-fields.yaml") == [
            "fixtures/rules/bad/bad-fields.yaml:2:9: rule id 'Bad_Id' must be lower-case letters, digits and dashes",
            "fixtures/rules/bad/bad-fields.yaml:4:15: 'severity' must be one of info, warning, critical, not 'urgent'",
            "fixtures/rules/bad/bad-fields.yaml:5:13: 'status' must be one of experimental, stable, deprecated, not 'beta'",
            "fixtures/rules/bad/bad-fields.yaml:8:16: unknown format 'docx' (one of: jats, akn, pubmed, crossref, atom, rss, generic)",
            "fixtures/rules/bad/bad-fields.yaml:9:13: 'window' must be a number of days or weeks such as 30d or 4w, not '30 days'",
            "fixtures/rules/bad/bad-fields.yaml:11:14: unknown placeholder {{period}} (known: assessment, confidence, count, days, group, likelihood, reference, reviewer, severity, share, stage, statement, text, threshold, title, window)",
            "fixtures/rules/bad/bad-fields.yaml:12:5: unknown key 'owner'",
            "fixtures/rules/bad/bad-fields.yaml:18:7: 'when' of a process rule needs exactly one of review-overdue-days, stage-stalled-days, deadline-within-days, reviewer-pool-short: true, participation-below: {developing-share: F}",
            "fixtures/rules/bad/bad-fields.yaml:26:28: 'likelihood-at-least' must be one of exceptionally-unlikely, extremely-unlikely, very-unlikely, unlikely, about-as-likely-as-not, more-likely-than-not, likely, very-likely, extremely-likely, virtually-certain, not 'probable'",
            "fixtures/rules/bad/bad-fields.yaml:27:13: 'window', 'threshold' and 'group-by' apply to reference rules only",
        ])
    }

    func reference(_ id: String, _ xpath: String? = nil, text: [String] = [], window: Int? = nil, threshold: Int = 2,
                   groupBy: Aggregation.GroupBy? = nil) -> Rule {
        Rule(id: id, title: id, severity: .warning, watch: .reference(ReferenceCondition(xpath: xpath, text: text)),
             aggregation: window.map { Aggregation(windowDays: $0, threshold: threshold, groupBy: groupBy) },
             message: "{{count}} {{group}} {{reference}}")
    }

    @Test func referenceRulesMatchOnTheParsedDocumentOnce() throws {
        let rules = try ReferenceRuleSet([
            reference("kw", "boolean(/article/front/article-meta/kwd-group/kwd[. = 'elections'])"),
            reference("phrase", text: ["Cloned Voice"]),
            reference("both", "count(//p) > 1", text: ["nothing like this"]),
        ])
        let document = try PanelXMLParser().document(bytes: Array("""
            <article><front><article-meta><kwd-group><kwd>elections</kwd></kwd-group></article-meta></front>
            <body><p>A cloned voice.</p><p>Second.</p></body></article>
            """.utf8), source: "a.xml")
        var metadata = ReferenceMetadata()
        metadata.body = "A cloned voice. Second."
        #expect(rules.matches(document, metadata: metadata, format: .jats).map(\.id) == ["kw", "phrase"])
    }

    @Test func metadataFilters() throws {
        let rules = try ReferenceRuleSet([
            Rule(id: "recent-kenya", title: "t", severity: .info,
                 watch: .reference(ReferenceCondition(formats: [.pubmed], keywords: ["Privacy"], countries: ["ke"], publishedAfter: "2025-06")),
                 message: "m"),
        ])
        let document = try PanelXMLParser().document(bytes: Array("<x/>".utf8), source: "x")
        var metadata = ReferenceMetadata()
        metadata.keywords = ["privacy", "health"]
        metadata.country = "KE"
        metadata.published = "2025-07-01"
        #expect(rules.matches(document, metadata: metadata, format: .pubmed).count == 1)
        #expect(rules.matches(document, metadata: metadata, format: .jats).isEmpty)
        metadata.published = "2025-05-30"
        #expect(rules.matches(document, metadata: metadata, format: .pubmed).isEmpty)
        metadata.published = nil
        #expect(rules.matches(document, metadata: metadata, format: .pubmed).isEmpty)
        metadata.published = "2025"
        #expect(rules.matches(document, metadata: metadata, format: .pubmed).isEmpty, "a year alone is before June of it")
    }

    @Test func phraseMatcherFindsEveryPhraseInOnePass() {
        let phrases = ["ushe", "she", "his", "hers", "voice clon", "self-replicat", "z", "ai", "replicat"].map { Array($0.utf8) }
        let matcher = PhraseMatcher(phrases)
        var found = [Bool](repeating: false, count: phrases.count)
        matcher.scan("USHERS said she aims at a Cloned Voice CLONING and Self-Replication (AI)", into: &found)
        // From a word's start: "ushe" in USHERS, not "hers" inside it or "replicat" inside
        // "Self-Replication"'s second word... which starts after '-', so it does match.
        // Short phrases are whole words: "she" yes, "ai" not in "said" or "aims" but in "(AI)".
        #expect(found == [true, true, false, false, true, true, false, true, true])
        var none = [Bool](repeating: false, count: phrases.count)
        matcher.scan("", into: &none)
        #expect(!none.contains(true))
        var inside = [Bool](repeating: false, count: phrases.count)
        matcher.scan("maintain, bushel, chairs", into: &inside)
        #expect(!inside.contains(true))
    }

    @Test func phrasesAreFoundAtTheirWords() {
        let matcher = PhraseMatcher(["uplift", "language model"].map { Array($0.utf8) })
        let found = matcher.occurrences(in: "Large language models and the uplift they give")
        #expect(found.map(\.phrase) == [1, 0])
        #expect(found.map(\.word) == [1, 5])
    }

    func text(_ id: String, _ phrases: [String], near: [String] = [], within: Int = 12,
              in fields: [ReferenceCondition.Field] = ReferenceCondition.Field.allCases) -> Rule {
        var condition = ReferenceCondition(text: phrases)
        condition.near = near
        condition.within = within
        condition.fields = fields
        return Rule(id: id, title: id, severity: .warning, watch: .reference(condition), message: "m")
    }

    @Test func phrasesInTheFieldsARuleNamesAndNearEachOther() throws {
        let rules = try ReferenceRuleSet([
            text("anywhere", ["pathogen"]),
            text("heading", ["pathogen"], in: [.title, .keywords]),
            text("near-ai", ["pathogen"], near: ["AI", "language model"], within: 8),
            text("near-far", ["pathogen"], near: ["rotation"], within: 3),
            text("keyword-and-title", ["critical infrastructure"], near: ["AI"], in: [.keywords]),
        ])
        let document = try PanelXMLParser().document(bytes: Array("<x/>".utf8), source: "x")
        var metadata = ReferenceMetadata()
        metadata.title = "Incidents with AI in energy"
        metadata.keywords = ["critical infrastructure"]
        metadata.body = "The pathogen was isolated from wheat roots and a language model read the notes. Yields rose after crop rotation."
        #expect(rules.matches(document, metadata: metadata, format: .jats).map(\.id) == ["anywhere", "near-ai", "keyword-and-title"])
        metadata.body = "The pathogen was isolated. Much later, long after everything else was done, a language model summarised it."
        #expect(rules.matches(document, metadata: metadata, format: .jats).map(\.id) == ["anywhere", "keyword-and-title"])
    }

    @Test func inNearAndWithinAreChecked() {
        let problems: [String]
        do {
            _ = try RuleFile.parse("""
                rules:
                  - id: r
                    title: R
                    severity: info
                    watch: reference
                    match:
                      text: ["pathogen"]
                      in: [title, abstrct]
                      within: 500
                    message: m
                  - id: s
                    title: S
                    severity: info
                    watch: reference
                    match:
                      near: ["AI"]
                      formats: [jats]
                    message: m
                """, file: "r.yaml")
            problems = []
        } catch {
            problems = error.problems.map(\.description)
        }
        #expect(problems == [
            "r.yaml:8:11: unknown field 'abstrct' (did you mean 'abstract'?) (one of: title, abstract, keywords, body)",
            "r.yaml:9:15: 'within' must be between 1 and 200, not 500",
            "r.yaml:16:13: 'near' needs 'text': a phrase is near another phrase",
        ])
    }

    func match(_ rule: String, _ reference: String, at: String, keywords: [String] = []) -> RuleMatch {
        RuleMatch(rule: rule, reference: reference, title: reference, keywords: keywords, country: nil, format: .jats, at: at)
    }

    @Test func windowsThresholdsAndGroups() {
        let rule = reference("agg", text: ["x"], window: 30, threshold: 2, groupBy: .keyword)
        let matches = [
            match("agg", "r1", at: "2026-04-01T00:00:00Z", keywords: ["elections", "ai"]),
            match("agg", "r2", at: "2026-04-05T00:00:00Z", keywords: ["elections"]),
            match("agg", "r3", at: "2026-01-01T00:00:00Z", keywords: ["ai"]),
        ]
        let firings = RuleEngine.referenceFirings([rule], matches: matches, now: now)
        #expect(firings.map(\.fingerprint) == ["group:elections"])
        #expect(firings.first?.message == "2 elections {{reference}}")
        #expect(RuleEngine.referenceFirings([rule], matches: Array(matches.prefix(1)), now: now).isEmpty)
    }

    /// A statement rule fires per summary statement that meets it, with the statement's text.
    @Test func statementRulesFirePerStatement() throws {
        let rules = try RuleFile.parse("""
            rules:
              - id: likely-high
                title: Likely, high confidence
                severity: warning
                watch: assessment
                when:
                  statement: {likelihood-at-least: likely, confidence-at-least: high}
                message: "{{assessment}} {{statement}} ({{likelihood}}, {{confidence}}): {{text}}"
            """, file: "r.yaml")
        var assessment = Assessment(id: "A-1", title: "t", kind: .risk, domain: .misinformation, workflow: "w", stage: "s",
                                    stageEnteredAt: "2026-01-01T00:00:00Z", openedAt: "2026-01-01T00:00:00Z", authors: [], ratings: Ratings())
        let draft = "- It is very likely that X (high confidence). {#S1}\n- It is likely that Y (medium confidence). {#S2}\n"
            + "- It is virtually certain that Z (very high confidence). {#S3}\n- W holds (very high confidence). {#S4}\n"
        assessment.statements = try DraftText.read(Array(draft.utf8), file: "d.md").get().statements
        assessment.statementDecisions = ["S3": .deleted]
        let firings = RuleEngine.stateFirings(rules, assessments: [assessment], workflows: [:], members: [], now: now)
        #expect(firings.map(\.fingerprint) == ["A-1:S1"])
        #expect(firings.first?.message == "A-1 S1 (very likely, high confidence): It is very likely that X (high confidence).")
    }

    @Test func aStatementConditionNeedsABound() {
        do {
            _ = try RuleFile.parse("""
                rules:
                  - id: s
                    title: S
                    severity: info
                    watch: assessment
                    when:
                      statement: {confidence-at-least: hihg}
                    message: m
                  - id: t
                    title: T
                    severity: info
                    watch: assessment
                    when:
                      statement: {}
                    message: m
                """, file: "r.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.description) == [
                "r.yaml:7:40: 'confidence-at-least' must be one of very-low, low, medium, high, very-high, not 'hihg' (did you mean 'high'?)",
                "r.yaml:14:18: 'statement' needs likelihood-at-least, confidence-at-least or both",
            ])
        }
    }

    @Test func assessmentConditionsFollowTheCalibratedScale() {
        let rule = Rule(id: "hi", title: "hi", severity: .critical,
                        watch: .assessment(AssessmentCondition(kinds: [.risk], severityAtLeast: 4, likelihoodAtLeast: .likely)),
                        message: "{{assessment}} {{likelihood}}")
        func assessment(_ likelihood: Likelihood, severity: Int) -> Assessment {
            Assessment(id: "A-\(likelihood.rawValue)", title: "t", kind: .risk, domain: .misinformation, workflow: "w", stage: "s",
                       stageEnteredAt: "2026-01-01T00:00:00.000Z", openedAt: "", authors: [],
                       ratings: Ratings(severity: severity, likelihood: likelihood))
        }
        let state = [assessment(.veryLikely, severity: 4), assessment(.moreLikelyThanNot, severity: 5), assessment(.virtuallyCertain, severity: 3)]
        #expect(RuleEngine.stateFirings([rule], assessments: state, workflows: [:], members: [], now: now).map(\.subject) == ["A-very-likely"])
        #expect(Likelihood.likely < .veryLikely && Likelihood.moreLikelyThanNot < .likely && Likelihood.unlikely < .aboutAsLikelyAsNot)
    }

    // MARK: Flags

    func firing(_ rule: Rule, _ fingerprint: String, _ message: String) -> Firing {
        Firing(rule: rule, fingerprint: fingerprint, subject: fingerprint, message: message)
    }

    func fold(_ events: [NewEvent], into flags: inout [String: Flag]) {
        for event in events {
            FlagFold.apply(event.event, time: Timestamp.format(event.time), actor: event.actor, to: &flags)
        }
    }

    @Test func firingAgainUpdatesNeverDuplicates() {
        let rule = reference("agg", text: ["x"], window: 30)
        var flags: [String: Flag] = [:]
        fold(FlagDecisions.reconcile([firing(rule, "g", "2 found")], evaluated: ["agg"], flags: flags, actor: "cron", now: now), into: &flags)
        #expect(flags.count == 1)
        #expect(FlagDecisions.reconcile([firing(rule, "g", "2 found")], evaluated: ["agg"], flags: flags, actor: "cron", now: now).isEmpty)
        let changed = FlagDecisions.reconcile([firing(rule, "g", "3 found")], evaluated: ["agg"], flags: flags, actor: "cron", now: now)
        #expect(changed.map(\.type) == [FlagChanged.type])
        fold(changed, into: &flags)
        // The count in the message ticked: updated in place, the same version (not issued again).
        #expect(flags.values.first?.version == 1)
        #expect(flags.values.first?.message == "3 found")
        var critical = rule
        critical.severity = .critical
        let escalated = FlagDecisions.reconcile([firing(critical, "g", "3 found")], evaluated: ["agg"], flags: flags, actor: "cron", now: now)
        fold(escalated, into: &flags)
        #expect(flags.values.first?.version == 2, "a new severity is a new version")
        let cleared = FlagDecisions.reconcile([], evaluated: ["agg"], flags: flags, actor: "cron", now: now)
        #expect(cleared.map(\.type) == [FlagResolved.type])
        fold(cleared, into: &flags)
        #expect(flags.values.first?.state == .resolved)
        #expect(flags.values.first?.resolution == "cleared")
        let again = FlagDecisions.reconcile([firing(rule, "g", "4 found")], evaluated: ["agg"], flags: flags, actor: "cron", now: now)
        fold(again, into: &flags)
        #expect(flags.count == 1)
        #expect(flags.values.first?.state == .open)
        #expect(flags.values.first?.version == 3)
    }

    @Test func perDocumentFlagsDoNotClearThemselvesAndStayResolved() throws {
        let perDocument = reference("doc", text: ["x"])
        #expect(FlagDecisions.selfClearing([perDocument, reference("agg", text: ["x"], window: 30)]) == ["agg"])
        let members = [Member(id: "exp-01", name: "A", nationality: "KE", group: .african, gender: .female, affiliation: "X")]
        var flags: [String: Flag] = [:]
        let fire = firing(perDocument, "ref-1", "m")
        fold(FlagDecisions.reconcile([fire], evaluated: [], flags: flags, actor: "cron", now: now), into: &flags)
        #expect(FlagDecisions.reconcile([], evaluated: [], flags: flags, actor: "cron", now: now).isEmpty, "no auto-resolve")
        fold(try FlagDecisions.resolve(fire.flagID, note: "dealt with", flags: flags, members: members, actor: "exp-01", now: now).get(), into: &flags)
        #expect(FlagDecisions.reconcile([fire], evaluated: [], flags: flags, actor: "cron", now: now).isEmpty, "the same document does not raise it again")
    }

    @Test func acknowledgeSilenceResolveLifecycle() throws {
        let members = [Member(id: "exp-01", name: "A", nationality: "KE", group: .african, gender: .female, affiliation: "X")]
        let rule = reference("doc", text: ["x"])
        var flags: [String: Flag] = [:]
        fold(FlagDecisions.reconcile([firing(rule, "ref-1", "m")], evaluated: [], flags: flags, actor: "cron", now: now), into: &flags)
        let id = try #require(flags.keys.first)
        #expect(FlagDecisions.acknowledge(id, note: " ", flags: flags, members: members, actor: "exp-01", now: now)
            == .failure(Refusal("acknowledging needs a --note")))
        #expect(FlagDecisions.acknowledge(id, note: "on it", flags: flags, members: members, actor: "cron", now: now)
            == .failure(Refusal("'cron' is not a member of the panel; members acknowledge flags")))
        fold(try FlagDecisions.acknowledge(id, note: "on it", flags: flags, members: members, actor: "exp-01", now: now).get(), into: &flags)
        #expect(flags[id]?.state == .acknowledged)
        #expect(flags[id]?.note == "on it")

        let silenceEvents = try FlagDecisions.silence(flag: nil, rule: "doc", labels: [:], until: now.addingTimeInterval(86_400), reason: "known",
                                                      existing: [], flags: flags, rules: [rule], members: members, actor: "exp-01", now: now).get()
        let silence = try #require(silenceEvents[0].payload(as: SilenceCreated.self)?.silence)
        #expect(flags[id]!.state(at: now, silences: [silence]) == .silenced)
        #expect(flags[id]!.state(at: now.addingTimeInterval(2 * 86_400), silences: [silence]) == .acknowledged, "silences end")
        #expect(FlagDecisions.silence(flag: nil, rule: nil, labels: [:], until: now.addingTimeInterval(-1), reason: "", existing: [],
                                      flags: flags, rules: [rule], members: members, actor: "exp-01", now: now)
            == .failure(Refusal(["say what to silence: a flag id, --rule or --label", "--until must be in the future", "a --reason is required"])))

        fold(try FlagDecisions.resolve(id, note: "handled", flags: flags, members: members, actor: "exp-01", now: now).get(), into: &flags)
        #expect(flags[id]?.state == .resolved)
        #expect(flags[id]?.resolution == "exp-01: handled")
        #expect(FlagDecisions.resolve(id, note: "again", flags: flags, members: members, actor: "exp-01", now: now)
            == .failure(Refusal("\(id) is already resolved")))
    }

    // MARK: Digest composition

    @Test func digestsIssueOnlyWhatIsNew() {
        let rule = reference("doc", text: ["x"])
        var flags: [String: Flag] = [:]
        fold(FlagDecisions.reconcile([firing(rule, "ref-1", "one"), firing(rule, "ref-2", "two")], evaluated: [], flags: flags,
                                     actor: "cron", now: now), into: &flags)
        let (open, resolved, reminders) = DigestComposer.candidates(flags: flags, silences: [], assessments: [], workflows: [:], now: now)
        let first = DigestComposer.compose(id: "D-0001", flags: open, resolved: resolved, reminders: reminders, issued: [], since: nil, now: now)
        #expect(first.flags.count == 2)
        let second = DigestComposer.compose(id: "D-0002", flags: open, resolved: resolved, reminders: reminders, issued: Set(first.keys),
                                            since: nil, now: now, previous: first.id)
        #expect(second.isEmpty)
        let window = DigestComposer.compose(id: "D-0002", flags: open, resolved: resolved, reminders: reminders, issued: Set(first.keys),
                                            since: now.addingTimeInterval(-3_600), now: now)
        #expect(window.flags.count == 2, "--since re-issues what changed in the window")
        // Issued before, so not 'new' a second time: re-issued.
        #expect(DigestRenderer.markdown(first).components(separatedBy: "**new**").count == 3)
        #expect(window.reissued == first.flags.map(\.id))
        #expect(DigestRenderer.markdown(window).components(separatedBy: "**re-issued**").count == 3 && !DigestRenderer.markdown(window).contains("**new**"))
        #expect(DigestRenderer.markdown(second).contains("Nothing new since the last digest, D-0001 (checked"))
        #expect(DigestRenderer.html(second).contains("<p>Nothing new since the last digest, D-0001.</p>"))
        // Before any digest, an empty one does not speak of a last one.
        let none = DigestComposer.compose(id: "D-0001", flags: [], resolved: [], reminders: [], issued: [], since: nil, now: now)
        #expect(DigestRenderer.markdown(none).contains("Nothing to issue yet; no digest has been issued so far (checked"))
        #expect(!DigestRenderer.html(none).contains("last digest"))
        #expect(DigestRenderer.html(none).contains("<p>Checked ") && !DigestRenderer.html(none).contains("Issued"))
        #expect(DigestRenderer.html(first).contains("<p>Issued "))
    }
}
