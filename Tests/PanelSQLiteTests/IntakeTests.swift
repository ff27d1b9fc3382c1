import Foundation
import Testing
@testable import PanelCore
@testable import PanelSQLite

/// A workspace-like setup: roster, a rapid assessment in expert review with
/// exp-12, exp-19 and exp-35 assigned, and an inbox holding fixture files.
final class ReviewWorld {
    let temporary: TemporaryStore
    let workflows: [String: Workflow]
    let inbox: URL
    let clock = FixedClock(Timestamp.parse("2026-04-05T09:00:00Z")!)

    init(kind: StoreKind = .sqlite, blinding: Blinding = .double) throws {
        temporary = try TemporaryStore(kind)
        workflows = try Fixtures.workflows(blinding: blinding.rawValue)
        let store = temporary.store
        let members = try Fixtures.members()
        let start = Timestamp.parse("2026-04-01T09:00:00Z")!
        try store.append(RosterDecisions.importRoster(members, current: [], actor: "secretariat", time: start).get())
        for _ in 1...2 {
            let open = OpenAssessment(title: "Replication", kind: .risk, domain: .aiSystemSafety, workflow: "rapid-assessment",
                                      authors: [AssessmentAuthor(member: "exp-04", role: .coordinatingLeadAuthor),
                                                AssessmentAuthor(member: "exp-17", role: .leadAuthor),
                                                AssessmentAuthor(member: "exp-26", role: .reviewEditor)], ratings: Ratings())
            try store.append(AssessmentDecisions.open(open, existing: try store.assessments(), workflows: workflows, members: members,
                                                      actor: "exp-01", now: start).get())
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("drafts/replication-v1.md"))))
        let text = try DraftText.read(bytes, file: "d.md").get()
        let workflow = workflows["rapid-assessment"]!
        try store.append(AssessmentDecisions.submitDraft(text, to: try store.assessment("A-2026-002")!, workflow: workflow, members: members,
                                                         actor: "exp-04", now: start).get(), objects: [text.hash: bytes])
        try store.append(AssessmentDecisions.advance(try store.assessment("A-2026-002")!, to: nil, workflow: workflow, members: members,
                                                     actor: "exp-04", now: start).get())
        try store.append(ReviewDecisions.assign(AssignmentRequest(who: .named(["exp-12", "exp-19", "exp-35"])),
                                                to: try store.assessment("A-2026-002")!, workflow: workflow, members: members,
                                                assessments: [], actor: "exp-01", now: start).get())
        inbox = temporary.directory.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
    }

    func drop(_ relatives: [String]) throws {
        for relative in relatives {
            let source = URL(fileURLWithPath: Fixtures.path(relative))
            try FileManager.default.copyItem(at: source, to: inbox.appendingPathComponent(source.lastPathComponent))
        }
    }

    func intake(actor: String = "cron", limits: ReviewLimits = .default,
                fault: ((ReviewIntake.Step, String) throws -> Void)? = nil) -> ReviewIntake {
        ReviewIntake(store: temporary.store, workflows: workflows, clock: clock, actor: actor, limits: limits, fault: fault)
    }

    func names(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent(folder).path)) ?? []).sorted()
    }

    var waiting: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: inbox.path)) ?? []).filter { $0 != "processed" && $0 != "rejected" }.sorted()
    }
}

@Suite("Review intake and the inbox")
struct IntakeTests {
    static let files = ["reviews/exp-12-replication.yaml", "reviews/exp-19-replication.csv", "reviews/bad/exp-35-lines-out-of-range.yaml"]

