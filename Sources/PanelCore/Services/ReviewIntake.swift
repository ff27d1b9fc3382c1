import Crypto
import Foundation
import PanelXML
import PanelWorkbook

/// Takes review files and response matrices in: validates each, records it
/// with its original bytes, and (for the inbox) moves it to `processed/` or
/// to `rejected/` with a `NAME.reason.txt` beside it. Nothing is deleted.
///
/// Crash safety: files are recorded (a savepoint each, keyed by their SHA-256,
/// committed together in batches) before any of them is moved, so a run that
/// dies at any point leaves every file either recorded or still in the inbox,
/// and the next run finishes the move without recording it twice.
public final class ReviewIntake {
    /// The steps of taking one file in; a fault hook can stop a run at any of them.
    /// For a signed file, `pairHalfMoved` comes once one of the pair has moved (a crash there
    /// leaves it so), and `moveSignedFile` is the other's move: a fault there is that move
    /// failing (the first comes back), not a crash.
    public enum Step: String, CaseIterable, Sendable {
        case read, validate, record, moveProcessed, writeReason, moveRejected, pairHalfMoved, moveSignedFile
    }

    public enum Outcome: Sendable, Equatable {
        case recorded(review: String, comments: Int)
        case responses(assessment: String, count: Int)
        case alreadyReceived
        case rejected([String])
        /// Understood, but the actor may not do it (moved aside like a rejected file, exit 3).
        case refused([String])
        /// Not taken in this run, and why (still arriving, or a subfolder): it stays where it is.
        case left(String)
    }

    private let store: any PanelStore
    private let workflows: [String: Workflow]
    private let clock: any PanelClock
    private let actor: String
    /// Who is running the intake, as the workspace's identity policy established it.
    private let submitter: ActingIdentity
    private let requireSignature: Bool
    private let limits: ReviewLimits
    /// A run nobody attends (cron): files are recorded as their signers', never as the runner's.
    public var unattended = false
    /// A reason as the one running the intake may read it, keeping the file's path (given second)
    /// as it is: the shell passes it through the visibility policy before it is written beside
    /// the file in `rejected/`.
    public var shown: (_ reason: String, _ keeping: String) -> String = { reason, _ in reason }
    private let fault: ((Step, String) throws -> Void)?
    /// Assessments and roster read once per run and folded forward in memory.
    private var assessments: [String: Assessment] = [:]
    private var members: [Member]?

    public init(store: any PanelStore, workflows: [String: Workflow], clock: any PanelClock, actor: String,
                submitter: ActingIdentity? = nil, requireSignature: Bool = false, limits: ReviewLimits = .default,
                fault: ((Step, String) throws -> Void)? = nil) {
        self.limits = limits
        self.store = store
        self.workflows = workflows
        self.clock = clock
        self.actor = actor
        // None given: the caller's own intake (a program, a test), which hands files in as the secretariat does.
        self.submitter = submitter ?? ActingIdentity(actor: actor, recordedBy: ActingIdentity.declaredMarker, policy: .declared,
                                                     login: nil, isSecretariat: true)
        self.requireSignature = requireSignature
        self.fault = fault
    }

    /// Who to record as having put a file in, when it is not the event's actor.
    private func recordedBy(for eventActor: String, signed: Bool) -> String? {
        if eventActor == submitter.actor { return submitter.recordedBy }
        if submitter.policy == .declared && !signed { return ActingIdentity.declaredMarker }
        return submitter.login ?? submitter.actor
    }


    /// Files recorded per write transaction (each in a savepoint of its own).
    public var batchSize = 100

    private func roster(_ session: any StoreWriter) throws -> [Member] {
        if let members { return members }
        let loaded = try session.members()
        members = loaded
        return loaded
    }

    private func assessment(_ id: String, _ session: any StoreWriter) throws -> Assessment? {
        if let cached = assessments[id] { return cached }
        let loaded = try session.assessment(id)
        assessments[id] = loaded
        return loaded
    }

