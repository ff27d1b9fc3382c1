import ArgumentParser
import Foundation
import PanelCore

struct Refs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refs",
        abstract: "Reference documents: ingest XML, search, show, list.",
        subcommands: [Ingest.self, DropInbox.self, Search.self, Show.self, List.self])
}

extension Refs {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Ingest XML reference documents from files and folders.",
            discussion: """
                Formats are detected from the root element: JATS, Akoma Ntoso, PubMed/MEDLINE, Crossref, \
                Atom, RSS, and the generic mappings of panel.yaml. Folders are walked recursively \
                (.xml .nxml .jats .akn .atom .rss .rdf); other files there, hidden names, links that lead \
                nowhere, pipes and devices are listed as skipped (but not a drop folder's own .panel.lock, \
                nor a NAME.reason.txt beside its NAME; a drop folder's processed/ and rejected/ are listed, \
                not walked). Collections are streamed record by record. \
                Duplicates (same DOI, PMID, FRBR URI or canonical XML) are skipped and reported. \
                A bad file is reported and skipped; the exit code is 2 when any file was rejected.
                """)

        @OptionGroup var workspace: WorkspaceOptions

        @Argument(help: "Files or folders to ingest.")
        var paths: [String]

        @Option(help: "Read every file as this format (jats, akn, pubmed, crossref, atom, rss, generic:NAME) instead of detecting it.")
        var format: String?

        @ArgumentParser.Flag(help: "Print the report as JSON.")
        var json = false

        @ArgumentParser.Flag(help: "Never show progress, even on a terminal.")
        var quiet = false

        @OptionGroup var jobs: JobsOption

        func run() throws {
            let context = try CommandContext.load(workspace)
            context.sweepDebris()
            let ingester = try context.ingester(format: format, jobs: jobs.count)
            let showProgress = !quiet && !json && Console.interactive
            var lastDraw = Date.distantPast
            let report = ingester.ingest(paths: paths) { progress in
                guard showProgress, Date().timeIntervalSince(lastDraw) > 0.2 || progress.filesDone == progress.filesTotal else { return }
                lastDraw = Date()
                let megabytes = Double(progress.bytesDone) / 1_048_576
                let rate = progress.elapsed > 0 ? megabytes / progress.elapsed : 0
                let line = String(format: "\rfiles %d/%d  %.1f MB  %.1f MB/s ", progress.filesDone, progress.filesTotal, megabytes, rate)
                Console.emit(line, to: STDERR_FILENO)
            }
            if showProgress { Console.emit("\r\u{1B}[K", to: STDERR_FILENO) }
            // Reference rules were checked on each new document; now their flags.
            let flagged = try Self.flags(after: report, context: context)
            try Self.print(report, flagged: flagged, json: json)
            try Self.exit(for: report, left: "not recorded")
        }

        /// The flags of the references just recorded. None when the store stopped the run: it would
        /// refuse or fail again; the next run or digest raises them.
        static func flags(after report: IngestReport, context: CommandContext) throws -> RuleRunner.Outcome {
            guard report.stopped == nil, report.ruleMatches > 0 || report.added > 0 else { return RuleRunner.Outcome() }
            return try Console.run { try context.runner().evaluate(referencesOnly: true) }
        }

        /// Exit 1 (3 when the store refused: a clock behind the log) when the run stopped at a fault
        /// of the store, said on standard error with what became of the files it did not record
        /// (`left`); else 2 when a file was rejected.
        static func exit(for report: IngestReport, left: String) throws {
            if let stopped = report.stopped { throw failure(stopped, left: left) }
            if !report.rejected.isEmpty { throw FilesSetAside(code: Exit.badInput) }
        }

        /// A run the store stopped: why, and how many files it left where (exit 3 refused, else 1).
        /// A failure, not an exit code: `cron` goes on past files set aside, but not past this.
        static func failure(_ stopped: IngestStop, left: String) -> CommandFailure {
            let first = stopped.unrecorded.first.map { ", from \($0) on" } ?? ""
            return CommandFailure(
                messages: ["\(stopped.message); the run stopped: \(counted(stopped.unrecorded.count, "file")) \(left)\(first); run again once that is fixed"],
                code: stopped.refused ? Exit.refused : Exit.failure)
        }

        /// How many skipped files the text report names (JSON lists them all, up to the report's limit).
        static let shownSkips = 10

        /// The report as `refs ingest` prints it (also `refs inbox`).
        static func print(_ report: IngestReport, flagged: RuleRunner.Outcome, json: Bool) throws {
            if json {
                Console.out(try Console.json(report))
            } else {
                // Names of files as they are, but on one line each: a newline in a name cannot split
                // a line of the report or forge one.
                func line(_ text: String) { Console.out(text.oneLine) }
                var bySource: [String: [DuplicateNote]] = [:]
                var order: [String] = []
                for note in report.duplicateNotes {
                    if bySource[note.source] == nil { order.append(note.source) }
                    bySource[note.source, default: []].append(note)
                }
                for source in order {
                    let notes = bySource[source]!
                    if notes.count == 1, let note = notes.first {
                        line("duplicate  \(source): already have \(note.existing) (\(note.reason))")
                    } else {
                        let shown = notes.prefix(3).map(\.existing).joined(separator: ", ")
                        line("duplicate  \(source): \(notes.count) references already present (\(shown)\(notes.count > 3 ? ", …" : ""))")
                    }
                }
                for warning in report.warnings { line("warning    \(warning)") }
                for skipped in report.skippedFiles.prefix(shownSkips) { line("skipped    \(skipped.reason)") }
                if report.skipped > shownSkips { line("skipped    … and \(report.skipped - shownSkips) more (--json lists them)") }
                for rejection in report.rejected { line("rejected   \(rejection.message)") }
                let megabytes = Double(report.bytes) / 1_048_576
                // References first (a file may hold many), then files.
                line("\(counted(report.added, "reference")) ingested, \(report.duplicates) duplicate; "
                     + "\(counted(report.files, "file")) read, \(report.rejected.count) rejected"
                     + (report.rejected.contains { !$0.read } ? " (\(report.rejected.filter { !$0.read }.count) not read)" : "")
                     + (report.skipped > 0 ? ", \(report.skipped) skipped" : "")
                     + "; \(megabytes > 0 && megabytes < 0.01 ? "<0.01" : String(format: "%.2f", megabytes)) MB in \(String(format: "%.2f", report.seconds)) s")
                if report.stopped != nil, report.ruleMatches > 0 {
                    line("rules: \(counted(report.ruleMatches, "match", "matches")); flags not evaluated, as the run stopped (the next run or digest raises them)")
                } else if report.ruleMatches > 0 || flagged.raised + flagged.changed + flagged.resolved > 0 {
                    line("rules: \(counted(report.ruleMatches, "match", "matches")); flags \(flagged.raised) raised, \(flagged.changed) changed, \(flagged.resolved) resolved")
                }
            }
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Full-text search over ingested references (BM25 ranking).",
            discussion: """
                Every word is required, found in any part of a reference (title, authors, keywords, \
                abstract, text); case and accents do not matter. Also: "an exact phrase", a OR b, NOT word \
                (or -word), prefix*. Narrow with --from, --to, --keyword, --country and --source.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "What to look for.")
        var query: String

        @Option(help: "Only this source format (jats, akn, pubmed, crossref, atom, rss, generic).")
        var source: ReferenceFormat?

        @Option(help: "Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
        var from: String?

        @Option(help: "Published on or before (YYYY, YYYY-MM or YYYY-MM-DD).")
        var to: String?

        @Option(help: "Only references with this keyword (or MeSH heading, category).")
        var keyword: String?

        @Option(help: "Only references from this country code.")
        var country: String?

        @Option(help: "At most this many results.")
        var limit: Int = 20

        func validate() throws {
            for (name, value) in [("--from", from), ("--to", to)] {
                guard let value else { continue }
                if !TextPatterns.isPartialDate(value) { throw ValidationError("\(name) must be YYYY, YYYY-MM or YYYY-MM-DD, not '\(value)'") }
                if !PartialDate.isReal(value) { throw ValidationError("\(name) '\(value)' is not a date in the calendar") }
            }
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
            do {
                _ = try SearchExpression.parse(query)
            } catch {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let expression = try SearchExpression.parse(query)
            let hits = try context.store.search(ReferenceQuery(
                expression, format: source, from: from, to: to, keyword: keyword, country: country, limit: limit))
            switch output.format {
            case .json:
                Console.out(try Console.json(hits))
            case .text:
                if hits.isEmpty { Console.out("no references match '\(query)'") }
                for hit in hits {
                    let reference = hit.reference
                    let date = reference.metadata.published ?? "----"
                    Console.out("\(reference.id)  \(date)  [\(reference.format.rawValue)]  \(reference.metadata.title)")
                    Console.out("    \(hit.snippet.collapsingWhitespace)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one reference by id, DOI, PMID or FRBR URI.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "ref-…, a DOI (10.…/… or doi:…), pmid:…, frbr:/akn/…")
        var key: String

        @ArgumentParser.Flag(help: "Include the full body text.")
        var body = false

        func run() throws {
            let context = try CommandContext.load(workspace)
            guard var reference = try Console.run({ try context.store.reference(matching: key) }) else {
                Console.error("no reference '\(key)' (try 'panel refs search' or 'panel refs list')")
                throw Exit.badInput
            }
            if !body, output.format == .text { reference.metadata.body = String(reference.metadata.body.prefix(400)) }
            switch output.format {
            case .json:
                Console.out(try Console.json(reference))
            case .text:
                let metadata = reference.metadata
                Console.out("\(reference.id)  \(metadata.title)")
                let fields: [(String, String?)] = [
                    ("format", "\(reference.format.rawValue) (\(reference.adapter))"),
                    ("namespace", metadata.namespace),
                    ("identifiers", metadata.identifiers.map(\.description).joined(separator: ", ").nilIfBlank),
                    ("published", metadata.published),
                    ("container", metadata.container),
                    ("country", metadata.country),
                    ("type", metadata.documentType),
                    ("authors", metadata.authors.map { author in
                        author.affiliations.isEmpty ? author.name : "\(author.name) (\(author.affiliations.joined(separator: "; ")))"
                    }.joined(separator: "\n               ").nilIfBlank),
                    ("keywords", metadata.keywords.joined(separator: ", ").nilIfBlank),
                    ("url", metadata.url),
                    // Records counted from 1, as warnings and errors count them.
                    // The file's name as it was dropped, on one line (a name cannot forge a line here).
                    ("source", "\(reference.source.oneLine) (record \(reference.recordIndex + 1))"),
                    ("object", reference.object),
                    ("canonical", reference.canonicalHash),
                    ("ingested", reference.ingestedAt),
                    ("abstract", metadata.abstract.nilIfBlank),
                    ("body", metadata.body.nilIfBlank.map { body ? $0 : $0 + "…" }),
                ]
                for (label, value) in fields {
                    guard let value else { continue }
                    Console.out("  " + label.padding(toLength: 13, withPad: " ", startingAt: 0) + value)
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List ingested references in the order they arrived.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        @Option(help: "At most this many.")
        var limit: Int = 100

        @Option(help: "Skip this many first.")
        var offset: Int = 0

        func run() throws {
            let context = try CommandContext.load(workspace)
            let (references, total) = try Console.run {
                (try context.store.references(limit: limit, offset: offset), try context.store.referenceCount())
            }
            switch output.format {
            case .json:
                Console.out(try Console.json(references))
            case .text:
                if references.isEmpty { Console.out("no references") }
                for reference in references {
                    let date = reference.metadata.published ?? "----"
                    Console.out("\(reference.id)  \(date)  [\(reference.format.rawValue)]  \(reference.metadata.title)")
                }
                if total > offset + references.count {
                    Console.out("… \(total - offset - references.count) more (use --offset)")
                }
            }
        }
    }
}

extension ReferenceFormat: ExpressibleByArgument {}

extension String {
    var nilIfBlank: String? { isEmpty ? nil : self }
}

extension Refs {
    struct DropInbox: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inbox",
            abstract: "Ingest a reference drop folder (for cron): each file moves to processed/, or to rejected/ with its reason.",
            discussion: """
                Like the review inbox: every file at the top of the folder is ingested, whatever its name; \
                ingested and duplicate files move to processed/, rejected ones to rejected/ with \
                NAME.reason.txt beside them. Nothing is deleted, a daily run costs only what is new, and \
                yesterday's bad file does not fail today's run. Exit 2 when a file was rejected in this run.

                To drop a file safely, write it under a name starting with a dot or ending in .part (or \
                .tmp, .partial, .crdownload, .download, .filepart, ~) and rename it when it is complete; \
                such files, and files modified less than --settle seconds ago, are left for the next run \
                and listed as skipped. Symbolic links, named pipes and devices are not read: they are set \
                aside in rejected/ with the reason. Subfolders are not read (and are listed).

                One run at a time takes a folder: a run started while another holds its lock \
                (.panel.lock in it) does nothing and exits 5. When the store refuses or fails (a clock \
                behind the log, a full disk), the run stops: the files it did not record stay in the \
                folder for the next run, and it exits 3 (refused) or 1.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The drop folder (default: the workspace's inbox/references).") var directory: String?
        @ArgumentParser.Flag(help: "Print the report as JSON.") var json = false
        @OptionGroup var settle: SettleOption
        @OptionGroup var jobs: JobsOption

        func run() throws {
            let context = try CommandContext.load(workspace)
            context.sweepDebris()
            let folder = directory.map { URL(fileURLWithPath: $0) } ?? context.workspace.referenceDropURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure.badInput(FileManager.default.fileExists(atPath: folder.path)
                    ? "\(folder.path): not a folder (the reference drop folder is a folder of files; pass its path)"
                    : "\(folder.path): no such folder (the reference drop folder; create it, or pass DIR)")
            }
            let lock = try FileLock.dropFolder(folder)
            defer { lock?.release() }
            let ingester = try context.ingester(format: nil, jobs: jobs.count)
            let outcome = try Console.run { try ReferenceDrop(ingester: ingester, settle: settle.seconds).process(folder) }
            let report = outcome.report
            let flagged = try Ingest.flags(after: report, context: context)
            if json {
                // Absolute and without `.` or `..`, as the report's own paths are.
                let root = folder.standardizedFileURL
                Console.out(try Console.json(DropReport(report: report, moved: outcome.moved.map {
                    DropReport.Move(file: $0.file, place: $0.place, path: root.appendingPathComponent($0.place).path)
                }, unmovable: outcome.unmovable.map(\.description))))
            } else {
                for moved in outcome.moved {
                    Console.out("\(moved.place.hasPrefix("rejected") ? "set aside " : "moved     ") \(moved.file) → \(moved.place)".oneLine, keeping: moved.file.oneLine)
                }
                try Ingest.print(report, flagged: flagged, json: false)
            }
            // A folder that refused its files is the failure to fix (exit 1); the files stay for the next run.
            for refusal in outcome.unmovable { Console.error(refusal.description, keeping: [refusal.path]) }
            if report.stopped == nil, !outcome.unmovable.isEmpty { throw Exit.failure }
            try Ingest.exit(for: report, left: "left in the drop folder")
        }
    }
}