    @Test(arguments: StoreKind.available) func inboxRecordsMovesAndExplains(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        try world.drop(Self.files)
        let results = try world.intake().processInbox(world.inbox).files
        #expect(results.map(\.file) == ["exp-12-replication.yaml", "exp-19-replication.csv", "exp-35-lines-out-of-range.yaml"])
        #expect(results[0].outcome == .recorded(review: "A-2026-002:expert-review:exp-12", comments: 4))
        #expect(results[1].outcome == .recorded(review: "A-2026-002:expert-review:exp-19", comments: 3))
        #expect(world.waiting.isEmpty)
        #expect(world.names(in: "processed") == ["exp-12-replication.yaml", "exp-19-replication.csv"])
        #expect(world.names(in: "rejected") == ["exp-35-lines-out-of-range.yaml", "exp-35-lines-out-of-range.yaml.reason.txt"])
        let reason = try String(contentsOf: world.inbox.appendingPathComponent("rejected/exp-35-lines-out-of-range.yaml.reason.txt"), encoding: .utf8)
        #expect(reason == world.inbox.appendingPathComponent("exp-35-lines-out-of-range.yaml").path + ":10:5: lines 40-44 are not within draft 1 (lines 1-30)\n")
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(Self.files[0])))
        #expect(try world.temporary.store.object(SHA256Hex.of(original)) == [UInt8](original))
    }

    /// Only regular files that have settled are read: a file still arriving waits for the next
    /// run, a link (which could lead anywhere on the machine) and a pipe (which could block the
    /// job forever) are set aside with the reason, a subfolder is left and listed.
    @Test(.timeLimit(.minutes(1)), arguments: StoreKind.available) func theInboxReadsOnlySettledRegularFiles(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        try world.drop([Self.files[0], Self.files[1]])
        let manager = FileManager.default
        let old = Date().addingTimeInterval(-3_600)
        try manager.setAttributes([.modificationDate: old], ofItemAtPath: world.inbox.appendingPathComponent("exp-12-replication.yaml").path)
        try manager.setAttributes([.modificationDate: Date().addingTimeInterval(-3)], ofItemAtPath: world.inbox.appendingPathComponent("exp-19-replication.csv").path)
        try manager.createSymbolicLink(atPath: world.inbox.appendingPathComponent("linked.yaml").path,
                                       withDestinationPath: Fixtures.path(Self.files[0]))
        #expect(mkfifo(world.inbox.appendingPathComponent("pipe.yaml").path, 0o600) == 0)
        try manager.createDirectory(at: world.inbox.appendingPathComponent("later"), withIntermediateDirectories: true)
        let results = try world.intake().processInbox(world.inbox, settle: 10).files
        let inbox = world.inbox.path
        #expect(results.map(\.file) == ["linked.yaml", "pipe.yaml", "exp-12-replication.yaml", "exp-19-replication.csv", "later"])
        #expect(results.map(\.outcome) == [
            .rejected(["\(inbox)/linked.yaml: a symbolic link (to \(Fixtures.path(Self.files[0]))), not followed: put the file itself in the folder"]),
            .rejected(["\(inbox)/pipe.yaml: a named pipe, not a regular file; not read"]),
            .recorded(review: "A-2026-002:expert-review:exp-12", comments: 4),
            .left("\(inbox)/exp-19-replication.csv: left for the next run: modified 3 s ago, less than 10 s (it may still be being written)"),
            .left("\(inbox)/later/: a folder, not read (only files at the top level of \(inbox) are taken)"),
        ])
        #expect(world.waiting == ["exp-19-replication.csv", "later"])
        #expect(world.names(in: "rejected") == ["linked.yaml", "linked.yaml.reason.txt", "pipe.yaml", "pipe.yaml.reason.txt"])
        #expect(try world.temporary.store.reviews(of: "A-2026-002").count == 1)
        // Settled, it is taken by the next run.
        try manager.setAttributes([.modificationDate: old], ofItemAtPath: world.inbox.appendingPathComponent("exp-19-replication.csv").path)
        let next = try world.intake().processInbox(world.inbox, settle: 10).files
        #expect(next.map(\.outcome).contains(.recorded(review: "A-2026-002:expert-review:exp-19", comments: 3)))
        // Named on the command line, a pipe is refused too, without waiting for a writer.
        let pipe = world.temporary.directory.appendingPathComponent("named.yaml").path
        #expect(mkfifo(pipe, 0o600) == 0)
        #expect(try world.intake().submit(pipe) == .rejected(["\(pipe): a named pipe, not a regular file; not read"]))
    }

    @Test(arguments: StoreKind.available) func theSameFileTwiceIsRecordedOnce(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        try world.drop([Self.files[0]])
        _ = try world.intake().processInbox(world.inbox)
        try world.drop([Self.files[0]])
        let second = try world.intake().processInbox(world.inbox).files
        #expect(second.map(\.outcome) == [.alreadyReceived])
        #expect(world.names(in: "processed") == ["exp-12-replication.1.yaml", "exp-12-replication.yaml"])
        #expect(try world.temporary.store.reviews(of: "A-2026-002").count == 1)
        #expect(try world.intake().submit(Fixtures.path(Self.files[0])) == .alreadyReceived)
    }

    struct Crash: Error {}

    /// A run killed between any two steps leaves every file recorded or still
    /// in the inbox; the next run completes without duplicates.
    /// (The steps between a signed file and its signature are the signed files' own: see
    /// `SignedIntakeTests`.)
    @Test(arguments: StoreKind.available, ReviewIntake.Step.allCases.filter { $0 != .pairHalfMoved && $0 != .moveSignedFile })
    func crashAtAnyStepLosesNothingAndDuplicatesNothing(kind: StoreKind, step: ReviewIntake.Step) throws {
        for victim in Self.files.map({ URL(fileURLWithPath: $0).lastPathComponent }) {
            let world = try ReviewWorld(kind: kind)
            try world.drop(Self.files)
            var crashed = false
            do {
                _ = try world.intake(fault: { current, path in
                    if current == step && path.hasSuffix(victim) && !crashed {
                        crashed = true
                        throw Crash()
                    }
                }).processInbox(world.inbox)
            } catch is Crash {}
            // The exp-35 file is rejected, the others recorded: each step comes to two of the three.
            let rejectedFile = victim == "exp-35-lines-out-of-range.yaml"
            let reaches = switch step {
            case .read, .validate: true
            case .record, .moveProcessed: !rejectedFile
            case .writeReason, .moveRejected: rejectedFile
            case .pairHalfMoved, .moveSignedFile: false
            }
            #expect(crashed == reaches, "step \(step), file \(victim)")
            // Invariant after the crash: no file vanished.
            let everywhere = world.waiting + world.names(in: "processed") + world.names(in: "rejected").filter { !$0.hasSuffix(".reason.txt") }
            #expect(Set(everywhere) == Set(Self.files.map { URL(fileURLWithPath: $0).lastPathComponent }), "step \(step), file \(victim)")
            // The next run completes.
            _ = try world.intake().processInbox(world.inbox)
            #expect(world.waiting.isEmpty, "step \(step), file \(victim)")
            #expect(world.names(in: "processed") == ["exp-12-replication.yaml", "exp-19-replication.csv"], "step \(step), file \(victim)")
            #expect(world.names(in: "rejected") == ["exp-35-lines-out-of-range.yaml", "exp-35-lines-out-of-range.yaml.reason.txt"])
            let reviews = try world.temporary.store.reviews(of: "A-2026-002")
            #expect(reviews.map(\.reviewer) == ["exp-12", "exp-19"], "step \(step), file \(victim)")
            #expect(try world.temporary.store.comments(of: "A-2026-002").count == 7)
            #expect(try world.temporary.store.verifyChain().firstBreak == nil)
        }
    }

    /// processed/ refusing its files (here by the fault hook, as root is refused nothing): the
    /// rejected file still goes to rejected/, every file is reported, the refusal is said once,
    /// and the recorded files wait in the inbox for the next run, which moves them.
    @Test func aFolderThatRefusesItsFilesLeavesTheRestOfTheRun() throws {
        let world = try ReviewWorld(kind: .sqlite)
        try world.drop(Self.files)
        let refusal = DropFolderError(path: world.inbox.appendingPathComponent("processed").path,
                                      problem: "cannot move files into it (Permission denied)")
        let run = try world.intake(fault: { step, _ in if step == .moveProcessed { throw refusal } }).processInbox(world.inbox)
        #expect(run.unmovable == [refusal])
        #expect(run.files.map(\.place) == ["exp-12-replication.yaml", "exp-19-replication.csv", "rejected/exp-35-lines-out-of-range.yaml"])
        #expect(run.files.map { if case .recorded = $0.outcome { true } else { false } } == [true, true, false])
        #expect(world.waiting == ["exp-12-replication.yaml", "exp-19-replication.csv"])
        #expect(try world.temporary.store.reviews(of: "A-2026-002").count == 2)
        let next = try world.intake().processInbox(world.inbox)
        #expect(next.unmovable.isEmpty && next.files.map(\.outcome) == [.alreadyReceived, .alreadyReceived])
        #expect(world.names(in: "processed") == ["exp-12-replication.yaml", "exp-19-replication.csv"])
        #expect(world.waiting.isEmpty)
    }

    /// A file another process takes away between its recording and its move is reported as gone
    /// (place empty), not as a folder refusing it: no refusal, no stray reason, the rest moves.
    @Test func aFileTakenAwayMidRunIsGoneNotRefused() throws {
        let world = try ReviewWorld(kind: .sqlite)
        try world.drop(Self.files)
        let run = try world.intake(fault: { step, path in
            if (step == .moveProcessed || step == .writeReason), path.hasSuffix("/exp-12-replication.yaml") || path.hasSuffix("/exp-35-lines-out-of-range.yaml") {
                try FileManager.default.removeItem(atPath: path)
            }
        }).processInbox(world.inbox)
        #expect(run.unmovable.isEmpty)
        #expect(run.files.map(\.place) == ["", "processed/exp-19-replication.csv", ""])
        #expect(world.waiting.isEmpty)
        #expect(world.names(in: "rejected").isEmpty)
        #expect(try world.temporary.store.reviews(of: "A-2026-002").count == 2)
    }

    /// A store that refuses part-way (here in the second chunk, one file a chunk) stops the run:
    /// what the first chunk recorded is moved and reported, that chunk's file and every later one
    /// stay in the inbox unrecorded (none rejected), and the next run takes them.
    @Test(arguments: StoreKind.available) func aStoreThatStopsTheRunKeepsWhatItMoved(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        try world.drop(Self.files)
        let second = world.inbox.appendingPathComponent("exp-19-replication.csv").path
        let refusal = StoreError.backdated(time: "2026-04-10T09:00:00.000Z", last: "2026-04-11T09:00:00.000Z", sequence: 9)
        let intake = world.intake(fault: { step, path in if step == .record && path == second { throw refusal } })
        intake.batchSize = 1
        let run = try intake.processInbox(world.inbox)
        let stopped = try #require(run.stopped)
        #expect(stopped.refused && stopped.unrecorded == [second, world.inbox.appendingPathComponent("exp-35-lines-out-of-range.yaml").path])
        #expect(run.files.map(\.place) == ["processed/exp-12-replication.yaml"])
        #expect(world.waiting == ["exp-19-replication.csv", "exp-35-lines-out-of-range.yaml"])
        #expect(world.names(in: "rejected").isEmpty)
        #expect(try world.temporary.store.reviews(of: "A-2026-002").map(\.reviewer) == ["exp-12"])
        let next = try world.intake().processInbox(world.inbox)
        #expect(next.stopped == nil && world.waiting.isEmpty)
        #expect(try world.temporary.store.reviews(of: "A-2026-002").map(\.reviewer) == ["exp-12", "exp-19"])
        #expect(world.names(in: "rejected") == ["exp-35-lines-out-of-range.yaml", "exp-35-lines-out-of-range.yaml.reason.txt"])
    }

    @Test(arguments: StoreKind.available) func matrixRoundTripThroughTheInbox(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        try world.drop(Array(Self.files.prefix(2)))
        _ = try world.intake().processInbox(world.inbox)
        let assessment = try #require(try world.temporary.store.assessment("A-2026-002"))
        let names = ReviewerNames(assessment: assessment, workflow: world.workflows["rapid-assessment"], audience: .authors)
        var rows = CommentMatrix.rows(try world.temporary.store.comments(of: "A-2026-002"), assessment: assessment, names: names)
        for index in rows.indices {
            rows[index].response = rows[index].kind == .substantive ? .accepted : .noted
            rows[index].responseText = "Handled in draft 2, \"as suggested\", with care."
        }
        try Data(CommentMatrix.csv(rows).utf8).write(to: world.inbox.appendingPathComponent("responses.csv"))
        let results = try world.intake(actor: "exp-04").processInbox(world.inbox).files
        #expect(results.map(\.outcome) == [.responses(assessment: "A-2026-002", count: 7)])
        let comments = try world.temporary.store.comments(of: "A-2026-002")
        #expect(comments.allSatisfy { $0.response != nil })
        #expect(comments[0].responseText == "Handled in draft 2, \"as suggested\", with care.")
        #expect(try world.temporary.store.assessment("A-2026-002")?.reviews.map(\.answered) == [2, 2])
    }

    @Test(arguments: StoreKind.available) func aBadMatrixRowImportsNothing(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind)
        try world.drop(Array(Self.files.prefix(1)))
        _ = try world.intake().processInbox(world.inbox)
        let matrix = """
            comment_id,assessment,draft,reviewer,from_line,to_line,kind,comment,response,response_text
            C00001,A-2026-002,1,R1,7,7,substantive,x,accepted,Done.
            C00002,A-2026-002,1,R1,8,8,substantive,x,maybe,Hmm.

            """
        let path = world.temporary.directory.appendingPathComponent("matrix.csv").path
        try Data(matrix.utf8).write(to: URL(fileURLWithPath: path))
        #expect(try world.intake(actor: "exp-04").submit(path) == .rejected([
            "\(path):3:9: response 'maybe' must be one of accepted, accepted-in-part, rejected, noted",
        ]))
        #expect(try world.temporary.store.comments(of: "A-2026-002").allSatisfy { $0.response == nil })
    }
}