    /// Validates and records one file (left where it is). `sheet` names the sheet of a
    /// workbook to read (default: the first with a review's or a matrix's columns).
    public func submit(_ path: String, sheet: String? = nil) throws -> Outcome {
        try fault?(.read, path)
        if let refusal = oversized(path) { return refusal }
        guard let data = FileManager.default.contents(atPath: path) else { return .rejected(["\(path): cannot read the file"]) }
        let signature: String?
        do {
            signature = try SignedFile.signatureText(for: path)
        } catch let error as SignedFileError {
            return .rejected([error.description])
        }
        return try store.writeBatch { batch in
            try batch.file { session in try take(path: path, bytes: [UInt8](data), signature: signature, sheet: sheet, session: session) }
        }
    }

    /// The kind and size are checked before a file is read: a pipe or device is never opened (it
    /// could wait forever), and an oversized file costs no memory. (When the file cannot be
    /// examined, reading it says why, and its length is checked again.)
    private func oversized(_ path: String) -> Outcome? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return Int(info.st_size) > limits.maxFileBytes ? .rejected([limits.fileTooLarge(path, bytes: Int(info.st_size))]) : nil
        case S_IFDIR:
            return .rejected(["\(path): a folder, not a review file"])
        default:
            return .rejected(["\(path): \(FileKind.specialName(info.st_mode)), not a regular file; not read"])
        }
    }

    /// A file's text or table, decoded as the intake decodes it: YAML (one review), or a table
    /// (CSV, or a workbook's sheet: .xlsx, as the IPCC's comment template is), a comment or
    /// response a row. Nothing in it is believed yet.
    enum Decoded {
        case text(String)
        case table([CSV.Row])
    }

    /// What a file holds: one review, or an author's responses to an assessment's comments.
    enum Content {
        case review(ReviewSubmission)
        case matrix((assessment: String, entries: [ResponseEntry]))
    }

    static func decode(_ bytes: [UInt8], path: String, sheet: String? = nil) -> Result<Decoded, Reasons> {
        let lowered = path.lowercased()
        if !Workbook.looksLikeZIP(bytes), lowered.hasSuffix(".xlsx") || lowered.hasSuffix(".xlsm") {
            return .failure(Reasons(["\(path): not a .xlsx workbook (a workbook is a ZIP archive, and this is not one): save it from Excel as .xlsx, or as CSV UTF-8"]))
        }
        if Workbook.looksLikeZIP(bytes) {
            switch Spreadsheet.table(bytes, file: path, sheet: sheet) {
            case .failure(let failure): return .failure(Reasons(failure.shown))
            case .success(let rows): return .success(.table(rows))
            }
        }
        switch TextFile.decode(bytes, file: path) {
        case .failure(let failure): return .failure(Reasons(failure.shown))
        case .success(let text): return .success(path.lowercased().hasSuffix(".csv") ? .table(CSV.rows(text)) : .text(text))
        }
    }

    /// The review or response matrix a decoded file holds, or why it is not one.
    static func content(of decoded: Decoded, path: String) -> Result<Content, Reasons> {
        do {
            switch decoded {
            case .table(let table):
                if let header = table.first, CommentMatrix.isMatrix(header: header.fields) {
                    return .success(.matrix(try CommentMatrix.parse(rows: table, file: path)))
                }
                return .success(.review(try ReviewFile.parse(rows: table, file: path)))
            case .text(let text):
                return .success(.review(try ReviewFile.parse(text, file: path)))
            }
        } catch {
            return .failure(Reasons(error.shown))
        }
    }

    /// Why a file is rejected, one line a reason.
    struct Reasons: Error {
        var lines: [String]
        init(_ lines: [String]) { self.lines = lines }
    }

    /// Everything the content alone is rejected for, together: the workspace's limits it goes
    /// beyond and, for a signed review, a signer who is not its reviewer. Empty when nothing.
    static func faults(of content: Content, limits: ReviewLimits, path: String, signer: SignedFile.Signer?) -> [String] {
        var faults = beyond(limits, content, path: path) ?? []
        if case .review(let submission) = content, let signer,
           let mismatch = signedByAnother(path: path, signer: signer, reviewer: submission.reviewer) {
            faults.append(mismatch)
        }
        return faults
    }

    /// What of the workspace's limits a file's content goes beyond, if anything.
    static func beyond(_ limits: ReviewLimits, _ content: Content, path: String) -> [String]? {
        switch content {
        case .matrix(let matrix):
            if matrix.entries.count > limits.maxComments { return [limits.tooManyComments(path, count: matrix.entries.count, what: "responses")] }
            return limits.overlong(matrix.entries.map { ($0.location, $0.text) })
        case .review(let submission):
            if submission.comments.count > limits.maxComments { return [limits.tooManyComments(path, count: submission.comments.count, what: "comments")] }
            return limits.overlong(submission.comments.map { ($0.textLocation ?? $0.location, $0.text) })
        }
    }

    /// What the intake would reject in a file signed by `signer`, judged from the file alone (its
    /// size and form, the workspace's limits, and for a review, that its reviewer signed it); empty
    /// when nothing. What depends on the state (the assessment, its stage, who may respond) is
    /// decided when the file arrives.
    public static func problems(_ bytes: [UInt8], path: String, signer: SignedFile.Signer, limits: ReviewLimits) -> [String] {
        if bytes.count > limits.maxFileBytes { return [limits.fileTooLarge(path, bytes: bytes.count)] }
        switch decode(bytes, path: path).flatMap({ content(of: $0, path: path) }) {
        case .failure(let reasons): return reasons.lines
        case .success(let content): return faults(of: content, limits: limits, path: path, signer: signer)
        }
    }

    /// Why a review signed by someone other than its reviewer is refused; nil when it is theirs.
    public static func signedByAnother(path: String, signer: SignedFile.Signer, reviewer: String) -> String? {
        guard signer.member.id != reviewer else { return nil }
        // The reviewer the file names is not echoed back: to an author, whether it came back as
        // `[reviewer]` would say who reviews their assessment.
        return "\(path).sig: signed with \(signer.member.id)'s key \(signer.fingerprint), not the key of the reviewer the file names; a reviewer signs their own review"
    }

    /// Whether the one submitting may hand in `reviewer`'s review without the reviewer's signature:
    /// the reviewer, the secretariat, and under `declared` identity a chair or a run that declares
    /// nobody (the secretariat's intake, cron). Whoever declares themselves someone else may not:
    /// not even under `declared`, where it would record one member's review as sent by another.
    private func maySubmitUnsigned(for reviewer: String, _ session: any StoreWriter) throws -> Bool {
        if submitter.actor == reviewer || submitter.isSecretariat { return true }
        switch submitter.policy {
        case .osUser: return false
        case .declared:
            if ActingIdentity.declaresNobody(submitter.actor) { return true }
            return ReviewDecisions.chair(submitter.actor, in: try roster(session)) == nil
        }
    }

    /// Decides on one file and, when it is good, writes it in the caller's savepoint.
    private func take(path: String, bytes: [UInt8], signature: String?, sheet: String? = nil,
                      session: any StoreWriter) throws -> Outcome {
        let hash = SHA256.hash(data: bytes).hexString
        if try session.isReceived(file: hash) { return .alreadyReceived }
        // Whoever can write to the inbox cannot fill the store: one file, one reviewer, bounded.
        if bytes.count > limits.maxFileBytes {
            return .rejected([limits.fileTooLarge(path, bytes: bytes.count)])
        }
        let decoded: Decoded
        switch Self.decode(bytes, path: path, sheet: sheet) {
        case .failure(let reasons): return .rejected(reasons.lines)
        case .success(let read): decoded = read
        }
        try fault?(.validate, path)
        let now = clock.now()
        // A file is its signer's: the signature is checked before anything in the file is believed.
        var signer: SignedFile.Signer?
        if let signature {
            switch SignedFile.signer(of: bytes, signature: signature, members: try roster(session)) {
            case .failure(let error): return .rejected(["\(path).sig: \(error)"])
            case .success(let found): signer = found
            }
        } else if requireSignature {
            return .rejected(["\(path): not signed, and this workspace accepts only signed files; sign it with: \(SignedFile.howToSign((path as NSString).lastPathComponent))"])
        }
        var events: [NewEvent]
        let content: Content
        switch Self.content(of: decoded, path: path) {
        case .failure(let reasons): return .rejected(reasons.lines)
        case .success(let read): content = read
        }
        let faults = Self.faults(of: content, limits: limits, path: path, signer: signer)
        if !faults.isEmpty { return .rejected(faults) }
        switch content {
        case .matrix(let matrix):
            guard let assessment = try assessment(matrix.assessment, session) else {
                return .rejected(["\(matrix.entries.first.map { "\($0.location)" } ?? path): no assessment '\(matrix.assessment)'"])
            }
            // Responses are the signer's when signed, else whoever runs the import; an unattended
            // run (cron) is nobody's, so it takes only signed matrices.
            if signer == nil && unattended {
                return .rejected(["\(path): an unsigned response matrix in an unattended run cannot say who answered; the author signs it (\(SignedFile.howToSign((path as NSString).lastPathComponent))) or imports it with 'panel comments import'"])
            }
            let responder = signer?.member.id ?? actor
            if let refusal = ReviewDecisions.mayRespond(actor: responder, on: assessment, members: try roster(session)) {
                return .refused(refusal.reasons.map { "\(path): \($0)" })
            }
            switch ReviewDecisions.respond(matrix.entries, assessment: assessment, comments: try session.comments(of: assessment.id),
                                           members: try roster(session), actor: responder, now: now, file: hash,
                                           signedWith: signer?.fingerprint) {
            case .failure(let failure): return .rejected(failure.shown)
            case .success(let made) where made.isEmpty: return .responses(assessment: assessment.id, count: 0)
            case .success(let made): events = made
            }
        case .review(let submission):
            // Decided before anything about the assessment is looked at: what follows would tell
            // whoever sent it whether the reviewer it names is assigned.
            if signer == nil, try !maySubmitUnsigned(for: submission.reviewer, session) {
                return .refused(["\(path): \(submitter.actor) may not submit another member's review unsigned; its reviewer signs it (\(SignedFile.howToSign((path as NSString).lastPathComponent)))"])
            }
            let target = try assessment(submission.assessment, session)
            switch ReviewDecisions.receive(submission, fileHash: hash, assessment: target,
                                           workflow: target.flatMap { workflows[$0.workflow] }, members: try roster(session), now: now,
                                           signedWith: signer?.fingerprint) {
            case .failure(let failure): return .rejected(failure.shown)
            case .success(let made): events = made
            }
        }
        try fault?(.record, path)
        try session.putObject(hash, bytes: bytes)
        events = events.map { event in
            var stamped = event
            stamped.recordedBy = recordedBy(for: event.actor, signed: signer != nil)
            return stamped
        }
        var outcome = Outcome.alreadyReceived
        for event in events {
            let record = try session.append(event)
            guard let change = AssessmentFold.change(of: event.event) else { continue }
            // Take the assessment out while folding, so its arrays are not copied.
            let current = assessments.removeValue(forKey: change.assessment)
            assessments[change.assessment] = AssessmentFold.apply(change, time: record.time, actor: record.actor, to: current)
            switch change {
            case .reviewed(let received): outcome = .recorded(review: received.review.id, comments: received.review.comments.count)
            case .responded(let recorded): outcome = .responses(assessment: recorded.assessment, count: recorded.responses.count)
            default: break
            }
        }
        return outcome
    }

    /// Processes every file at the top of `inbox` in name order, as `DropFolder` sorts them: links,
    /// pipes and devices are set aside with the reason; files still arriving (dot or `.part` names,
    /// or modified less than `settle` seconds ago) and subfolders are left, and listed as `.left`.
    /// A store that refuses or fails (a clock behind the log, a full, locked or damaged database)
    /// stops the run in `stopped`: the chunk it met recorded nothing, and that chunk's files and
    /// every later one stay in the inbox, none rejected, while what earlier chunks moved is still
    /// reported. A `processed/` or `rejected/` that refuses its files does not stop it: those files
    /// stay in the inbox for the next run, and the folder is named once in `unmovable`. Throws
    /// when the inbox cannot be read, or the fault hook stops the run.
    public func processInbox(_ inbox: URL, settle: TimeInterval = 0) throws -> InboxRun {
        let (processed, rejected) = try DropFolder.prepare(inbox)
        // A clock behind the log records nothing: nothing is set aside either.
        try store.refuseIfBehind(clock.now())
        var run = InboxRun()
        var files: [(name: String, url: URL)] = []
        var setAside: [(name: String, url: URL, outcome: Outcome)] = []
        var left: [(file: String, outcome: Outcome, place: String)] = []
        // The reference drop folder lives in the inbox by default (`inbox/references/`).
        for entry in try DropFolder.scan(inbox, settle: settle, skipFolders: ["references"]) {
            switch entry {
            case .take(let name, let url): files.append((name, url))
            case .setAside(let name, let url, let reason): setAside.append((name, url, .rejected([reason])))
            case .leave(let name, let reason): left.append((name, .left(reason), name))
            }
        }
        Self.pair(&files, &setAside, &left, in: inbox)
        try move(setAside, processed: processed, rejected: rejected, run: &run)
        // A signature travels with its file; one without its file is set aside with the reason.
        // (A signature's file is a review or response file: a `.sig` is never one, so a signature
        // of a signature is an orphan too, reported as such rather than passed over.)
        let present = Set(files.map(\.name).filter { !$0.hasSuffix(".sig") })
        let orphans = files.filter { $0.name.hasSuffix(".sig") && !present.contains(String($0.name.dropLast(4))) }
        files.removeAll { $0.name.hasSuffix(".sig") }
        var start = 0
        while start < files.count {
            let chunk = files[start..<min(start + max(batchSize, 1), files.count)]
            start += chunk.count
            // Record the chunk in one transaction; move nothing until it has committed.
            var decided: [(name: String, url: URL, outcome: Outcome)] = []
            do {
                try record(chunk, into: &decided)
            } catch where IngestStop.isRunFault(error) {
                // Nothing of the chunk was recorded: what was read of the state while deciding it goes too.
                assessments = [:]
                members = nil
                run.stopped = IngestStop(error, unrecorded: files[chunk.startIndex...].map(\.url.path))
                break
            }
            try move(decided, processed: processed, rejected: rejected, run: &run)
        }
        // A stopped run sets nothing more aside: the signatures wait with the unrecorded files.
        if run.stopped == nil {
            let orphaned = orphans.map { orphan -> (name: String, url: URL, outcome: Outcome) in
                let base = String(orphan.name.dropLast(4))
                let why = if base.hasSuffix(".sig") {
                    "\(orphan.url.path): a signature of a signature (\(base)); sign the review or response file itself"
                } else if case .directory? = FileKind.of(inbox.appendingPathComponent(base).path) {
                    "\(orphan.url.path): a signature without its file (\(base) in the inbox is a folder, not a file); send both together"
                } else {
                    "\(orphan.url.path): a signature without its file (\(base) is not in the inbox); send both together"
                }
                return (orphan.name, orphan.url, .rejected([why]))
            }
            try move(orphaned, processed: processed, rejected: rejected, run: &run)
        }
        run.files += left
        return run
    }

    /// A review and its signature (`NAME` and `NAME.sig`) are decided together, whatever the
    /// order they arrive in:
    /// - while either is still arriving (modified within the settle time, or under a name of a
    ///   file being written: `.NAME`, rsync's `.NAME.XXXXXX`, `NAME.part`, ...), both wait;
    /// - when either is set aside unread (a link, a pipe), both are, with the reasons: a file
    ///   whose signature is set aside is not read unsigned;
    /// - a signature whose file is set aside or taken goes with it (its own entry is dropped).
    /// A folder is no partner: it never arrives.
    static func pair(_ files: inout [(name: String, url: URL)], _ setAside: inout [(name: String, url: URL, outcome: Outcome)],
                     _ left: inout [(file: String, outcome: Outcome, place: String)], in inbox: URL) {
        func partner(_ name: String) -> String { name.hasSuffix(".sig") ? String(name.dropLast(4)) : name + ".sig" }
        let arriving = Set(left.map(\.file).filter { name in
            if case .directory? = FileKind.of(inbox.appendingPathComponent(name).path) { return false }
            return true
        }.flatMap(DropFolder.arrivingNames))
        func wait(_ name: String, url: URL) {
            left.append((name, .left("\(url.path): left for the next run with \(partner(name)), which is not ready yet (see its line)"), name))
        }
        // Set aside, each with its partner.
        var index = 0
        while index < setAside.count {
            let entry = setAside[index]
            let other = partner(entry.name)
            if arriving.contains(other) {
                wait(entry.name, url: entry.url)
                setAside.remove(at: index)
                continue
            }
            if let taken = files.firstIndex(where: { $0.name == other }) {
                let file = files.remove(at: taken)
                if !entry.name.hasSuffix(".sig") {
                    // The signature goes with its file.
                    index += 1
                    continue
                }
                // A signature set aside: its file goes with it, unread, and the pair is one entry.
                setAside[index] = (file.name, file.url, .rejected(entry.outcome.reasons + [
                    "\(file.url.path): not read, as its signature \(entry.name) was set aside; send both again as regular files"]))
                index += 1
                continue
            }
            if entry.name.hasSuffix(".sig"), let file = setAside.firstIndex(where: { $0.name == other }) {
                // Both set aside: one entry, the file's, with both reasons.
                setAside[file].outcome = .rejected(setAside[file].outcome.reasons + entry.outcome.reasons)
                setAside.remove(at: index)
                continue
            }
            index += 1
        }
        // Taken, each waiting for its partner if that is still arriving.
        files.removeAll { file in
            guard arriving.contains(partner(file.name)) else { return false }
            wait(file.name, url: file.url)
            return true
        }
    }

    /// Records one chunk of files in one transaction; each file's outcome goes to `decided`.
    private func record(_ chunk: ArraySlice<(name: String, url: URL)>, into decided: inout [(name: String, url: URL, outcome: Outcome)]) throws {
        try store.writeBatch { batch in
            for file in chunk {
                try fault?(.read, file.url.path)
                if let refusal = oversized(file.url.path) {
                    decided.append((file.name, file.url, refusal))
                    continue
                }
                guard let data = FileManager.default.contents(atPath: file.url.path) else {
                    decided.append((file.name, file.url, .rejected(["\(file.url.path): cannot read the file"])))
                    continue
                }
                let signature: String?
                do {
                    signature = try SignedFile.signatureText(for: file.url.path)
                } catch let error as SignedFileError {
                    decided.append((file.name, file.url, .rejected([error.description])))
                    continue
                }
                let outcome = try batch.file { session in
                    try take(path: file.url.path, bytes: [UInt8](data), signature: signature, session: session)
                }
                decided.append((file.name, file.url, outcome))
            }
        }
    }

    /// Moves decided files (and their signatures) to `processed/` or, with their reasons, to `rejected/`.
    private func move(_ decided: [(name: String, url: URL, outcome: Outcome)], processed: URL, rejected: URL,
                      run: inout InboxRun) throws {
        for (name, file, outcome) in decided {
            // A folder that refuses one file is tried with the next (it may be that file's trouble);
            // each folder's error is said once, and the file keeps its place in the inbox.
            // Gone since the folder was read (moved or deleted by another process): nothing to move,
            // no reason to write, and no folder to blame.
            guard FileKind.of(file.path) != nil else {
                run.files.append((name, outcome, ""))
                continue
            }
            do {
                run.files.append((name, outcome, try move(name, file, outcome, processed: processed, rejected: rejected)))
            } catch let error as DropFolderError {
                let gone = FileKind.of(file.path) == nil
                run.files.append((name, outcome, gone ? "" : name))
                if !gone { run.unmovable.noteOnce(error) }
            }
        }
    }

    /// Moves one decided file (and its signature); where it went.
    private func move(_ name: String, _ file: URL, _ outcome: Outcome, processed: URL, rejected: URL) throws -> String {
        let signature = URL(fileURLWithPath: file.path + ".sig")
        // Seen as the folder lists it (a link is not followed): a signature set aside with its file goes too.
        let hasSignature = !name.hasSuffix(".sig") && FileKind.of(signature.path) != nil
        switch outcome {
        case .rejected(let reasons), .refused(let reasons):
            try fault?(.writeReason, file.path)
            let target = DropFolder.freeName(name, in: rejected, companions: [DropFolder.reasonSuffix, ".sig"], strict: hasSignature ? [".sig"] : [])
            let reason = reasons.map { shown($0.oneLine, file.path.oneLine) }.joined(separator: "\n") + "\n"
            try DropFolder.placing(name, in: rejected) {
                try Debris.writeAtomically(Data(reason.utf8), to: rejected.appendingPathComponent(target + DropFolder.reasonSuffix))
            }
            try fault?(.moveRejected, file.path)
            do {
                try movePair(name, file, signature: hasSignature ? signature : nil, into: rejected, as: target, signatureFirst: false)
            } catch {
                // The file went away meanwhile: its reason would explain nothing there.
                if FileKind.of(file.path) == nil {
                    let stray = rejected.appendingPathComponent(target + DropFolder.reasonSuffix)
                    do { try FileManager.default.removeItem(at: stray) } catch { /* a reason alone is listed by a folder walk, harmless */ }
                }
                throw error
            }
            return "rejected/" + target
        default:
            try fault?(.moveProcessed, file.path)
            let target = DropFolder.freeName(name, in: processed, companions: [".sig"], strict: hasSignature ? [".sig"] : [])
            try movePair(name, file, signature: hasSignature ? signature : nil, into: processed, as: target, signatureFirst: true)
            return "processed/" + target
        }
    }

    /// Moves a file and its signature into `folder` as `target` (and `target.sig`), in the order
    /// that leaves the next run a true account if the run dies between the two:
    /// - into `processed/`, the signature first: the file, recorded, stays in the inbox; the next
    ///   run finds it already received and moves it beside its signature;
    /// - into `rejected/`, the file first: the signature stays, and the next run sets it aside
    ///   beside its file (the other way, the file would be read again unsigned, and could be
    ///   taken where its signature was what was wrong).
    /// A half that will not move takes the other back, so a refusal never parts the two.
    /// A move that fails is the folder's refusal of `name` (`DropFolderError`).
    private func movePair(_ name: String, _ file: URL, signature: URL?, into folder: URL, as target: String, signatureFirst: Bool) throws {
        let manager = FileManager.default
        guard let signature else {
            return try DropFolder.placing(name, in: folder) { try manager.moveItem(at: file, to: folder.appendingPathComponent(target)) }
        }
        let pair = [(from: signature, to: folder.appendingPathComponent(target + ".sig")), (from: file, to: folder.appendingPathComponent(target))]
        let (first, second) = signatureFirst ? (pair[0], pair[1]) : (pair[1], pair[0])
        try DropFolder.placing(name, in: folder) { try manager.moveItem(at: first.from, to: first.to) }
        // A run killed here leaves the first half moved: the next run finishes (see above).
        try fault?(.pairHalfMoved, file.path)
        try DropFolder.placing(name, in: folder) {
            do {
                try fault?(.moveSignedFile, file.path)
                try manager.moveItem(at: second.from, to: second.to)
            } catch {
                do {
                    try manager.moveItem(at: first.to, to: first.from)
                } catch let back {
                    throw SplitPair(second: error, first: back, placed: first.to.lastPathComponent)
                }
                throw error
            }
        }
    }

    /// Half of a pair that would not move, whose other half (already moved) would not come back.
    struct SplitPair: Error, LocalizedError {
        var second: any Error
        var first: any Error
        var placed: String

        var errorDescription: String? {
            "\(DropFolder.describe(second)); the other half of the pair, already there as \(placed), could not be put back beside it (\(DropFolder.describe(first)))"
        }
    }
}