/// `refs inbox --json`: the ingest report, and where each file taken went.
struct DropReport: Encodable {
    var report: IngestReport
    var moved: [Move]
    /// Each of processed/ and rejected/ that refused its files, and why: those files stayed.
    var unmovable: [String]

    struct Move: Encodable {
        /// Its name in the drop folder.
        var file: String
        /// `processed/NAME` or `rejected/NAME`.
        var place: String
        /// Where it is now.
        var path: String
    }

    private enum Keys: String, CodingKey { case moved, unmovable }

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(moved, forKey: .moved)
        try container.encode(unmovable, forKey: .unmovable)
    }
}

/// `--settle SECONDS` for the commands that take drop folders.
struct SettleOption: ParsableArguments {
    // Unconditional, as --jobs: `--settle -1` is out of range, not a missing value.
    @Option(name: .customLong("settle"), parsing: .unconditional, help: ArgumentHelp(
        "Leave files modified less than this many seconds ago (0 to 86400) for the next run: they may still be being written (0 takes them all).",
        valueName: "SECONDS"), transform: { try JobsOption.number($0, Double.init, range: "a number of seconds from 0 to 86400") })
    var seconds: Double = 10

    func validate() throws {
        if !(seconds >= 0 && seconds <= 86_400) { throw ValidationError("--settle must be between 0 and 86400 seconds, not \(String(format: "%g", seconds))") }
    }
}