/// Reviewer identities never reach author-facing output under single or double blinding.
@Suite("Blinding")
struct BlindingTests {
    @Test(arguments: StoreKind.available, [Blinding.single, .double])
    func authorFacingOutputNamesNoReviewer(kind: StoreKind, blinding: Blinding) throws {
        let world = try ReviewWorld(kind: kind, blinding: blinding)
        try world.drop(["reviews/exp-12-replication.yaml", "reviews/exp-19-replication.csv"])
        _ = try world.intake().processInbox(world.inbox)
        let store = world.temporary.store
        let assessment = try #require(try store.assessment("A-2026-002"))
        let members = try store.members()
        #expect(Audience.of("exp-04", on: assessment, members: members) == .authors)
        let names = ReviewerNames(assessment: assessment, workflow: world.workflows["rapid-assessment"], audience: .authors)
        let rows = CommentMatrix.rows(try store.comments(of: "A-2026-002"), assessment: assessment, names: names)
        let record = ReviewRecord(assessment: assessment, reviews: try store.reviews(of: "A-2026-002"),
                                  comments: try store.comments(of: "A-2026-002"), names: names)
        let outputs = [CommentMatrix.csv(rows), try EventCoding.encode(rows, type: "matrix"), try EventCoding.encode(record, type: "record"), record.markdown]
        let reviewers = members.filter { ["exp-12", "exp-19"].contains($0.id) }
        for output in outputs {
            for reviewer in reviewers {
                #expect(!output.contains(reviewer.id), "\(reviewer.id) appears under \(blinding) blinding")
                #expect(!output.contains(reviewer.name), "\(reviewer.name) appears under \(blinding) blinding")
                #expect(!output.contains(reviewer.affiliation), "\(reviewer.affiliation) appears under \(blinding) blinding")
            }
        }
        #expect(rows.map(\.reviewer) == ["R1", "R1", "R1", "R1", "R2", "R2", "R2"])
        // Chairs see everything.
        #expect(Audience.of("exp-01", on: assessment, members: members) == .chairs)
        let chairs = ReviewerNames(assessment: assessment, workflow: world.workflows["rapid-assessment"], audience: .chairs)
        #expect(Set(CommentMatrix.rows(try store.comments(of: "A-2026-002"), assessment: assessment, names: chairs).map(\.reviewer)) == ["exp-12", "exp-19"])
    }

