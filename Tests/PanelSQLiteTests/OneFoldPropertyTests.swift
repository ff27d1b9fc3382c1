import Foundation
import PanelTestSupport
import PanelSQLite
import Testing
@testable import PanelCore

/// Random valid command sequences, decided inside the store's write as the
/// commands do, then: what the store's query tables answer equals the fold
/// of the replayed log (`PanelState`), for every event kind.
@Suite("One fold: the store equals the replayed log")
struct OneFoldPropertyTests {
    static let workflowText = """
        id: cycle
        title: Property-test cycle
        initial: draft
        stages:
          - id: draft
            title: Draft
            allows: [drafting, evidence]
            deadline-days: 30
            transitions:
              - to: review
                by: [co-chair]
                requires: []
          - id: review
            title: Review
            allows: [drafting, review, government-review]
            review: {window-days: 10, blinding: single, late: accept}
            government-review: {window-days: 10}
            deadline-days: 30
            transitions:
              - to: vote
                by: [co-chair]
                requires: []
          - id: vote
            title: Vote
            allows: [voting]
            transitions:
              - to: done
                by: [co-chair]
                requires: []
              - to: draft
                by: [co-chair]
                requires: []
          - id: done
            title: Done
            final: true
        """

    struct Run {
        let store: any PanelStore
        let workflow: Workflow
        let rule: Rule
        var random: SeededRandom
        var now = Date(timeIntervalSince1970: 1_790_000_000)
        var kinds = Set<String>()
        var nextReviewer = 1

        /// Decides inside the write, as the CLI does; a refusal records nothing.
        mutating func decide(_ body: (any StoreReader) throws -> [NewEvent]?) throws {
            now = now.addingTimeInterval(Double(random.int(1...20)) * 3_600)
            let result = try store.decide { reader in
                guard let events = try body(reader) else { return .failure(Refusal("skipped")) }
                return .success(events)
            }
            if case .success(let records) = result { kinds.formUnion(records.map(\.type)) }
        }