/// `--jobs N` for the commands that ingest references.
struct JobsOption: ParsableArguments {
    // Unconditional: `--jobs -1` is a count out of range, not a missing value; and what follows
    // `--jobs` when its value is missing (`--json`, a hoisted `--workspace`) is said to be missing.
    @Option(name: .customLong("jobs"), parsing: .unconditional, help: ArgumentHelp("""
        Threads (1 to 64) that parse, extract, hash and match files while one writer records them, in \
        the same order and with the same result as one thread (files over 4 MB are always streamed \
        by the writer).
        """, valueName: "N"), transform: { try JobsOption.number($0, Int.init, range: "a whole number from 1 to 64") })
    var count: Int = 1

    /// The value of an option that takes the next argument whatever it is: a number, else a
    /// usage error. An option there instead (`--json`, or a global option moved after the
    /// subcommand) means the value is missing.
    static func number<Value>(_ text: String, _ parse: (String) -> Value?, range: String) throws -> Value {
        guard let value = parse(text) else {
            throw ValidationError(text.hasPrefix("--") ? "its value (\(range)) is missing" : "not \(range)")
        }
        return value
    }

    func validate() throws {
        if count < 1 || count > 64 { throw ValidationError("--jobs must be between 1 and 64, not \(count)") }
    }
}

extension CommandContext {
    /// The workspace's reference ingester: its adapters, its reference rules, `jobs` preparing threads.
    func ingester(format: String?, jobs: Int) throws -> ReferenceIngester {
        let rules = try self.rules
        let ingester = try Console.run {
            try ReferenceIngester(
                store: store, objects: workspace.objects, registry: try workspace.adapterRegistry(), clock: clock,
                actor: actor, format: format,
                rules: try ReferenceRuleSet(rules, approved: rules.contains(where: \.citesApproved) ? try approvedTopics() : []))
        }
        ingester.jobs = jobs
        return ingester
    }
}