extension ReviewIntake.Outcome {
    /// A rejection's or refusal's reasons; none for any other outcome.
    var reasons: [String] {
        switch self {
        case .rejected(let reasons), .refused(let reasons): reasons
        default: []
        }
    }
}

/// What one run of the review inbox did.
public struct InboxRun {
    /// Each file with its outcome and where it is now: `processed/NAME` or `rejected/NAME`, or its
    /// own name when it was left, or stayed because its folder refused it; empty when it was gone
    /// from the inbox before it could be moved (moved or deleted by another process).
    public var files: [(file: String, outcome: ReviewIntake.Outcome, place: String)] = []
    /// Each of `processed/` and `rejected/` that refused its files, and why: those files stayed.
    public var unmovable: [DropFolderError] = []
    /// Set when the store refused or failed part-way: the run stopped there, and the files from
    /// the chunk it met on stay in the inbox, unrecorded.
    public var stopped: IngestStop?
}

/// How large one review or response file may be: generous for the largest real review (a
/// government's consolidated comments run to a few hundred, an IPCC comment to a page or two),
/// small enough that nobody who can write to the inbox can fill the store with one file.
/// Set in panel.yaml under `reviews:`; every refusal names its setting.
public struct ReviewLimits: Sendable, Equatable {
    /// `reviews: max-file-mb` (whole megabytes): checked from the file's size before it is read.
    public var maxFileBytes: Int
    /// `reviews: max-comments`: comments (or responses) in one file.
    public var maxComments: Int
    /// `reviews: max-comment-characters`: one comment's (or response's) text.
    public var maxCommentCharacters: Int