        mutating func step() throws {
            let now = self.now
            let workflow = self.workflow
            var random = self.random
            defer { self.random = random }
            switch random.int(0...25) {
            case 0:
                try decide { reader in
                    let members = try reader.members().filter(\.isPanelMember)
                    guard let lead = random.pick(members.filter { !$0.has(.coChair) }),
                          let editor = random.pick(members.filter { $0.id != lead.id && !$0.has(.coChair) }) else { return nil }
                    let open = OpenAssessment(title: "Assessment \(random.int(1...999))", kind: .risk, domain: .misinformation,
                                              workflow: "cycle", authors: [AssessmentAuthor(member: lead.id, role: .coordinatingLeadAuthor),
                                                                          AssessmentAuthor(member: editor.id, role: .reviewEditor)],
                                              ratings: Ratings(severity: random.int(1...5)))
                    return try AssessmentDecisions.open(open, existing: try reader.assessments(), workflows: ["cycle": workflow],
                                                        members: try reader.members(), actor: "exp-01", now: now).get()
                }
            case 1:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments()),
                          let lead = assessment.members(with: .coordinatingLeadAuthor).first else { return nil }
                    let lines = (1...random.int(3...12)).map { "Line \($0) of draft \(random.int(1...1_000_000))" + ($0 <= 2 ? " {#S\($0)}" : "") }
                    let text = try DraftText.read(Array((lines.joined(separator: "\n") + "\n").utf8), file: "d.md").get()
                    return try? AssessmentDecisions.submitDraft(text, to: assessment, workflow: workflow, members: try reader.members(),
                                                                actor: lead, now: now).get()
                }
            case 2:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments()),
                          let target = random.pick(workflow.stage(assessment.stage)?.transitions.map(\.to) ?? []) else { return nil }
                    return try? AssessmentDecisions.advance(assessment, to: target, workflow: workflow, members: try reader.members(),
                                                            actor: "exp-01", now: now).get()
                }
            case 3:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments()) else { return nil }
                    return try? AssessmentDecisions.extend(assessment, days: random.int(1...30), reason: "more time", workflow: workflow,
                                                           members: try reader.members(), actor: "exp-02", now: now).get()
                }
            case 4:
                let id = String(format: "ext-%03d", nextReviewer)
                nextReviewer += 1
                try decide { reader in
                    let reviewer = Member(id: id, name: "Reviewer \(id)", nationality: "KE", group: .african, gender: .female,
                                          affiliation: "Institute \(random.int(1...9))", external: true)
                    return try? ReviewDecisions.registerReviewer(reviewer, members: try reader.members(), actor: "exp-01", now: now).get()
                }
            case 5:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments().filter { $0.stage == "review" }) else { return nil }
                    let taken = Set(assessment.currentAssignments.map(\.reviewer)) .union(assessment.authors.map(\.member))
                    let candidates = try reader.members().map(\.id).filter { !taken.contains($0) && !["exp-01", "exp-02"].contains($0) }
                    guard let reviewer = random.pick(candidates) else { return nil }
                    return try? ReviewDecisions.assign(AssignmentRequest(who: .named([reviewer]), allowSameAffiliation: true), to: assessment,
                                                       workflow: workflow, members: try reader.members(), assessments: try reader.assessments(),
                                                       actor: "exp-01", now: now).get()
                }
            case 6:
                try decide { reader in
                    let reviewing = try reader.assessments().filter { $0.stage == "review" && $0.latestDraft != nil }
                    guard let assessment = random.pick(reviewing), let draft = assessment.latestDraft else { return nil }
                    let done = Set(assessment.reviews.filter { $0.stage == assessment.stage }.map(\.reviewer))
                    guard let reviewer = random.pick(assessment.currentAssignments.map(\.reviewer).filter { !done.contains($0) }) else { return nil }
                    let comments = (0..<random.int(0...4)).map { _ in
                        let from = random.int(1...draft.lines)
                        return ReviewSubmission.SubmittedComment(
                            fromLine: from, toLine: random.int(from...draft.lines), kind: random.pick(CommentKind.allCases)!,
                            text: "Comment \(random.int(1...9_999))", location: SourceLocation(file: "r.yaml", line: 1, column: 1))
                    }
                    let submission = ReviewSubmission(
                        file: "r.yaml", assessment: assessment.id, draft: draft.version, reviewer: reviewer,
                        recommendation: random.pick(Recommendation.allCases)!, confidence: random.pick(ReviewerConfidence.allCases),
                        summary: "Summary", comments: comments, locations: [:])
                    return try? ReviewDecisions.receive(submission, fileHash: "\(random.next())", assessment: assessment, workflow: workflow,
                                                        members: try reader.members(), now: now).get()
                }
            case 7:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments()),
                          let lead = assessment.members(with: .coordinatingLeadAuthor).first else { return nil }
                    let comments = try reader.comments(of: assessment.id)
                    let chosen = (0..<random.int(1...3)).compactMap { _ in random.pick(comments) }
                    let entries = Dictionary(grouping: chosen, by: \.id).keys.sorted().map {
                        ResponseEntry(comment: $0, kind: random.pick(ResponseKind.allCases)!, text: "Done \(random.int(1...99))",
                                      location: SourceLocation(file: "m.csv", line: 2, column: 1))
                    }
                    guard !entries.isEmpty else { return nil }
                    return try? ReviewDecisions.respond(entries, assessment: assessment, comments: comments, members: try reader.members(),
                                                        actor: lead, now: now, file: random.chance(50) ? "\(random.next())" : nil).get()
                }
            case 8:
                // The authors answer every open substantive comment, then a review editor signs off.
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments().filter { a in a.reviews.contains { $0.stage == a.stage } }),
                          let lead = assessment.members(with: .coordinatingLeadAuthor).first else { return nil }
                    let comments = try reader.comments(of: assessment.id)
                    let open = comments.filter { $0.kind == .substantive && $0.response == nil && $0.stage == assessment.stage }
                    let entries = open.map { ResponseEntry(comment: $0.id, kind: .accepted, text: "Done", location: SourceLocation(file: "m.csv", line: 2, column: 1)) }
                    guard !entries.isEmpty else { return nil }
                    return try? ReviewDecisions.respond(entries, assessment: assessment, comments: comments, members: try reader.members(),
                                                        actor: lead, now: now).get()
                }
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments().filter { a in a.reviews.contains { $0.stage == a.stage } }),
                          let editor = assessment.members(with: .reviewEditor).first else { return nil }
                    return try? ReviewDecisions.signOff(assessment, comments: try reader.comments(of: assessment.id),
                                                        members: try reader.members(), actor: editor, now: now).get()
                }
            case 9:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments().filter { $0.stage == "vote" }),
                          let voter = random.pick(try reader.members().filter(\.isPanelMember)) else { return nil }
                    let choice = random.pick(VoteChoice.allCases)!
                    return try? ReviewDecisions.vote(choice, reason: choice == .object ? "no" : nil, on: assessment, workflow: workflow,
                                                     members: try reader.members(), actor: voter.id, now: now).get()
                }
            case 10:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments().filter { $0.stage == "vote" }),
                          let statement = random.pick(assessment.statements) else { return nil }
                    let decision = random.pick(StatementDecision.allCases)!
                    return try? ReviewDecisions.decideStatement(statement.id, decision, reason: decision == .approved ? nil : "why",
                                                                on: assessment, workflow: workflow, members: try reader.members(),
                                                                actor: "exp-01", now: now).get()
                }
            case 11:
                try decide { reader in
                    var roster = try reader.members().filter(\.isPanelMember)
                    guard !roster.isEmpty else { return nil }
                    let index = random.int(0...roster.count - 1)
                    roster[index].affiliation = "University \(random.int(1...99))"
                    // Now and then a roster that breaks a rule, imported with a recorded reason.
                    let breaking = random.chance(15)
                    if breaking { roster[index].nationality = roster[(index + 1) % roster.count].nationality }
                    let sameNationality = roster.filter { $0.nationality == roster[index].nationality }.count
                    return try? RosterDecisions.importRoster(roster, current: try reader.members(), actor: "exp-01", time: now,
                                                             acceptingViolations: breaking && sameNationality > 2 ? "interim" : nil).get()
                }
            case 12, 13:
                let rule = self.rule
                try decide { reader in
                    let fingerprints = (0..<random.int(1...3)).map { _ in "subject-\(random.int(1...6))" }
                    let firings = fingerprints.map {
                        Firing(rule: rule, fingerprint: $0, subject: $0, message: "message \(random.int(1...3))")
                    }
                    let events = FlagDecisions.reconcile(firings, evaluated: random.chance(30) ? [rule.id] : [],
                                                         flags: try reader.flags(), actor: "system", now: now)
                    return events.isEmpty ? nil : events
                }
            case 14:
                try decide { reader in
                    guard let flag = random.pick(try reader.flags().values.filter { $0.state == .open }.map(\.id).sorted()) else { return nil }
                    return try? FlagDecisions.acknowledge(flag, note: "on it", flags: try reader.flags(), members: try reader.members(),
                                                          actor: "exp-03", now: now).get()
                }
            case 15:
                let rule = self.rule
                try decide { reader in
                    try? FlagDecisions.silence(flag: nil, rule: rule.id, labels: [:], until: now.addingTimeInterval(86_400), reason: "quiet",
                                               existing: try reader.silences(), flags: try reader.flags(), rules: [rule],
                                               members: try reader.members(), actor: "exp-01", now: now).get()
                }
            case 17:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments()),
                          let person = random.pick(try reader.members().filter(\.isPanelMember)) else { return nil }
                    let role = random.pick([AssessmentRole.leadAuthor, .contributingAuthor, .reviewEditor])!
                    let current = assessment.authors.filter { $0.role != .coordinatingLeadAuthor }
                    let remove = random.chance(40) ? random.pick(current).map { [$0] } ?? [] : []
                    return try? ProcedureDecisions.changeTeam(assessment, add: [AssessmentAuthor(member: person.id, role: role)], remove: remove,
                                                              reason: "team change", members: try reader.members(), actor: "exp-01",
                                                              now: now).get()
                }
            case 18:
                guard random.chance(20) else { return }
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments()) else { return nil }
                    return try? ProcedureDecisions.withdraw(assessment, reason: "superseded", workflow: workflow, members: try reader.members(),
                                                            actor: "exp-01", now: now).get()
                }
            case 19:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments().filter { $0.reviewWindowEnd(at: now) != nil }) else { return nil }
                    return try? ProcedureDecisions.closeReviewWindow(assessment, reason: "enough reviews", members: try reader.members(),
                                                                     actor: "exp-02", now: now).get()
                }
            case 20:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments()),
                          let reviewer = random.pick(assessment.currentAssignments.map(\.reviewer)) else { return nil }
                    return try? ProcedureDecisions.extendReviewer(assessment, reviewer: reviewer, days: random.int(1...20), reason: "travel",
                                                                  members: try reader.members(), actor: "exp-01", now: now).get()
                }
            case 21:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments().filter { !$0.signOffs.isEmpty }) else { return nil }
                    return try? ProcedureDecisions.reopenResponses(assessment, reason: "an answer was wrong", members: try reader.members(),
                                                                   actor: "exp-01", now: now).get()
                }
            case 22:
                // A focal point or a stakeholder joins.
                try decide { reader in
                    let members = try reader.members()
                    if random.chance(50) {
                        guard let state = random.pick(MemberStates.all.filter { code in !members.contains { $0.state == code.code } }) else { return nil }
                        return try? ParticipantDecisions.registerFocalPoint(state: state.code, name: "Focal point of \(state.name)", login: nil,
                                                                            signingKeys: [], members: members, actor: "exp-01", now: now).get()
                    }
                    return try? ParticipantDecisions.registerStakeholder(
                        id: "stk-\(random.int(1...9_999))", name: "Stakeholder", organisation: "Org \(random.int(1...9))",
                        sector: random.pick(StakeholderSector.allCases)!, country: random.pick(MemberStates.all)!.code, login: nil,
                        signingKeys: [], members: members, actor: "exp-01", now: now).get()
                }
            case 23:
                try decide { reader in
                    guard let assessment = random.pick(try reader.assessments().filter { $0.stage == "draft" }),
                          let person = random.pick(try reader.members()) else { return nil }
                    let file = EvidenceFile(assessment: assessment.id, submitter: person.id, title: "Evidence \(random.int(1...999))",
                                            text: "Text", references: random.chance(50) ? ["doi:10.5555/x"] : [])
                    return try? EvidenceDecisions.submit(file, fileHash: "\(random.next())", assessment: assessment, workflow: workflow,
                                                         members: try reader.members(), actor: person.id, now: now).get()
                }
            case 25:
                try decide { reader in
                    guard let silence = random.pick(try reader.silences().filter { $0.isActive(at: now) }) else { return nil }
                    return try? FlagDecisions.unsilence(silence.id, reason: "the assessment is done", silences: try reader.silences(),
                                                        members: try reader.members(), actor: "exp-02", now: now).get()
                }
            case 24:
                try decide { reader in
                    let reviewing = try reader.assessments().filter { $0.stage == "review" && $0.latestDraft != nil }
                    guard let assessment = random.pick(reviewing), let draft = assessment.latestDraft,
                          let focalPoint = random.pick(try reader.members().filter(\.isFocalPoint)) else { return nil }
                    let comments = (0..<random.int(1...3)).map { _ in
                        ReviewSubmission.SubmittedComment(fromLine: 1, toLine: draft.lines, kind: random.pick(CommentKind.allCases)!,
                                                          text: "Government comment \(random.int(1...9_999))",
                                                          location: SourceLocation(file: "g.yaml", line: 1, column: 1))
                    }
                    let submission = ReviewSubmission(file: "g.yaml", assessment: assessment.id, draft: draft.version, reviewer: focalPoint.id,
                                                      recommendation: .minorRevisions, confidence: nil, summary: "Government view",
                                                      comments: comments, locations: [:])
                    return try? ReviewDecisions.receive(submission, fileHash: "\(random.next())", assessment: assessment, workflow: workflow,
                                                        members: try reader.members(), now: now).get()
                }
            default:
                if random.chance(50) {
                    _ = try RuleRunner(store: store, rules: [], workflows: ["cycle": workflow], clock: FixedClock(now), actor: "system")
                        .digest(since: nil, dryRun: false)
                    kinds.insert(DigestIssued.type)
                } else {
                    try decide { _ in
                        [NewEvent(ReferencesIngested(source: "f.xml", object: "\(random.next())", adapter: "jats", added: 1, duplicates: 0,
                                                     references: ["ref-\(random.int(1...999))"]),
                                  subject: "references", actor: "cron", time: now)]
                    }
                }
            }
        }
    }

    /// Runs `sequences` random sequences; returns every event kind seen and the first disagreement.
    static func explore(seeds: Range<Int>, steps: Int, kind: StoreKind = .sqlite) throws -> (kinds: Set<String>, differences: [String]) {
        let workflow = try WorkflowFile.parse(workflowText, file: "cycle.yaml")
        let rulesPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("workflows/rules/state-rules.yaml").path
        let rule = try #require(try RuleFile.load([rulesPath]).first)
        let roster = try RosterFile.parse(String(contentsOfFile: Fixtures.path("panel/members.yaml"), encoding: .utf8), file: "m.yaml")
        var kinds = Set<String>()
        for seed in seeds {
            let temporary = try TemporaryStore(kind)
            var run = Run(store: temporary.store, workflow: workflow, rule: rule, random: SeededRandom(seed: UInt64(seed) &* 7919))
            try temporary.store.append([NewEvent(WorkspaceInitialized(name: "p"), subject: "workspace", actor: "system", time: run.now)])
            try temporary.store.append(try RosterDecisions.importRoster(roster, current: [], actor: "secretariat", time: run.now).get())
            run.kinds.formUnion([WorkspaceInitialized.type, MemberRegistered.type])
            for _ in 0..<steps { try run.step() }
            kinds.formUnion(run.kinds)
            let differences = try temporary.store.verifyState()
            if !differences.isEmpty { return (kinds, ["seed \(seed): " + differences.map(\.description).joined(separator: "; ")]) }
            // The same, spelled out for the reads commands use most.
            let fold = try PanelState.replay(try temporary.store.events(after: 0, limit: nil))
            guard try temporary.store.assessments() == fold.assessments, try temporary.store.members() == fold.members,
                  try temporary.store.flags() == fold.flags else {
                return (kinds, ["seed \(seed): a read differs from the fold"])
            }
        }
        return (kinds, [])
    }

    /// Two hundred sequences on SQLite; on PostgreSQL (a server round trip per statement) the last hundred of them.
    @Test(arguments: StoreKind.available) func randomSequencesAgreeWithTheFold(kind: StoreKind) throws {
        let (kinds, differences) = try Self.explore(seeds: kind == .sqlite ? 0..<200 : 100..<200, steps: 60, kind: kind)
        #expect(differences == [])
        let every = Set(PanelEvent.payloadTypes.map { $0.type })
        #expect(kinds == every, "event kinds never generated: \(every.subtracting(kinds).sorted())")
    }
}