    @Test(arguments: StoreKind.available) func withoutBlindingAuthorsSeeReviewers(kind: StoreKind) throws {
        let world = try ReviewWorld(kind: kind, blinding: .none)
        try world.drop(["reviews/exp-12-replication.yaml"])
        _ = try world.intake().processInbox(world.inbox)
        let assessment = try #require(try world.temporary.store.assessment("A-2026-002"))
        let names = ReviewerNames(assessment: assessment, workflow: world.workflows["rapid-assessment"], audience: .authors)
        #expect(names.label("exp-12", stage: "expert-review") == "exp-12")
    }
}

enum SHA256Hex {
    static func of(_ data: Data) -> String {
        var hasher = Crypto.SHA256()
        hasher.update(data: data)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

import Crypto

@Suite("The reference drop folder")
struct ReferenceDropTests {
    struct Stop: Error {}

    func drop(_ temporary: TemporaryStore) throws -> URL {
        let folder = temporary.objects.root.deletingLastPathComponent().appendingPathComponent("drop-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for relative in ["references/jats/autonomous-replication.xml", "references/pubmed/pubmed-ai-health.xml", "references-bad/truncated.xml"] {
            let source = URL(fileURLWithPath: Fixtures.path(relative))
            try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent(source.lastPathComponent))
        }
        return folder
    }

    func ingester(_ temporary: TemporaryStore) throws -> ReferenceIngester {
        try ReferenceIngester(store: temporary.store, objects: temporary.objects, registry: ReferenceAdapterRegistry(),
                              clock: FixedClock(Timestamp.parse("2026-04-10T09:00:00Z")!), actor: "cron")
    }

    func names(_ folder: URL, _ sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test(arguments: StoreKind.available) func filesMoveByOutcomeAndTheNextRunCostsNothing(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let folder = try drop(temporary)
        let outcome = try ReferenceDrop(ingester: try ingester(temporary)).process(folder)
        #expect(outcome.report.added == 5 && outcome.report.rejected.count == 1)
        #expect(names(folder, "processed") == ["autonomous-replication.xml", "pubmed-ai-health.xml"])
        #expect(names(folder, "rejected") == ["truncated.xml", "truncated.xml.reason.txt"])
        let reason = try String(contentsOf: folder.appendingPathComponent("rejected/truncated.xml.reason.txt"), encoding: .utf8)
        #expect(reason.contains("truncated.xml:31:146: the file ends inside <p> with 4 elements still open (truncated?)"))
        // Tomorrow: nothing new, nothing rejected again.
        let again = try ReferenceDrop(ingester: try ingester(temporary)).process(folder)
        #expect(again.report.files == 0 && again.report.rejected.isEmpty && again.moved.isEmpty)
    }

    /// A folder given with `.` or `..` in its path: a rejected file still goes to rejected/ with its
    /// reason (the report's paths are standardized, and were once not matched to the folder's).
    @Test func aFolderPathWithDotsStillSortsRejections() throws {
        let temporary = try TemporaryStore()
        let folder = try drop(temporary)
        let dotted = URL(fileURLWithPath: folder.deletingLastPathComponent().path + "/./" + folder.lastPathComponent + "/../" + folder.lastPathComponent)
        let outcome = try ReferenceDrop(ingester: try ingester(temporary)).process(dotted)
        #expect(outcome.moved.map(\.place) == ["processed/autonomous-replication.xml", "processed/pubmed-ai-health.xml", "rejected/truncated.xml"])
        #expect(names(folder, "rejected") == ["truncated.xml", "truncated.xml.reason.txt"])
    }

    /// A reference names the file it came from where that file is kept: in processed/, under the
    /// name it was moved to (a free one when processed/ already has the name), not in the drop
    /// folder it has left.
    @Test(arguments: StoreKind.available) func referencesRecordTheFileWhereItIsKept(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let folder = try drop(temporary)
        let processed = folder.appendingPathComponent("processed")
        try FileManager.default.createDirectory(at: processed, withIntermediateDirectories: true)
        try Data("yesterday's file of the same name\n".utf8).write(to: processed.appendingPathComponent("autonomous-replication.xml"))
        let outcome = try ReferenceDrop(ingester: try ingester(temporary)).process(folder)
        #expect(outcome.moved.map(\.place) == ["processed/autonomous-replication.1.xml", "processed/pubmed-ai-health.xml", "rejected/truncated.xml"])
        let references = try temporary.store.references(limit: 100, offset: 0)
        #expect(references.count == 5)
        #expect(Set(references.map(\.source)) == [
            processed.appendingPathComponent("autonomous-replication.1.xml").path,
            processed.appendingPathComponent("pubmed-ai-health.xml").path,
        ])
        for reference in references {
            // The file at the recorded path is the one whose bytes the reference keeps.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: reference.source))
            #expect(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() == reference.object)
        }
    }

