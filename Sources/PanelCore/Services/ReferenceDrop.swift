import Foundation

/// A reference drop folder, taken like the review inbox: the files at its top level (as
/// `DropFolder` sorts them: links, pipes and files still arriving are not read) are ingested; ingested and duplicate files move to `processed/`, rejected ones to `rejected/`
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
    /// Files modified less than this many seconds ago are left for the next run (see `DropFolder`).
    public let settle: TimeInterval
    let fault: ((Step, String) throws -> Void)?

    public init(ingester: ReferenceIngester, settle: TimeInterval = 0, fault: ((Step, String) throws -> Void)? = nil) {
        self.ingester = ingester
        self.settle = settle
        self.fault = fault
    }

    public struct Outcome: Sendable, Equatable {
        public var report: IngestReport
        /// Each file taken, with where it went (`processed/NAME` or `rejected/NAME`).
        public var moved: [(file: String, place: String)]
        /// `processed/` or `rejected/` refusing the files meant for it (each folder once): those
        /// files stay in the drop folder, recorded or not as the report says, for the next run.
        public var unmovable: [DropFolderError] = []

        public static func == (left: Outcome, right: Outcome) -> Bool {
            left.report == right.report && left.moved.map(\.file) == right.moved.map(\.file) && left.moved.map(\.place) == right.moved.map(\.place)
                && left.unmovable == right.unmovable
        }
    }

    public func process(_ folder: URL) throws -> Outcome {
        // Absolute and without `.` or `..`, as the ingester writes the paths of its report: a
        // rejection is matched to its file by path.
        let folder = URL(fileURLWithPath: ReferenceIngester.absolute(folder.path))
        let manager = FileManager.default
        let (processed, rejected) = try DropFolder.prepare(folder)
        try ingester.refuseIfBehind()
        var files: [URL] = []
        var setAside: [(name: String, url: URL, reason: String)] = []
        var left: [SkippedFile] = []
        for entry in try DropFolder.scan(folder, settle: settle) {
            switch entry {
            case .take(_, let url): files.append(url)
            case .setAside(let name, let url, let reason): setAside.append((name, url, reason))
            case .leave(let name, let reason): left.append(SkippedFile(source: folder.appendingPathComponent(name).path, reason: reason))
            }
        }
        // Where each file will be kept if it goes to processed/, decided before it is read: its
        // references and event record that path, the one `refs show` gives, not the drop folder's.
        var planned: [String: String] = [:]
        var reserved: Set<String> = []
        for file in files {
            let target = DropFolder.freeName(file.lastPathComponent, in: processed, avoiding: reserved)
            reserved.insert(target)
            planned[file.path] = target
        }
        var report = IngestReport()
        if !files.isEmpty {
            try fault?(.ingest, folder.path)
            // Recorded first, committed; moved after.
            report = ingester.ingest(
                paths: files.map(\.path),
                recordAs: planned.mapValues { processed.appendingPathComponent($0).path })
        }
        report.skip(left)
        var reasons: [String: [String]] = [:]
        for rejection in report.rejected { reasons[rejection.source, default: []].append(rejection.message) }
        for (_, url, reason) in setAside {
            report.rejected.append(Rejection(source: url.path, message: reason, read: false))
            reasons[url.path, default: []].append(reason)
        }
        // Files a fault of the store kept from being recorded stay where they are, for the next run.
        let unrecorded = Set(report.stopped?.unrecorded ?? [])
        let taken = files.filter { !unrecorded.contains($0.path) } + setAside.map(\.url)
        /// Moves `file` where its outcome sends it; where it went (nil: it is gone).
        func place(_ file: URL) throws -> String? {
            let name = file.lastPathComponent
            // Gone since the folder was read (moved or deleted by something else): nothing to move,
            // and no reason for it to write; the report says so, not that a folder refused it.
            if FileKind.of(file.path) == nil {
                report.rejected.removeAll { $0.source == file.path }
                report.warnings.append("\(file.path): gone from the drop folder while the run went on (moved or deleted by another process?)")
                return nil
            }
            if let why = reasons[file.path] {
                try fault?(.writeReason, file.path)
                let target = DropFolder.freeName(name, in: rejected, companions: [DropFolder.reasonSuffix])
                try DropFolder.placing(name, in: rejected) {
                    try Debris.writeAtomically(Data((why.map(\.oneLine).joined(separator: "\n") + "\n").utf8), to: rejected.appendingPathComponent(target + DropFolder.reasonSuffix))
                }
                try fault?(.moveRejected, file.path)
                try DropFolder.placing(name, in: rejected) { try manager.moveItem(at: file, to: rejected.appendingPathComponent(target)) }
                return "rejected/" + target
            }
            try fault?(.moveProcessed, file.path)
            // The planned name, unless something took it meanwhile: then a free one, and the
            // report says so, as what was recorded in this run names the planned one.
            var target = planned[file.path] ?? DropFolder.freeName(name, in: processed)
            if manager.fileExists(atPath: processed.appendingPathComponent(target).path) {
                let taken = target
                target = DropFolder.freeName(name, in: processed)
                report.warnings.append("\(processed.appendingPathComponent(target).path): processed/\(taken), the name planned for it, was taken "
                                       + "while the run went on (by another process?); references recorded from it in this run name processed/\(taken)")
            }
            try DropFolder.placing(name, in: processed) { try manager.moveItem(at: file, to: processed.appendingPathComponent(target)) }
            return "processed/" + target
        }
        var moved: [(file: String, place: String)] = []
        var unmovable: [DropFolderError] = []
        for file in taken {
            // A folder that refuses one file is tried with the next (it may be that file's trouble);
            // each folder's error is said once, and the rest of the report is still given.
            do {
                guard let place = try place(file) else { continue }
                moved.append((file.lastPathComponent, place))
            } catch let error as DropFolderError {
                unmovable.noteOnce(error)
            }
        }
        // The report names each file where it now is, not the drop folder it has left.
        report.relocate(moved.map { move in
            (from: folder.appendingPathComponent(move.file).path, to: folder.appendingPathComponent(move.place).path)
        })
        return Outcome(report: report, moved: moved, unmovable: unmovable)
    }
}

extension IngestReport {
    /// What the report says of each moved file names it where it was moved: its warnings, its
    /// rejection and its duplicate notes. A warning begins with its file's path and a colon: the
    /// longest path that begins one is its file's (a file `a` beside a file `a:b.xml`).
    mutating func relocate(_ moves: [(from: String, to: String)]) {
        let longestFirst = moves.sorted { $0.from.count > $1.from.count }
        warnings = warnings.map { warning in
            guard let move = longestFirst.first(where: { warning.hasPrefix($0.from + ":") }) else { return warning }
            return move.to + warning.dropFirst(move.from.count)
        }
        let place = Dictionary(moves.map { ($0.from, $0.to) }, uniquingKeysWith: { first, _ in first })
        for index in rejected.indices {
            let from = rejected[index].source
            guard let to = place[from] else { continue }
            rejected[index].source = to
            if rejected[index].message.hasPrefix(from + ":") { rejected[index].message = to + rejected[index].message.dropFirst(from.count) }
        }
        for index in duplicateNotes.indices {
            if let to = place[duplicateNotes[index].source] { duplicateNotes[index].source = to }
        }
    }
}
