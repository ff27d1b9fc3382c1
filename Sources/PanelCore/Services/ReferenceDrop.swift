import Foundation

/// A reference drop folder, taken like the review inbox: every file in it (not its subfolders)
/// is ingested; ingested and duplicate files move to `processed/`, rejected ones to `rejected/`
/// with `NAME.reason.txt` beside them. Nothing is deleted, so the daily run costs only what is new
/// and does not fail again on yesterday's bad file.
///
/// Crash safety: a file is recorded (its `references.ingested` event and references, committed)
/// before it is moved, and ingesting a file again adds nothing; so a run stopped at any point
/// leaves each file either still in the folder (the next run takes it, as a duplicate if it was
/// recorded) or moved with its outcome.
public struct ReferenceDrop {
    public enum Step: String, CaseIterable, Sendable { case ingest, writeReason, moveRejected, moveProcessed }

    public let ingester: ReferenceIngester
    let fault: ((Step, String) throws -> Void)?

    public init(ingester: ReferenceIngester, fault: ((Step, String) throws -> Void)? = nil) {
        self.ingester = ingester
        self.fault = fault
    }

    public struct Outcome: Sendable, Equatable {
        public var report: IngestReport
        /// Each file taken, with where it went (`processed/NAME` or `rejected/NAME`).
        public var moved: [(file: String, place: String)]

        public static func == (left: Outcome, right: Outcome) -> Bool {
            left.report == right.report && left.moved.map(\.file) == right.moved.map(\.file) && left.moved.map(\.place) == right.moved.map(\.place)
        }
    }

    public func process(_ folder: URL) throws -> Outcome {
        let manager = FileManager.default
        let processed = folder.appendingPathComponent("processed")
        let rejected = folder.appendingPathComponent("rejected")
        try manager.createDirectory(at: processed, withIntermediateDirectories: true)
        try manager.createDirectory(at: rejected, withIntermediateDirectories: true)
        let names = try manager.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        var files: [URL] = []
        for name in names {
            var isDirectory: ObjCBool = false
            let url = folder.appendingPathComponent(name)
            if manager.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(url) }
        }
        guard !files.isEmpty else { return Outcome(report: IngestReport(), moved: []) }
        try fault?(.ingest, folder.path)
        // Recorded first, committed; moved after.
        let report = ingester.ingest(paths: files.map(\.path))
        var reasons: [String: [String]] = [:]
        for rejection in report.rejected { reasons[rejection.source, default: []].append(rejection.message) }
        var moved: [(file: String, place: String)] = []
        for file in files {
            let name = file.lastPathComponent
            if let why = reasons[file.path] {
                try fault?(.writeReason, file.path)
                let target = ReviewIntake.freeName(name, in: rejected)
                try Debris.writeAtomically(Data((why.joined(separator: "\n") + "\n").utf8), to: rejected.appendingPathComponent(target + ".reason.txt"))
                try fault?(.moveRejected, file.path)
                try manager.moveItem(at: file, to: rejected.appendingPathComponent(target))
                moved.append((name, "rejected/" + target))
            } else {
                try fault?(.moveProcessed, file.path)
                let target = ReviewIntake.freeName(name, in: processed)
                try manager.moveItem(at: file, to: processed.appendingPathComponent(target))
                moved.append((name, "processed/" + target))
            }
        }
        return Outcome(report: report, moved: moved)
    }
}