    /// The report names each file where the run left it (processed/ or rejected/), where the user
    /// will look for it, not in the drop folder it has left: its warnings, its rejection, its
    /// duplicate notes.
    @Test(arguments: StoreKind.available) func theReportNamesEachFileWhereItWent(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let folder = try drop(temporary)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("autonomous-replication.xml"),
                                         to: folder.appendingPathComponent("autonomous-replication-again.xml"))
        let feed = """
            <rss version="2.0"><channel><title>News</title>
            <item><title>Item 1</title><guid>https://example.org/item-1</guid><pubDate>sometime next week</pubDate></item>
            </channel></rss>
            """
        try Data(feed.utf8).write(to: folder.appendingPathComponent("news.rss"))
        // Beside it, a file whose name is the first's and more, that the feed's warning must not be given to.
        try Data(feed.replacingOccurrences(of: "item-1", with: "item-2").utf8).write(to: folder.appendingPathComponent("news.rss:2.rss"))
        // And yesterday's news.rss in processed/: today's goes to a free name there.
        let processed = folder.appendingPathComponent("processed").path
        try FileManager.default.createDirectory(atPath: processed, withIntermediateDirectories: true)
        try Data("yesterday's\n".utf8).write(to: URL(fileURLWithPath: processed + "/news.rss"))
        let outcome = try ReferenceDrop(ingester: try ingester(temporary)).process(folder)
        #expect(outcome.moved.filter { $0.file.hasPrefix("news") }.map(\.place) == ["processed/news.1.rss", "processed/news.rss:2.rss"])
        #expect(outcome.report.warnings.filter { $0.contains("sometime next week") } == [
            "\(processed)/news.1.rss: record 1: <pubDate> 'sometime next week' is not a date in a form this reader knows; stored undated",
            "\(processed)/news.rss:2.rss: record 1: <pubDate> 'sometime next week' is not a date in a form this reader knows; stored undated",
        ])
        #expect(!outcome.report.warnings.contains { $0.hasPrefix(folder.path + "/news.rss") })
        let rejected = folder.path + "/rejected/truncated.xml"
        #expect(outcome.report.rejected.map(\.source) == [rejected])
        #expect(outcome.report.rejected.count == 1 && outcome.report.rejected[0].message.hasPrefix(rejected + ":"))
        #expect(outcome.report.duplicateNotes.map(\.source) == [processed + "/autonomous-replication.xml"])
        #expect(outcome.report.duplicateNotes.map(\.existing) == outcome.report.references.prefix(1).map { $0 })
    }

    /// The planned name taken between the ingest and the move (another process writing into
    /// processed/): the file goes to a free name and the report says where its references point.
    @Test func aPlannedNameTakenBeforeTheMoveIsSaid() throws {
        let temporary = try TemporaryStore()
        let folder = try drop(temporary)
        let processed = folder.appendingPathComponent("processed")
        let race = ReferenceDrop(ingester: try ingester(temporary)) { step, path in
            if step == .moveProcessed, path.hasSuffix("/pubmed-ai-health.xml") {
                try Data("someone else's\n".utf8).write(to: processed.appendingPathComponent("pubmed-ai-health.xml"))
            }
        }
        let outcome = try race.process(folder)
        #expect(outcome.moved.map(\.place).contains("processed/pubmed-ai-health.1.xml"))
        #expect(outcome.report.warnings.contains(
            "\(processed.path)/pubmed-ai-health.1.xml: processed/pubmed-ai-health.xml, the name planned for it, was taken while the run went on (by another process?); references recorded from it in this run name processed/pubmed-ai-health.xml"
        ))
    }

    /// A link to a file elsewhere is not read (whoever can write to the drop folder must not make
    /// the job store, say, /etc/passwd), nor a pipe; a file still being uploaded waits, and a
    /// subfolder is listed, not walked.
    @Test(.timeLimit(.minutes(1)), arguments: StoreKind.available) func linksPipesAndPartialFilesAreNotRead(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let folder = try drop(temporary)
        let manager = FileManager.default
        try manager.removeItem(at: folder.appendingPathComponent("truncated.xml"))
        try manager.removeItem(at: folder.appendingPathComponent("pubmed-ai-health.xml"))
        try manager.createSymbolicLink(atPath: folder.appendingPathComponent("linked.xml").path,
                                       withDestinationPath: Fixtures.path("references/pubmed/pubmed-ai-health.xml"))
        #expect(mkfifo(folder.appendingPathComponent("pipe.xml").path, 0o600) == 0)
        try manager.copyItem(atPath: Fixtures.path("references/pubmed/pubmed-ai-health.xml"), toPath: folder.appendingPathComponent("upload.xml.part").path)
        try manager.createDirectory(at: folder.appendingPathComponent("2026-11"), withIntermediateDirectories: true)
        let outcome = try ReferenceDrop(ingester: try ingester(temporary), settle: 0).process(folder)
        #expect(outcome.report.added == 1)
        #expect(outcome.report.rejected.map(\.message) == [
            "\(folder.path)/rejected/linked.xml: a symbolic link (to \(Fixtures.path("references/pubmed/pubmed-ai-health.xml"))), not followed: put the file itself in the folder",
            "\(folder.path)/rejected/pipe.xml: a named pipe, not a regular file; not read",
        ])
        #expect(outcome.report.skipped == 2)
        #expect(outcome.report.skippedFiles.map(\.source) == ["\(folder.path)/2026-11", "\(folder.path)/upload.xml.part"])
        #expect(names(folder, "rejected") == ["linked.xml", "linked.xml.reason.txt", "pipe.xml", "pipe.xml.reason.txt"])
        #expect(try temporary.store.referenceCount() == 1)
        // Renamed when complete, the upload is taken by the next run.
        try manager.moveItem(at: folder.appendingPathComponent("upload.xml.part"), to: folder.appendingPathComponent("upload.xml"))
        let next = try ReferenceDrop(ingester: try ingester(temporary), settle: 0).process(folder)
        #expect(next.report.added == 4 && next.moved.map(\.place) == ["processed/upload.xml"])
    }

    /// A file dropped as `NAME.reason.txt` and set aside keeps its bytes when a later `NAME` is
    /// rejected: that file's reason goes beside it under a free name.
    @Test func aReasonNeverOverwritesAnotherFile() throws {
        let temporary = try TemporaryStore()
        let folder = try drop(temporary)
        let notes = folder.appendingPathComponent("truncated.xml.reason.txt")
        let truncated = folder.appendingPathComponent("truncated.xml")
        let aside = folder.deletingLastPathComponent().appendingPathComponent("truncated-\(UUID().uuidString.prefix(6)).xml")
        try FileManager.default.moveItem(at: truncated, to: aside)
        try Data("somebody's notes\n".utf8).write(to: notes)
        let first = try ReferenceDrop(ingester: try ingester(temporary)).process(folder)
        #expect(first.moved.map(\.place).contains("rejected/truncated.xml.reason.txt"))
        try FileManager.default.moveItem(at: aside, to: truncated)
        let second = try ReferenceDrop(ingester: try ingester(temporary)).process(folder)
        #expect(second.moved.map(\.place) == ["rejected/truncated.1.xml"])
        let kept = try String(contentsOf: folder.appendingPathComponent("rejected/truncated.xml.reason.txt"), encoding: .utf8)
        #expect(kept == "somebody's notes\n")
        let reason = try String(contentsOf: folder.appendingPathComponent("rejected/truncated.1.xml.reason.txt"), encoding: .utf8)
        #expect(reason.contains("truncated.xml:31:146: the file ends inside <p>"))
    }

    /// The store refusing (a clock behind the log) or failing is no fault of the files. A clock
    /// already behind the log refuses the run before it reads or moves anything; a store that
    /// refuses part-way (here another process records a later event once the run has begun)
    /// stops it: nothing rejected, nothing unrecorded moved, and the next run takes them all.
    @Test(arguments: StoreKind.available) func aStoreFaultLeavesTheFilesForTheNextRun(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        let folder = try drop(temporary)
        func ingester(at time: String) throws -> ReferenceIngester {
            try ReferenceIngester(store: temporary.store, objects: temporary.objects, registry: ReferenceAdapterRegistry(),
                                  clock: FixedClock(Timestamp.parse(time)!), actor: "cron")
        }
        let later = try ingester(at: "2026-04-11T09:00:00Z")
        #expect(later.ingest(paths: [Fixtures.path("references/crossref/crossref-deposit.xml")]).added > 0)
        #expect(throws: StoreError.backdated(time: "2026-04-10T09:00:00.000Z", last: "2026-04-11T09:00:00.000Z", sequence: 1)) {
            try ReferenceDrop(ingester: try self.ingester(temporary)).process(folder)
        }
        #expect(names(folder, "processed").isEmpty && names(folder, "rejected").isEmpty)
        // Part-way: the run's clock is right when it begins, and behind once another records later.
        let overtaken = try ReferenceDrop(ingester: later) { step, _ in
            if step == .ingest {
                _ = try ingester(at: "2026-04-12T09:00:00Z").ingest(paths: [Fixtures.path("references/akn/unga-resolution-ai-panel.xml")])
            }
        }.process(folder)
        let stopped = try #require(overtaken.report.stopped)
        #expect(stopped.refused && stopped.message.contains("no record may be backdated"))
        #expect(stopped.unrecorded == ["autonomous-replication.xml", "pubmed-ai-health.xml", "truncated.xml"].map { folder.appendingPathComponent($0).path })
        #expect(overtaken.report.rejected.isEmpty && overtaken.report.added == 0 && overtaken.moved.isEmpty)
        #expect(names(folder, "processed").isEmpty && names(folder, "rejected").isEmpty)
        let next = try ReferenceDrop(ingester: try ingester(at: "2026-04-12T10:00:00Z")).process(folder)
        #expect(next.report.stopped == nil && next.report.added == 5 && next.report.rejected.count == 1)
        #expect(names(folder, "processed") == ["autonomous-replication.xml", "pubmed-ai-health.xml"])
        #expect(try temporary.store.verifyState().isEmpty)
    }

    /// What the database refuses of one file's data (here a second reference under a taken id,
    /// as two canonical hashes alike in their first 48 bits would give) is that file's fault: the
    /// file is rejected and the run goes on. The store failing (full, locked) stops the run.
    @Test(arguments: StoreKind.available) func dataTheStoreRefusesIsTheFilesFault(kind: StoreKind) throws {
        let temporary = try TemporaryStore(kind)
        func reference(hash: String) -> Reference {
            var metadata = ReferenceMetadata()
            metadata.title = "A study"
            return Reference(id: "ref-000000000001", format: .generic, adapter: "generic", metadata: metadata, canonicalHash: hash,
                             object: "o", source: "s.xml", recordIndex: 0, ingestedAt: "2026-01-01T00:00:00.000Z")
        }
        try temporary.store.write { try $0.insert(reference(hash: "h1")) }
        var refused: (any Error)?
        do {
            try temporary.store.writeBatch { batch in try batch.file { try $0.insert(reference(hash: "h2")) } }
        } catch {
            refused = error
        }
        guard case StoreError.dataRefused? = refused else {
            Issue.record("expected the data refused, not \(String(describing: refused))")
            return
        }
        #expect(!IngestStop.isRunFault(refused!))
        #expect(IngestStop.isRunFault(StoreError.database(path: "p", detail: "the disk is full")))
        #expect(IngestStop.isRunFault(StoreError.backdated(time: "t", last: "l", sequence: 1)))
        #expect(!IngestStop.isRunFault(IngestError.missing("x.xml")))
        #expect(IngestStop.isRunFault(CocoaError(.fileWriteOutOfSpace)))
        #expect(try temporary.store.referenceCount() == 1)
    }

    /// A file taken away while the run goes on (by another process) is said to be gone: not
    /// rejected, no reason written for it, no folder blamed.
    @Test func aFileGoneDuringTheRunIsSaidToBeGone() throws {
        let temporary = try TemporaryStore()
        let folder = try drop(temporary)
        let truncated = folder.appendingPathComponent("truncated.xml")
        let outcome = try ReferenceDrop(ingester: try ingester(temporary)) { step, _ in
            if step == .ingest { try FileManager.default.removeItem(at: truncated) }
        }.process(folder)
        #expect(outcome.report.rejected.isEmpty && outcome.unmovable.isEmpty)
        #expect(outcome.report.warnings.contains("\(truncated.path): gone from the drop folder while the run went on (moved or deleted by another process?)"))
        #expect(outcome.moved.map(\.place) == ["processed/autonomous-replication.xml", "processed/pubmed-ai-health.xml"])
        #expect(names(folder, "rejected").isEmpty)
    }

    /// processed/ refusing its files (here by the fault hook, as root is refused nothing): the
    /// rejected file still goes to rejected/, the report is whole, the refusal is said once, and
    /// the recorded files wait in the drop folder for the next run, which moves them.
    @Test func aFolderThatRefusesItsFilesLeavesTheRestOfTheRun() throws {
        let temporary = try TemporaryStore()
        let folder = try drop(temporary)
        let processed = folder.appendingPathComponent("processed").path
        let refusal = DropFolderError(path: processed, problem: "cannot move files into it (Permission denied)")
        let refusing = ReferenceDrop(ingester: try ingester(temporary)) { step, _ in
            if step == .moveProcessed { throw refusal }
        }
        let outcome = try refusing.process(folder)
        #expect(outcome.unmovable == [refusal])
        #expect(outcome.moved.map(\.place) == ["rejected/truncated.xml"])
        #expect(outcome.report.added == 5 && outcome.report.rejected.map(\.source) == [folder.path + "/rejected/truncated.xml"])
        #expect(FileManager.default.fileExists(atPath: folder.path + "/autonomous-replication.xml"))
        let next = try ReferenceDrop(ingester: try ingester(temporary)).process(folder)
        #expect(next.unmovable.isEmpty && next.report.added == 0 && next.report.duplicates == 5)
        #expect(names(folder, "processed") == ["autonomous-replication.xml", "pubmed-ai-health.xml"])
    }

    /// Stopped at every step, then run again: every file ends once in processed/ or rejected/,
    /// and the store holds each reference once.
    @Test(arguments: StoreKind.available, ReferenceDrop.Step.allCases)
    func aRunStoppedAtAnyStepIsFinishedByTheNext(kind: StoreKind, step: ReferenceDrop.Step) throws {
        let temporary = try TemporaryStore(kind)
        let folder = try drop(temporary)
        var stopped = false
        let faulty = ReferenceDrop(ingester: try ingester(temporary)) { at, _ in
            if at == step && !stopped { stopped = true; throw Stop() }
        }
        #expect(throws: Stop.self) { try faulty.process(folder) }
        _ = try ReferenceDrop(ingester: try ingester(temporary)).process(folder)
        #expect(names(folder, "processed") == ["autonomous-replication.xml", "pubmed-ai-health.xml"])
        #expect(names(folder, "rejected").filter { !$0.hasSuffix(".reason.txt") } == ["truncated.xml"])
        #expect(try temporary.store.referenceCount() == 5)
        #expect(try temporary.store.verifyState().isEmpty)
    }
}
