import Crypto
import Foundation
import PanelXML

/// Takes review files and response matrices in: validates each, records it
/// with its original bytes, and (for the inbox) moves it to `processed/` or
/// to `rejected/` with a `NAME.reason.txt` beside it. Nothing is deleted.
///
/// Crash safety: a file is recorded (one transaction, keyed by its SHA-256)
/// before it is moved, so a run that dies at any point leaves every file
/// either recorded or still in the inbox, and the next run finishes the move
/// without recording it twice.
public final class ReviewIntake {
    /// The steps of taking one file in; a fault hook can stop a run at any of them.
    public enum Step: String, CaseIterable, Sendable {
        case read, validate, record, moveProcessed, writeReason, moveRejected
    }

    public enum Outcome: Sendable, Equatable {
        case recorded(review: String, comments: Int)
        case responses(assessment: String, count: Int)
        case alreadyReceived
        case rejected([String])
    }

    private let store: any PanelStore
    private let workflows: [String: Workflow]
    private let clock: any PanelClock
    private let actor: String
    private let fault: ((Step, String) throws -> Void)?
    /// Assessments and roster read once per run and folded forward in memory.
    private var assessments: [String: Assessment] = [:]
    private var members: [Member]?

    public init(store: any PanelStore, workflows: [String: Workflow], clock: any PanelClock, actor: String,
                fault: ((Step, String) throws -> Void)? = nil) {
        self.store = store
        self.workflows = workflows
        self.clock = clock
        self.actor = actor
        self.fault = fault
    }

    private func roster() throws -> [Member] {
        if let members { return members }
        let loaded = try store.members()
        members = loaded
        return loaded
    }

    private func assessment(_ id: String) throws -> Assessment? {
        if let cached = assessments[id] { return cached }
        let loaded = try store.assessment(id)
        assessments[id] = loaded
        return loaded
    }

    /// Validates and records one file (left where it is).
    public func submit(_ path: String) throws -> Outcome {
        try fault?(.read, path)
        guard let data = FileManager.default.contents(atPath: path) else { return .rejected(["\(path): cannot read the file"]) }
        return try take(path: path, bytes: [UInt8](data))
    }

    private func take(path: String, bytes: [UInt8]) throws -> Outcome {
        let hash = SHA256.hash(data: bytes).hexString
        if try store.isReceived(file: hash) { return .alreadyReceived }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .rejected(["\(path):1:1: not UTF-8 text"]) }
        try fault?(.validate, path)
        let now = clock.now()
        let events: [NewEvent]
        if path.lowercased().hasSuffix(".csv") && CommentMatrix.isMatrix(text[...]) {
            let matrix: (assessment: String, entries: [ResponseEntry])
            do {
                matrix = try CommentMatrix.parse(text, file: path)
            } catch {
                return .rejected(error.problems.map(\.description))
            }
            guard let assessment = try assessment(matrix.assessment) else {
                return .rejected(["\(path):2:1: no assessment '\(matrix.assessment)'"])
            }
            switch ReviewDecisions.respond(matrix.entries, assessment: assessment, comments: try store.comments(of: assessment.id),
                                           members: try roster(), actor: actor, now: now, file: hash) {
            case .failure(let failure): return .rejected(failure.problems.map(\.description))
            case .success(let made): events = made
            }
        } else {
            let submission: ReviewSubmission
            do {
                submission = try ReviewFile.parse(text, file: path)
            } catch {
                return .rejected(error.problems.map(\.description))
            }
            let target = try assessment(submission.assessment)
            switch ReviewDecisions.receive(submission, fileHash: hash, assessment: target,
                                           workflow: target.flatMap { workflows[$0.workflow] }, members: try roster(), now: now) {
            case .failure(let failure): return .rejected(failure.problems.map(\.description))
            case .success(let made): events = made
            }
        }
        try fault?(.record, path)
        let records = try store.append(events, objects: [hash: bytes])
        for record in records {
            guard let id = AssessmentFold.subject(of: record) else { continue }
            assessments[id] = AssessmentFold.apply(record, to: assessments[id])
        }
        if let review = records.first?.payload(as: ReviewReceived.self)?.review {
            return .recorded(review: review.id, comments: review.comments.count)
        }
        if let responses = records.first?.payload(as: ResponsesRecorded.self) {
            return .responses(assessment: responses.assessment, count: responses.responses.count)
        }
        return .alreadyReceived
    }

    /// Processes every file in `inbox` (not its subfolders), oldest name first.
    /// Throws only when the fault hook stops the run.
    public func processInbox(_ inbox: URL) throws -> [(file: String, outcome: Outcome)] {
        let manager = FileManager.default
        let processed = inbox.appendingPathComponent("processed")
        let rejected = inbox.appendingPathComponent("rejected")
        try manager.createDirectory(at: processed, withIntermediateDirectories: true)
        try manager.createDirectory(at: rejected, withIntermediateDirectories: true)
        var results: [(String, Outcome)] = []
        let names = ((try? manager.contentsOfDirectory(atPath: inbox.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        for name in names {
            let file = inbox.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try fault?(.read, file.path)
            guard let data = manager.contents(atPath: file.path) else { continue }
            let outcome = try take(path: file.path, bytes: [UInt8](data))
            switch outcome {
            case .rejected(let reasons):
                try fault?(.writeReason, file.path)
                let target = Self.freeName(name, in: rejected)
                let reason = reasons.joined(separator: "\n") + "\n"
                try Data(reason.utf8).write(to: rejected.appendingPathComponent(target + ".reason.txt"), options: .atomic)
                try fault?(.moveRejected, file.path)
                try manager.moveItem(at: file, to: rejected.appendingPathComponent(target))
            default:
                try fault?(.moveProcessed, file.path)
                try manager.moveItem(at: file, to: processed.appendingPathComponent(Self.freeName(name, in: processed)))
            }
            results.append((name, outcome))
        }
        return results
    }

    /// `name`, or `name.1`, `name.2`, ... when taken: nothing is overwritten.
    static func freeName(_ name: String, in directory: URL) -> String {
        let manager = FileManager.default
        if !manager.fileExists(atPath: directory.appendingPathComponent(name).path) { return name }
        var index = 1
        while manager.fileExists(atPath: directory.appendingPathComponent("\(name).\(index)").path) { index += 1 }
        return "\(name).\(index)"
    }
}
