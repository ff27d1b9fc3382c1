import Foundation
import PanelTestSupport
import Testing
@testable import PanelCore
@testable import PanelSQLite

/// Signed review and response files through the intake, with keys and
/// signatures made by the real `ssh-keygen` at test time.
@Suite("Signed review files")
struct SignedIntakeTests {
    struct Keys {
        var exp12: (path: String, publicLine: String)
        var exp19: (path: String, publicLine: String)
        var exp04: (path: String, publicLine: String)
        var stranger: (path: String, publicLine: String)
    }

    /// The review world, with fresh keys for exp-12 (Ed25519), exp-19 (ECDSA) and the author exp-04 (RSA) on the roster.
    func world(_ kind: StoreKind = .sqlite) throws -> (ReviewWorld, Keys) {
        let world = try ReviewWorld(kind: kind)
        let folder = world.temporary.directory.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let keys = Keys(exp12: try SSHKeygen.key("ed25519", in: folder, name: "exp-12"),
                        exp19: try SSHKeygen.key("ecdsa", in: folder, name: "exp-19"),
                        exp04: try SSHKeygen.key("rsa", in: folder, name: "exp-04"),
                        stranger: try SSHKeygen.key("ed25519", in: folder, name: "stranger"))
        var roster = try world.temporary.store.members()
        for (id, line) in [("exp-12", keys.exp12.publicLine), ("exp-19", keys.exp19.publicLine), ("exp-04", keys.exp04.publicLine)] {
            let index = try #require(roster.firstIndex { $0.id == id })
            roster[index].signingKeys = [line]
        }
        try world.temporary.store.append(try RosterDecisions.importRoster(
            roster, current: try world.temporary.store.members(), actor: "exp-01", time: world.clock.now()).get())
        return (world, keys)
    }

    /// A fixture review copied into the inbox and signed there.
    func signedReview(_ relative: String, in world: ReviewWorld, key: String?, namespace: String = "panel-review") throws -> URL {
        let source = URL(fileURLWithPath: Fixtures.path(relative))
        let target = world.inbox.appendingPathComponent(source.lastPathComponent)
        try FileManager.default.copyItem(at: source, to: target)
        if let key { try SSHKeygen.sign(target.path, key: key, namespace: namespace) }
        return target
    }