    public init(maxFileBytes: Int = 4 << 20, maxComments: Int = 5_000, maxCommentCharacters: Int = 20_000) {
        self.maxFileBytes = maxFileBytes
        self.maxComments = maxComments
        self.maxCommentCharacters = maxCommentCharacters
    }

    public static let `default` = ReviewLimits()

    func fileTooLarge(_ path: String, bytes: Int) -> String {
        "\(path): \(Self.megabytes(bytes)) is over the limit of \(Self.megabytes(maxFileBytes)) for one review or response file (reviews: max-file-mb in panel.yaml)"
    }

    func tooManyComments(_ path: String, count: Int, what: String) -> String {
        "\(path): \(count) \(what) in one file, over the limit of \(maxComments) (reviews: max-comments in panel.yaml)"
    }

    /// Comments or responses whose text is over the limit, at their line; nil when all are within it.
    func overlong(_ texts: [(location: SourceLocation, text: String)]) -> [String]? {
        let over = texts.filter { $0.text.count > maxCommentCharacters }
        guard !over.isEmpty else { return nil }
        return ValidationFailure(over.map {
            Problem($0.location, "\($0.text.count) characters of text, over the limit of \(maxCommentCharacters) (reviews: max-comment-characters in panel.yaml)")
        }).shown
    }

    static func megabytes(_ bytes: Int) -> String {
        bytes % 1_048_576 == 0 ? "\(bytes / 1_048_576) MB" : String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}
