import Crypto
import Foundation
import Testing
@testable import PanelCore

/// Peer review, decided on state alone: given these events, when this command,
/// then these events or this refusal.
@Suite("Peer-review decisions")
struct ReviewScenarioTests {
    let workflows: [String: Workflow]
    let members: [Member]
    static let start = Timestamp.parse("2026-04-01T09:00:00Z")!

    init() throws {
        workflows = try Fixtures.workflows()
        members = try Fixtures.members()
    }

    func day(_ offset: Double) -> Date { Self.start.addingTimeInterval(offset * 86_400) }

    /// The log as the store would seal it, folded by the one fold.
    struct World {
        var records: [EventRecord] = []
        var state = PanelState()
        var assessment: Assessment { state.assessment("A-2026-001")! }

        mutating func add(_ events: [NewEvent]) {
            for event in events {
                do {
                    let record = try EventChain.seal(event, sequence: Int64(records.count + 1), previousHash: records.last?.hash ?? EventChain.genesis)
                    try state.apply(record)
                    records.append(record)
                } catch {
                    Issue.record(error)
                }
            }
        }

        /// Comments as the store would list them, from the fold.
        var comments: [CommentRecord] { state.comments["A-2026-001"] ?? [] }
    }

    /// A rapid assessment with its draft, in expert review.
    func inReview(workflow: String = "rapid-assessment") throws -> World {
        var world = World()
        let authors = [AssessmentAuthor(member: "exp-04", role: .coordinatingLeadAuthor), AssessmentAuthor(member: "exp-17", role: .leadAuthor),
                       AssessmentAuthor(member: "exp-26", role: .reviewEditor), AssessmentAuthor(member: "exp-31", role: .reviewEditor)]
        world.add(try AssessmentDecisions.open(
            OpenAssessment(title: "Replication", kind: .risk, domain: .aiSystemSafety, workflow: workflow, authors: authors,
                           ratings: Ratings(severity: 4)),
            existing: [], workflows: workflows, members: members, actor: "exp-01", now: day(0)).get())
        let text = try DraftText.read([UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("drafts/replication-v1.md")))), file: "d.md").get()
        world.add(try AssessmentDecisions.submitDraft(text, to: world.assessment, workflow: workflows[workflow]!, members: members,
                                                      actor: "exp-04", now: day(0)).get())
        var moved = world.assessment
        moved.stage = workflow == "rapid-assessment" ? "expert-review" : "first-order-draft"
        world.add([NewEvent(StageAdvanced(assessment: moved.id, from: world.assessment.stage, to: moved.stage, requirements: []),
                            subject: moved.id, actor: "exp-01", time: day(0))])
        return world
    }

    func submission(_ relative: String) throws -> (ReviewSubmission, String) {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(relative)))
        return (try ReviewFile.parse(String(decoding: bytes, as: UTF8.self), file: relative), SHA256.hash(data: bytes).hexString)
    }

    // MARK: Assignment

    @Test func automaticAssignmentIsDeterministicAndFair() throws {
        let world = try inReview()
        let workflow = workflows["rapid-assessment"]!
        let request = AssignmentRequest(who: .automatic(count: 4))
        let first = try ReviewDecisions.assign(request, to: world.assessment, workflow: workflow, members: members,
                                               assessments: [world.assessment], actor: "exp-01", now: day(1)).get()
        let again = try ReviewDecisions.assign(request, to: world.assessment, workflow: workflow, members: members,
                                               assessments: [world.assessment], actor: "exp-01", now: day(1)).get()
        #expect(first == again)
        let assigned = try #require(first[0].payload(as: ReviewersAssigned.self))
        #expect(assigned.reviewers.count == 4)
        #expect(assigned.deadline == Timestamp.format(day(11)))
        let authors = Set(["exp-04", "exp-17", "exp-26", "exp-31"])
        #expect(authors.isDisjoint(with: assigned.reviewers))
        let groups = Set(assigned.reviewers.compactMap { id in members.first { $0.id == id }?.group })
        #expect(groups.count >= 2)
    }

    @Test func loadIsBalancedAcrossAssessments() throws {
        let world = try inReview()
        var busy = world.assessment
        busy.assignments = ["exp-02", "exp-05"].map { ReviewAssignment(reviewer: $0, stage: busy.stage, deadline: "") }
        let chosen = try ReviewDecisions.assign(AssignmentRequest(who: .automatic(count: 28), maxLoad: 1), to: world.assessment,
                                                workflow: workflows["rapid-assessment"]!, members: members,
                                                assessments: [busy], actor: "exp-01", now: day(1)).get()
        let reviewers = try #require(chosen[0].payload(as: ReviewersAssigned.self)).reviewers
        #expect(!reviewers.contains("exp-02") && !reviewers.contains("exp-05"), "reviewers at the load limit are skipped")
    }

    @Test func impossibleAssignmentSaysWhichConstraintFailsAndByHowMuch() throws {
        let world = try inReview()
        let result = ReviewDecisions.assign(AssignmentRequest(who: .automatic(count: 40)), to: world.assessment,
                                            workflow: workflows["rapid-assessment"]!, members: members,
                                            assessments: [world.assessment], actor: "exp-01", now: day(1))
        guard case .failure(let refusal) = result else {
            Issue.record("40 reviewers assigned from a roster of 40 with 4 authors")
            return
        }
        #expect(refusal.reasons == ["not enough eligible reviewers: need 40, 30 eligible, short by 10 (excluded: 4 authors or review editors, 5 chairs (--include-chairs to allow), 1 conflicted, 0 sharing an author's affiliation, 0 at the load limit of 5, 0 already assigned)"])
    }

    @Test func automaticAssignmentPrefersMatchingExpertiseAndLeavesChairsToChair() throws {
        var world = World()
        let authors = [AssessmentAuthor(member: "exp-04", role: .coordinatingLeadAuthor), AssessmentAuthor(member: "exp-26", role: .reviewEditor)]
        world.add(try AssessmentDecisions.open(
            OpenAssessment(title: "Election disinformation", kind: .risk, domain: .misinformation, workflow: "rapid-assessment",
                           authors: authors, ratings: Ratings()),
            existing: [], workflows: workflows, members: members, actor: "exp-01", now: day(0)).get())
        let text = try DraftText.read(Array("# Draft\n- a finding {#S1}\n".utf8), file: "d.md").get()
        world.add(try AssessmentDecisions.submitDraft(text, to: world.assessment, workflow: workflows["rapid-assessment"]!, members: members,
                                                      actor: "exp-04", now: day(0)).get())
        world.add(try AssessmentDecisions.advance(world.assessment, to: nil, workflow: workflows["rapid-assessment"]!, members: members,
                                                  actor: "exp-04", now: day(0)).get())
        let events = try ReviewDecisions.assign(AssignmentRequest(who: .automatic(count: 3)), to: world.assessment,
                                                workflow: workflows["rapid-assessment"]!, members: members,
                                                assessments: [world.assessment], actor: "exp-01", now: day(1)).get()
        let chosen = try #require(events[0].payload(as: ReviewersAssigned.self)).reviewers
        let wanted = Set(RiskDomain.misinformation.expertise)
        let chosenMembers = chosen.compactMap { id in members.first { $0.id == id } }
        #expect(chosenMembers.count == 3)
        #expect(chosenMembers.allSatisfy { !Set($0.expertise).isDisjoint(with: wanted) }, "\(chosenMembers.map { ($0.id, $0.expertise) })")
        #expect(chosenMembers.allSatisfy { !$0.has(.coChair) && !$0.has(.viceChair) })
        let reasons = ReviewDecisions.assignmentReasons(chosen, for: world.assessment, members: members, assessments: [world.assessment])
        #expect(reasons.count == 3)
        #expect(reasons.allSatisfy { $0.contains("matches misinformation") }, "\(reasons)")
    }

    @Test func namedReviewersAreCheckedOneByOne() throws {
        let world = try inReview()
        let result = ReviewDecisions.assign(AssignmentRequest(who: .named(["exp-04", "exp-29", "nobody", "exp-12"])), to: world.assessment,
                                            workflow: workflows["rapid-assessment"]!, members: members,
                                            assessments: [world.assessment], actor: "exp-26", now: day(1))
        #expect(result == .failure(Refusal([
            "exp-04 may not review A-2026-001: an author of A-2026-001",
            "nobody is not registered (a member or an external reviewer)",
        ])))
        #expect(ReviewDecisions.assign(AssignmentRequest(who: .named(["exp-12"])), to: world.assessment, workflow: workflows["rapid-assessment"]!,
                                       members: members, assessments: [], actor: "exp-17", now: day(1))
            == .failure(Refusal("exp-17 may not assign reviewers to A-2026-001: only a co-chair, a vice-chair or its review editor may")))
    }

    @Test func sameAffiliationAndConflictsAreExcluded() throws {
        var world = try inReview()
        var assessment = world.assessment
        assessment.authors.append(AssessmentAuthor(member: "exp-03", role: .leadAuthor))
        world.add([])
        let exp29 = members.first { $0.id == "exp-29" }!
        #expect(ReviewDecisions.exclusions(of: exp29, for: assessment, members: members, allowSameAffiliation: false)
            == ["declares a conflict with author exp-03", "shares the affiliation Lagos School of Computing with an author"])
        #expect(ReviewDecisions.exclusions(of: exp29, for: assessment, members: members, allowSameAffiliation: true)
            == ["declares a conflict with author exp-03"])
    }

    @Test func externalReviewersRegisterAndNeverCountAsMembers() throws {
        let external = Member(id: "ext-001", name: "Ines Okafor", nationality: "NG", group: .african, gender: .female, affiliation: "Delta Lab")
        let events = try ReviewDecisions.registerReviewer(external, members: members, actor: "exp-06", now: day(0)).get()
        let registered = try #require(events[0].payload(as: ReviewerRegistered.self)?.reviewer)
        #expect(registered.external)
        #expect(registered.roles.isEmpty)
        let results = RosterCheck.evaluate(members + [registered])
        #expect(results.filter { !$0.passed }.isEmpty)
        #expect(results[0].detail == "40 members (the resolution names 40)")
        #expect(ReviewDecisions.registerReviewer(external, members: members, actor: "exp-09", now: day(0))
            == .failure(Refusal("exp-09 is not a co-chair or vice-chair; only chairs register external reviewers")))
    }

    @Test func externalReviewersAreAssignedAndReview() throws {
        var world = try inReview()
        let external = Member(id: "ext-001", name: "Ines Okafor", nationality: "NG", group: .african, gender: .female, affiliation: "Delta Lab")
        let registered = try ReviewDecisions.registerReviewer(external, members: members, actor: "exp-06", now: day(0)).get()
        let roster = members + [try #require(registered[0].payload(as: ReviewerRegistered.self)).reviewer]
        world.add(try ReviewDecisions.assign(AssignmentRequest(who: .named(["ext-001"])), to: world.assessment,
                                             workflow: workflows["rapid-assessment"]!, members: roster, assessments: [],
                                             actor: "exp-01", now: day(1)).get())
        let (review, hash) = try submission("reviews/exp-12-replication.yaml")
        var byExternal = review
        byExternal.assessment = "A-2026-001"
        byExternal.reviewer = "ext-001"
        world.add(try ReviewDecisions.receive(byExternal, fileHash: hash, assessment: world.assessment,
                                              workflow: workflows["rapid-assessment"], members: roster, now: day(2)).get())
        #expect(world.assessment.reviews.map(\.reviewer) == ["ext-001"])
    }

    // MARK: Receiving reviews

    func assigned(_ world: inout World, _ reviewers: [String], at offset: Double = 1) throws {
        world.add(try ReviewDecisions.assign(AssignmentRequest(who: .named(reviewers)), to: world.assessment,
                                             workflow: workflows[world.assessment.workflow]!, members: members,
                                             assessments: [world.assessment], actor: "exp-01", now: day(offset)).get())
    }

    /// An assigned reviewer never joins the team, before or after reviewing: as an author they
    /// would see the blinded review from the other side, and judge a draft they wrote.
    @Test func anAssignedReviewerCannotJoinTheTeam() throws {
        var world = try inReview()
        try assigned(&world, ["exp-12"])
        for role in [AssessmentRole.leadAuthor, .contributingAuthor, .reviewEditor] {
            let refused = ProcedureDecisions.changeTeam(world.assessment, add: [AssessmentAuthor(member: "exp-12", role: role)], remove: [],
                                                        reason: nil, members: members, actor: "exp-01", now: day(2))
            guard case .failure(let refusal) = refused else { Issue.record("\(role): accepted"); continue }
            #expect(refusal.reasons == ["exp-12 is a reviewer of A-2026-001, so cannot become its \(role.rawValue)"], "\(role)")
        }
        #expect(throws: Never.self) {
            try ProcedureDecisions.changeTeam(world.assessment, add: [AssessmentAuthor(member: "exp-13", role: .leadAuthor)], remove: [],
                                              reason: nil, members: members, actor: "exp-01", now: day(2)).get()
        }
    }

    @Test func goodReviewsAreRecordedWithNumberedComments() throws {
        var world = try inReview()
        try assigned(&world, ["exp-12", "exp-19"])
        for file in ["reviews/exp-12-replication.yaml", "reviews/exp-19-replication.csv"] {
            let (review, hash) = try submission(file)
            world.add(try ReviewDecisions.receive(review, fileHash: hash, assessment: world.assessment,
                                                  workflow: workflows["rapid-assessment"], members: members, now: day(3)).get())
        }
        #expect(world.comments.map(\.id) == ["C00001", "C00002", "C00003", "C00004", "C00005", "C00006", "C00007"])
        #expect(world.assessment.reviews.map(\.reviewer) == ["exp-12", "exp-19"])
        #expect(world.assessment.reviews.map(\.substantive) == [2, 2])
        #expect(world.comments[4].text == "S3 says logging would detect \"every\" attempt; qualify it to the attempts observed here.")
    }

    @Test(arguments: [
        ("reviews/bad/exp-35-lines-out-of-range.yaml", ["reviews/bad/exp-35-lines-out-of-range.yaml:10:5: lines 40-44 are not within draft 1 (lines 1-30)"]),
        ("reviews/bad/not-assigned.yaml", ["reviews/bad/not-assigned.yaml:3:11: exp-40 is not assigned to review A-2026-001 in expert-review"]),
        ("reviews/bad/wrong-draft.yaml", ["reviews/bad/wrong-draft.yaml:2:8: A-2026-001 has no draft 2 (drafts: 1)"]),
        ("reviews/bad/author-review.yaml", [
            "reviews/bad/author-review.yaml:3:11: exp-04 is not assigned to review A-2026-001 in expert-review",
            "reviews/bad/author-review.yaml:3:11: exp-04 may not review A-2026-001: an author of A-2026-001",
        ]),
    ])
    func reviewsThatDoNotFitTheStateAreRefused(file: String, expected: [String]) throws {
        var world = try inReview()
        try assigned(&world, ["exp-35"])
        let (text, hash) = try submission(file.replacingOccurrences(of: "A-2026-002", with: "A-2026-001"))
        var review = text
        review.assessment = "A-2026-001"
        let result = ReviewDecisions.receive(review, fileHash: hash, assessment: world.assessment, workflow: workflows["rapid-assessment"],
                                             members: members, now: day(3))
        #expect(result == .failure(ValidationFailure(expected.map { line in
            let parts = line.split(separator: ":", maxSplits: 3).map(String.init)
            return Problem(SourceLocation(file: parts[0], line: Int(parts[1])!, column: Int(parts[2])!), String(parts[3].dropFirst()))
        })))
    }

    @Test(arguments: [
        ("reviews/bad/unknown-field.yaml", ["reviews/bad/unknown-field.yaml:5:1: unknown key 'rating'"]),
        ("reviews/bad/malformed.yaml", ["reviews/bad/malformed.yaml:8:1: not valid YAML: found unexpected end of stream (the file ends inside a quoted value or a bracketed list: a closing quote or bracket is missing)"]),
        ("reviews/bad/bad-values.csv", [
            "reviews/bad/bad-values.csv:2:4: 'recommendation' must be one of accept, minor-revisions, major-revisions, reject, not 'maybe'",
            "reviews/bad/bad-values.csv:3:5: 'from_line' and 'to_line' must be line numbers",
            "reviews/bad/bad-values.csv:4:7: 'kind' must be one of substantive, editorial, reference, not 'typo'",
        ]),
    ])
    func malformedReviewFilesGiveEveryProblem(file: String, expected: [String]) {
        do {
            _ = try submission(file)
            Issue.record("\(file) parsed")
        } catch {
            #expect((error as? ValidationFailure)?.problems.map(\.description) == expected)
        }
    }

    /// A sheet's problems are named as Excel names the cell, on the sheet's own rows: here a
    /// template with two rows above its header, so the first comment is on row 4.
    @Test func aSheetsProblemsAreNamedByCell() throws {
        let header = ["assessment", "draft", "reviewer", "recommendation", "from_line", "to_line", "kind", "comment"]
        let rows = [CSV.Row(line: 3, fields: header, sheet: "Comments"),
                    CSV.Row(line: 4, fields: ["A-2026-002", "1", "", "maybe", "3", "3", "editorial", "Fine."], sheet: "Comments"),
                    CSV.Row(line: 5, fields: ["A-2026-003", "1", "", "", "4", "4", "editorial", "Also."], sheet: "Comments")]
        #expect(throws: ValidationFailure([
            Problem(SourceLocation(file: "r.xlsx", line: 5, column: 1, sheet: "Comments"),
                    "'assessment' is 'A-2026-003' here but 'A-2026-002' in cell A4: one review per file"),
            Problem(SourceLocation(file: "r.xlsx", line: 4, column: 3, sheet: "Comments"), "missing value for 'reviewer'"),
            Problem(SourceLocation(file: "r.xlsx", line: 4, column: 4, sheet: "Comments"),
                    "'recommendation' must be one of accept, minor-revisions, major-revisions, reject, not 'maybe'"),
        ])) { try ReviewFile.parse(rows: rows, file: "r.xlsx") }
        #expect(SourceLocation(file: "r.xlsx", line: 4, column: 3, sheet: "Comments").description == "r.xlsx, sheet 'Comments', cell C4")
        #expect(SourceLocation(file: "r.xlsx", line: 12, column: 28, sheet: "S").cell == "AB12")
        #expect(SourceLocation(file: "r.xlsx", line: 1, column: 702, sheet: "S").cell == "ZZ1")
        #expect(SourceLocation(file: "r.xlsx", line: 1, column: 703, sheet: "S").cell == "AAA1")
    }

    @Test func lateReviewsFollowTheWorkflow() throws {
        var rapid = try inReview()
        try assigned(&rapid, ["exp-12"])
        let (review, hash) = try submission("reviews/exp-12-replication.yaml")
        var onRapid = review
        onRapid.assessment = "A-2026-001"
        let late = try ReviewDecisions.receive(onRapid, fileHash: hash, assessment: rapid.assessment, workflow: workflows["rapid-assessment"],
                                               members: members, now: day(30)).get()
        #expect(late[0].payload(as: ReviewReceived.self)?.review.late == true)

        var annual = try inReview(workflow: "annual-report")
        try assigned(&annual, ["exp-12"])
        let refused = ReviewDecisions.receive(onRapid, fileHash: hash, assessment: annual.assessment, workflow: workflows["annual-report"],
                                              members: members, now: day(100))
        guard case .failure(let failure) = refused else {
            Issue.record("a late review was accepted where the workflow rejects them")
            return
        }
        #expect(failure.problems.map(\.message) == ["the review window of exp-12 closed at \(Timestamp.format(day(57)))"])
    }

    // MARK: Responses, sign-off, votes, statements

    func reviewed() throws -> World {
        var world = try inReview()
        try assigned(&world, ["exp-12", "exp-19"])
        for file in ["reviews/exp-12-replication.yaml", "reviews/exp-19-replication.csv"] {
            let (review, hash) = try submission(file)
            var local = review
            local.assessment = "A-2026-001"
            world.add(try ReviewDecisions.receive(local, fileHash: hash, assessment: world.assessment,
                                                  workflow: workflows["rapid-assessment"], members: members, now: day(3)).get())
        }
        return world
    }

    func entry(_ comment: String, _ kind: ResponseKind, _ text: String = "Done.", line: Int = 2) -> ResponseEntry {
        ResponseEntry(comment: comment, kind: kind, text: text, location: SourceLocation(file: "m.csv", line: line, column: 1))
    }

    @Test func signOffWaitsForEverySubstantiveResponse() throws {
        var world = try reviewed()
        #expect(ReviewDecisions.signOff(world.assessment, comments: world.comments, members: members, actor: "exp-26", now: day(4))
            == .failure(Refusal("4 substantive comments have no response: C00001 (lines 7-7), C00002 (lines 8-8), C00005 (lines 9-9), C00006 (lines 22-24)")))
        let responses = ["C00001", "C00002", "C00005", "C00006"].enumerated().map { entry($0.element, .accepted, line: $0.offset + 2) }
        world.add(try ReviewDecisions.respond(responses, assessment: world.assessment, comments: world.comments, members: members,
                                              actor: "exp-04", now: day(4)).get())
        #expect(world.assessment.reviews.map(\.answered) == [2, 2])
        #expect(ReviewDecisions.signOff(world.assessment, comments: world.comments, members: members, actor: "exp-17", now: day(4))
            == .failure(Refusal("exp-17 is not a review editor of A-2026-001; only its review editors sign off")))
        world.add(try ReviewDecisions.signOff(world.assessment, comments: world.comments, members: members, actor: "exp-26", now: day(4)).get())
        #expect(world.assessment.signOffs == [SignOff(editor: "exp-26", stage: "expert-review")])
        #expect(ReviewDecisions.signOff(world.assessment, comments: world.comments, members: members, actor: "exp-26", now: day(4))
            == .failure(Refusal("exp-26 has already signed off A-2026-001 in expert-review")))
    }

    @Test func responsesAreAllOrNothing() throws {
        let world = try reviewed()
        let result = ReviewDecisions.respond([entry("C00001", .accepted), entry("C00099", .rejected, "No.", line: 3),
                                              entry("C00002", .noted, "", line: 4), entry("C00001", .noted, "again", line: 5)],
                                             assessment: world.assessment, comments: world.comments, members: members, actor: "exp-04", now: day(4))
        #expect(result == .failure(ValidationFailure([
            Problem(SourceLocation(file: "m.csv", line: 3, column: 1), "A-2026-001 has no comment 'C00099'"),
            Problem(SourceLocation(file: "m.csv", line: 4, column: 1), "a 'noted' response to C00002 needs a text explaining it"),
            Problem(SourceLocation(file: "m.csv", line: 5, column: 1), "comment C00001 is answered twice in this file"),
        ])))
        #expect(ReviewDecisions.respond([entry("C00001", .accepted)], assessment: world.assessment, comments: world.comments, members: members,
                                        actor: "exp-12", now: day(4))
            == .failure(ValidationFailure([Problem(SourceLocation(file: "m.csv", line: 2, column: 1), "exp-12 may not respond to comments on A-2026-001: only its authors or a chair may")])))
    }

    @Test func answeringTwiceCountsOnce() throws {
        var world = try reviewed()
        world.add(try ReviewDecisions.respond([entry("C00001", .accepted)], assessment: world.assessment, comments: world.comments,
                                              members: members, actor: "exp-04", now: day(4)).get())
        world.add(try ReviewDecisions.respond([entry("C00001", .acceptedInPart, "Partly.")], assessment: world.assessment, comments: world.comments,
                                              members: members, actor: "exp-04", now: day(5)).get())
        #expect(world.assessment.reviews[0].answered == 1)
        #expect(world.comments[0].response == .acceptedInPart)
    }

    @Test func noSignOffBeforeAnyReviewArrives() throws {
        let world = try inReview()
        #expect(ReviewDecisions.signOff(world.assessment, comments: world.comments, members: members, actor: "exp-26", now: day(2))
            == .failure(Refusal("no review of A-2026-001 in expert-review has arrived yet; a sign-off states that the reviews got appropriate consideration")))
    }

    @Test func votesAndStatementsFollowTheRules() throws {
        var world = try reviewed()
        var approval = world.assessment
        approval.stage = "approval"
        world.add([NewEvent(StageAdvanced(assessment: approval.id, from: "expert-review", to: "approval", requirements: []),
                            subject: approval.id, actor: "exp-01", time: day(5))])
        let workflow = workflows["rapid-assessment"]!
        #expect(ReviewDecisions.vote(.approve, reason: nil, on: world.assessment, workflow: workflow, members: members + [
            Member(id: "ext-1", name: "E", nationality: "NG", group: .african, gender: .male, affiliation: "X", roles: [], external: true),
        ], actor: "ext-1", now: day(5)) == .failure(Refusal("'ext-1' is not a member of the panel; only members vote")))
        #expect(ReviewDecisions.vote(.object, reason: nil, on: world.assessment, workflow: workflow, members: members, actor: "exp-09", now: day(5))
            == .failure(Refusal("an objection needs a --reason")))
        world.add(try ReviewDecisions.vote(.object, reason: "S2", on: world.assessment, workflow: workflow, members: members, actor: "exp-09", now: day(5)).get())
        world.add(try ReviewDecisions.vote(.approve, reason: nil, on: world.assessment, workflow: workflow, members: members, actor: "exp-09", now: day(6)).get())
        #expect(world.assessment.votes.map(\.choice) == [.object, .approve])

        #expect(ReviewDecisions.decideStatement("S9", .approved, reason: nil, on: world.assessment, workflow: workflow, members: members, actor: "exp-01", now: day(6))
            == .failure(Refusal("the latest draft of A-2026-001 has no statement S9 (statements: S1, S2, S3)")))
        #expect(ReviewDecisions.decideStatement("S2", .bracketed, reason: nil, on: world.assessment, workflow: workflow, members: members, actor: "exp-01", now: day(6))
            == .failure(Refusal("bracketing or deleting S2 needs a --reason")))
        #expect(ReviewDecisions.decideStatement("S2", .approved, reason: nil, on: world.assessment, workflow: workflow, members: members, actor: "exp-09", now: day(6))
            == .failure(Refusal("exp-09 is not a co-chair or vice-chair; a chair records statement decisions")))
        world.add(try ReviewDecisions.decideStatement("S2", .bracketed, reason: "no agreement", on: world.assessment, workflow: workflow,
                                                      members: members, actor: "exp-01", now: day(6)).get())
        #expect(world.assessment.statementDecisions == ["S2": .bracketed])
        #expect(ReviewDecisions.vote(.approve, reason: nil, on: try inReview().assessment, workflow: workflow, members: members, actor: "exp-09", now: day(5))
            == .failure(Refusal("stage 'expert-review' of A-2026-001 does not hold a vote")))
    }
}