    /// The review's recommendation changed after it was signed: the signature no longer matches.
    func changeAfterSigning(_ file: URL) throws {
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "major-revisions", with: "accept")
        try Data(text.utf8).write(to: file)
    }

    /// An intake whose fault hook throws `error` at `step`.
    func intake(_ world: ReviewWorld, failing step: ReviewIntake.Step, with error: any Error) -> ReviewIntake {
        ReviewIntake(store: world.temporary.store, workflows: world.workflows, clock: world.clock, actor: "cron",
                     fault: { current, _ in if current == step { throw error } })
    }

    func intake(_ world: ReviewWorld, requireSignature: Bool = false, actor: String = "cron") -> ReviewIntake {
        ReviewIntake(store: world.temporary.store, workflows: world.workflows, clock: world.clock, actor: actor,
                     requireSignature: requireSignature)
    }

    @Test(arguments: StoreKind.available) func aReviewSignedByItsReviewerIsRecordedWithTheKey(kind: StoreKind) throws {
        let (world, keys) = try world(kind)
        _ = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        _ = try signedReview("reviews/exp-19-replication.csv", in: world, key: keys.exp19.path)
        let results = try intake(world, requireSignature: true).processInbox(world.inbox).files
        #expect(results.map(\.outcome) == [.recorded(review: "A-2026-002:expert-review:exp-12", comments: 4),
                                           .recorded(review: "A-2026-002:expert-review:exp-19", comments: 3)])
        let reviews = try world.temporary.store.reviews(of: "A-2026-002")
        #expect(reviews.map(\.signedWith) == [
            SSHSignature.fingerprint(ofKeyBlob: try #require(SSHSignature.keyBlob(ofLine: keys.exp12.publicLine))),
            SSHSignature.fingerprint(ofKeyBlob: try #require(SSHSignature.keyBlob(ofLine: keys.exp19.publicLine))),
        ])
        #expect(world.names(in: "processed") == ["exp-12-replication.yaml", "exp-12-replication.yaml.sig",
                                                 "exp-19-replication.csv", "exp-19-replication.csv.sig"])
        #expect(try world.temporary.store.verifyState() == [])
    }

    func rejection(_ world: ReviewWorld, requireSignature: Bool = false) throws -> String {
        let results = try intake(world, requireSignature: requireSignature).processInbox(world.inbox).files
        guard case .rejected(let reasons)? = results.first?.outcome else {
            Issue.record("not rejected: \(results)")
            return ""
        }
        #expect(try world.temporary.store.reviews(of: "A-2026-002").isEmpty, "nothing was recorded")
        return reasons.joined(separator: "\n")
    }

    @Test func aFileChangedAfterSigningIsRejectedAndKeptWithItsSignature() throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        try changeAfterSigning(file)
        #expect(try rejection(world) == "\(file.path).sig: the signature does not match the file: it was changed after signing, or signed by another key")
        #expect(world.names(in: "rejected") == ["exp-12-replication.yaml", "exp-12-replication.yaml.reason.txt", "exp-12-replication.yaml.sig"])
    }

    @Test func aSignatureForAnotherNamespaceIsRejected() throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path, namespace: "git")
        #expect(try rejection(world) == "\(file.path).sig: the signature is for namespace 'git', not 'panel-review' (sign with: ssh-keygen -Y sign -f KEY -n panel-review FILE)")
    }

    @Test func anotherMembersKeyDoesNotMakeAReviewTheirs() throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp19.path)
        let fingerprint = SSHSignature.fingerprint(ofKeyBlob: try #require(SSHSignature.keyBlob(ofLine: keys.exp19.publicLine)))
        #expect(try rejection(world) == "\(file.path).sig: signed with exp-19's key \(fingerprint), not the key of the reviewer the file names; a reviewer signs their own review")
    }

    @Test func aKeyNobodyHoldsIsRejected() throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.stranger.path)
        #expect(try rejection(world).hasPrefix("\(file.path).sig: signed with key SHA256:"))
    }

    @Test func anUnsignedFileIsRejectedWhereSignaturesAreRequired() throws {
        let (world, _) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: nil)
        #expect(try rejection(world, requireSignature: true)
            == "\(file.path): not signed, and this workspace accepts only signed files; sign it with: ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n panel-review exp-12-replication.yaml")
    }

    @Test func aSignatureWithoutItsFileIsSetAside() throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        try FileManager.default.removeItem(at: file)
        let results = try intake(world).processInbox(world.inbox).files
        #expect(results.map(\.outcome) == [.rejected([
            "\(file.path).sig: a signature without its file (exp-12-replication.yaml is not in the inbox); send both together",
        ])])
        #expect(world.names(in: "rejected") == ["exp-12-replication.yaml.sig", "exp-12-replication.yaml.sig.reason.txt"])
    }

    /// A review and its signature wait for each other: while either is still arriving (modified
    /// within the settle time), neither is taken, so the review is never read unsigned nor its
    /// signature set aside as having no file. Once both have settled, the review is recorded signed.
    @Test(arguments: [".sig", ""]) func aSignedFileWaitsForItsPartner(fresh suffix: String) throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        let manager = FileManager.default
        let old = Date().addingTimeInterval(-3_600)
        try manager.setAttributes([.modificationDate: old], ofItemAtPath: file.path)
        try manager.setAttributes([.modificationDate: old], ofItemAtPath: file.path + ".sig")
        try manager.setAttributes([.modificationDate: Date()], ofItemAtPath: file.path + suffix)
        let early = try intake(world, requireSignature: true).processInbox(world.inbox, settle: 60)
        #expect(early.files.map(\.place).sorted() == ["exp-12-replication.yaml", "exp-12-replication.yaml.sig"])
        #expect(early.files.allSatisfy { if case .left = $0.outcome { true } else { false } }, "\(early.files)")
        #expect(world.waiting == ["exp-12-replication.yaml", "exp-12-replication.yaml.sig"])
        #expect(world.names(in: "rejected").isEmpty && world.names(in: "processed").isEmpty)
        try manager.setAttributes([.modificationDate: old], ofItemAtPath: file.path + suffix)
        let later = try intake(world, requireSignature: true).processInbox(world.inbox, settle: 60)
        #expect(later.files.map(\.outcome) == [.recorded(review: "A-2026-002:expert-review:exp-12", comments: 4)])
        #expect(world.names(in: "processed") == ["exp-12-replication.yaml", "exp-12-replication.yaml.sig"])
        #expect(try world.temporary.store.reviews(of: "A-2026-002").map(\.signedWith).allSatisfy { $0 != nil })
    }

    /// A file set aside unread (here a symbolic link) takes its signature with it to rejected/:
    /// the signature is not then said to have no file, nor its move reported as refused. A
    /// signature set aside takes its file with it, unread (not read as unsigned); so does a pair
    /// of links, as one entry with both reasons.
    @Test(arguments: [(true, false), (false, true), (true, true)])
    func aSetAsidePartnerTakesTheOtherAlong(linkFile: Bool, linkSignature: Bool) throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        let manager = FileManager.default
        for (link, path) in [(linkFile, file.path), (linkSignature, file.path + ".sig")] where link {
            let elsewhere = world.temporary.directory.appendingPathComponent(UUID().uuidString)
            try manager.moveItem(atPath: path, toPath: elsewhere.path)
            try manager.createSymbolicLink(atPath: path, withDestinationPath: elsewhere.path)
        }
        let run = try intake(world).processInbox(world.inbox)
        #expect(run.unmovable.isEmpty)
        #expect(run.files.map(\.place) == ["rejected/exp-12-replication.yaml"])
        guard case .rejected(let reasons)? = run.files.first?.outcome else { Issue.record("not rejected: \(run.files)"); return }
        #expect(reasons.filter { $0.contains("a symbolic link") }.count == [linkFile, linkSignature].filter { $0 }.count, "\(reasons)")
        if !linkFile { #expect(reasons.last == "\(file.path): not read, as its signature exp-12-replication.yaml.sig was set aside; send both again as regular files") }
        #expect(world.waiting.isEmpty)
        #expect(world.names(in: "rejected") == ["exp-12-replication.yaml", "exp-12-replication.yaml.reason.txt", "exp-12-replication.yaml.sig"])
        #expect(try world.temporary.store.reviews(of: "A-2026-002").isEmpty)
    }

    /// A partner still being written under a name of a file being written (`.NAME`, rsync's
    /// `.NAME.XXXXXX`, `NAME.part`) holds the other back; a folder is no partner, so a signature
    /// beside a folder of its name does not wait for it.
    @Test(arguments: [".exp-12-replication.yaml.sig", ".exp-12-replication.yaml.sig.Xy12Zq", "exp-12-replication.yaml.sig.part"])
    func aPartnerWrittenUnderAnotherNameIsWaitedFor(arriving: String) throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        try FileManager.default.moveItem(atPath: file.path + ".sig", toPath: world.inbox.appendingPathComponent(arriving).path)
        let early = try intake(world, requireSignature: true).processInbox(world.inbox)
        #expect(early.files.contains { $0.place == "exp-12-replication.yaml" && $0.outcome == .left(
            "\(file.path): left for the next run with exp-12-replication.yaml.sig, which is not ready yet (see its line)") }, "\(early.files)")
        #expect(world.names(in: "rejected").isEmpty && world.names(in: "processed").isEmpty)
        try FileManager.default.moveItem(atPath: world.inbox.appendingPathComponent(arriving).path, toPath: file.path + ".sig")
        let later = try intake(world, requireSignature: true).processInbox(world.inbox)
        #expect(later.files.map(\.outcome) == [.recorded(review: "A-2026-002:expert-review:exp-12", comments: 4)])
    }

    @Test func aFolderIsNoPartner() throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        try FileManager.default.removeItem(at: file)
        try FileManager.default.createDirectory(at: file, withIntermediateDirectories: false)
        let run = try intake(world).processInbox(world.inbox)
        #expect(run.files.map(\.place) == ["rejected/exp-12-replication.yaml.sig", "exp-12-replication.yaml"])
        #expect(run.files.first?.outcome == .rejected([
            "\(file.path).sig: a signature without its file (exp-12-replication.yaml in the inbox is a folder, not a file); send both together"]))
    }

    /// Every file is reported, a signature's signature too: it is set aside as what it is, in the
    /// same run as the pair it came with.
    @Test func aSignatureOfASignatureIsSetAsideAsSuch() throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        try SSHKeygen.sign(file.path + ".sig", key: keys.exp12.path)
        let run = try intake(world).processInbox(world.inbox)
        #expect(run.files.map(\.place) == ["processed/exp-12-replication.yaml", "rejected/exp-12-replication.yaml.sig.sig"])
        #expect(run.files.last?.outcome == .rejected([
            "\(file.path).sig.sig: a signature of a signature (exp-12-replication.yaml.sig); sign the review or response file itself"]))
        #expect(world.waiting.isEmpty)
    }

    /// A signature file too large to be one is not read: its review is rejected with the reason.
    @Test func anOversizedSignatureIsNotRead() throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        try Data(repeating: 0x41, count: SignedFile.signatureLimit + 1).write(to: URL(fileURLWithPath: file.path + ".sig"))
        let run = try intake(world).processInbox(world.inbox)
        #expect(run.files.map(\.outcome) == [.rejected([
            "\(file.path).sig: \(SignedFile.signatureLimit + 1) bytes, too large for an SSH signature (at most \(SignedFile.signatureLimit) bytes); not read"])])
        #expect(world.names(in: "rejected") == ["exp-12-replication.yaml", "exp-12-replication.yaml.reason.txt", "exp-12-replication.yaml.sig"])
    }

    /// A run killed between the two halves of a signed pair's move: the next run finishes it with
    /// the pair together and decides nothing again. Into processed/ the signature goes first (the
    /// recorded file is then already received); into rejected/ the file goes first (the signature
    /// then follows it), so a file rejected for its signature is never read again unsigned.
    @Test(arguments: [false, true]) func aRunKilledBetweenAPairsHalvesIsFinishedByTheNext(changed: Bool) throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        if changed { try changeAfterSigning(file) }
        let dying = intake(world, failing: .pairHalfMoved, with: IntakeTests.Crash())
        #expect(throws: IntakeTests.Crash.self) { _ = try dying.processInbox(world.inbox) }
        #expect(world.waiting == [changed ? "exp-12-replication.yaml.sig" : "exp-12-replication.yaml"])
        let next = try intake(world).processInbox(world.inbox)
        #expect(world.waiting.isEmpty)
        let folder = changed ? "rejected" : "processed"
        #expect(world.names(in: folder).filter { !$0.hasSuffix(".reason.txt") } == ["exp-12-replication.yaml", "exp-12-replication.yaml.sig"])
        #expect(world.names(in: changed ? "processed" : "rejected").isEmpty)
        #expect(next.files.count == 1)
        let reviews = try world.temporary.store.reviews(of: "A-2026-002")
        #expect(reviews.count == (changed ? 0 : 1) && reviews.allSatisfy { $0.signedWith != nil })
    }

    /// verify-signature's judgement: the inbox's limits and the signer's name, from the file alone.
    @Test func problemsAreJudgedAsTheInboxJudgesThem() throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        let bytes = [UInt8](try Data(contentsOf: file))
        let signature = try #require(try SignedFile.signatureText(for: file.path))
        let signer = try SignedFile.signer(of: bytes, signature: signature, members: try world.temporary.store.members()).get()
        #expect(ReviewIntake.problems(bytes, path: file.path, signer: signer, limits: .default).isEmpty)
        var few = ReviewLimits.default
        few.maxComments = 2
        let problems = ReviewIntake.problems(bytes, path: file.path, signer: signer, limits: few)
        #expect(problems.count == 1 && problems[0].contains("4 comments") && problems[0].contains("max-comments"), "\(problems)")
    }

    /// A file is told everything it is rejected for at once: a review over the comment limit,
    /// signed with another member's key, hears of both (the inbox and verify-signature alike).
    @Test func everyFaultOfAFileIsGivenAtOnce() throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp19.path)
        var few = ReviewLimits.default
        few.maxComments = 2
        let bytes = [UInt8](try Data(contentsOf: file))
        let signer = try SignedFile.signer(of: bytes, signature: try #require(try SignedFile.signatureText(for: file.path)),
                                           members: try world.temporary.store.members()).get()
        let judged = ReviewIntake.problems(bytes, path: file.path, signer: signer, limits: few)
        let results = try ReviewIntake(store: world.temporary.store, workflows: world.workflows, clock: world.clock, actor: "cron",
                                       limits: few).processInbox(world.inbox).files
        #expect(results.map(\.outcome) == [.rejected(judged)])
        #expect(judged.count == 2, "\(judged)")
        #expect(judged.first?.contains("max-comments") == true && judged.last?.contains("a reviewer signs their own review") == true, "\(judged)")
    }

    /// A signed file whose own move fails (after its signature's) takes its signature back: the
    /// two stay together in the inbox, recorded or not, and the next run moves them together.
    @Test(arguments: [false, true]) func aFileThatWillNotMoveKeepsItsSignature(changed: Bool) throws {
        let (world, keys) = try world()
        let file = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        if changed { try changeAfterSigning(file) }
        let failing = intake(world, failing: .moveSignedFile, with: CocoaError(.fileWriteNoPermission))
        let run = try failing.processInbox(world.inbox)
        let folder = changed ? "rejected" : "processed"
        #expect(run.unmovable.map(\.path) == [world.inbox.appendingPathComponent(folder).path])
        #expect(run.files.map(\.place) == ["exp-12-replication.yaml"])
        #expect(world.waiting == ["exp-12-replication.yaml", "exp-12-replication.yaml.sig"])
        #expect(world.names(in: folder).filter { !$0.hasSuffix(".reason.txt") }.isEmpty)
        let next = try intake(world).processInbox(world.inbox)
        #expect(next.unmovable.isEmpty)
        #expect(next.files.map(\.place) == ["\(folder)/exp-12-replication.yaml"])
        if !changed { #expect(next.files.map(\.outcome) == [.alreadyReceived]) }
        #expect(world.waiting.isEmpty)
        #expect(world.names(in: folder).filter { !$0.hasSuffix(".reason.txt") } == ["exp-12-replication.yaml", "exp-12-replication.yaml.sig"])
        #expect(try world.temporary.store.reviews(of: "A-2026-002").count == (changed ? 0 : 1))
    }

    @Test func aResponseMatrixSignedByAnAuthorIsRecordedAsTheirs() throws {
        let (world, keys) = try world()
        _ = try signedReview("reviews/exp-12-replication.yaml", in: world, key: keys.exp12.path)
        _ = try intake(world).processInbox(world.inbox)
        let assessment = try #require(try world.temporary.store.assessment("A-2026-002"))
        let names = ReviewerNames(assessment: assessment, workflow: world.workflows["rapid-assessment"], audience: .authors)
        var rows = CommentMatrix.rows(try world.temporary.store.comments(of: "A-2026-002"), assessment: assessment, names: names)
        for index in rows.indices {
            rows[index].response = .noted
            rows[index].responseText = "Considered."
        }
        let matrix = world.inbox.appendingPathComponent("responses.csv")
        try Data(CommentMatrix.csv(rows).utf8).write(to: matrix)
        try SSHKeygen.sign(matrix.path, key: keys.exp04.path)
        // The cron job runs the inbox; the signature says whose responses they are.
        let results = try intake(world, actor: "cron").processInbox(world.inbox).files
        #expect(results.map(\.outcome) == [.responses(assessment: "A-2026-002", count: 4)])
        let event = try #require(try world.temporary.store.events(after: 0, limit: nil).last)
        #expect(event.type == ResponsesRecorded.type)
        #expect(event.actor == "exp-04")
        #expect(try event.payload(as: ResponsesRecorded.self)?.signedWith
            == SSHSignature.fingerprint(ofKeyBlob: try #require(SSHSignature.keyBlob(ofLine: keys.exp04.publicLine))))
    }
}
