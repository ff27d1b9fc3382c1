import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PanelCore
import PanelPostgres
import PanelSQLite
import PanelXML

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "panel-bench",
        abstract: "Benchmarks for panel, each printing its figures and a ratio against a reference run in the same process.",
        subcommands: [IngestBench.self, StatusBench.self, ReviewBench.self, RulesBench.self])
}

struct IngestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest throughput against xmllint, and peak memory of streaming a large collection.",
        discussion: """
            1. Ingests DIR (or a generated corpus of JATS articles) into a fresh workspace and, in the same \
            run, times 'xmllint --noout' over the same files in one process. Prints MB/s for both and the ratio.
            2. Generates a PubMed-style collection (--collection-gb) and runs 'panel refs ingest' on it as a \
            child process, reporting its peak resident memory (getrusage of the child), its throughput, and \
            'xmllint --stream --noout' on the same file for reference.
            """)

    @Argument(help: "Folder of XML files to ingest (default: a generated JATS corpus).")
    var directory: String?

    @Option(help: "Size of the generated JATS corpus, in MB, when no DIR is given.")
    var generateMb: Int = 64

    @Option(help: "Size of the generated PubMed collection, in GB (0 skips the memory run).")
    var collectionGb: Double = 1

    @Option(help: "Runs of each timed step; the best is reported.")
    var runs: Int = 2

    @Option(help: "Preparing threads for the parallel run, reported beside the single-thread one.")
    var jobs: Int = 2

    @Option(help: "Where to put generated files and workspaces (default: a temporary folder, removed at the end).")
    var scratch: String?

    func run() throws {
        let manager = FileManager.default
        let scratchURL = scratch.map { URL(fileURLWithPath: $0) }
            ?? manager.temporaryDirectory.appendingPathComponent("panel-bench-\(getpid())")
        try manager.createDirectory(at: scratchURL, withIntermediateDirectories: true)
        defer { if scratch == nil { try? manager.removeItem(at: scratchURL) } }
        guard let xmllint = which("xmllint") else {
            print("xmllint not found: apt-get install libxml2-utils")
            throw ExitCode(1)
        }

        // Part 1: throughput.
        let corpus: String
        if let directory {
            corpus = directory
        } else {
            corpus = scratchURL.appendingPathComponent("jats").path
            let started = Date()
            let (files, bytes) = try Corpus.writeJATS(into: corpus, megabytes: generateMb)
            print(String(format: "generated %d JATS articles, %.1f MB, in %.1f s", files, Double(bytes) / 1e6, Date().timeIntervalSince(started)))
        }
        let files = ReferenceIngester.expand([corpus]).files
        let bytes = files.reduce(0) { $0 + $1.size }
        let megabytes = Double(bytes) / 1_048_576
        print(String(format: "corpus: %d files, %.1f MB (%@)", files.count, megabytes, corpus))
        for file in files { _ = try? Data(contentsOf: URL(fileURLWithPath: file.path)) }  // warm the page cache

        var xmllintSeconds = Double.infinity
        for _ in 0..<runs {
            xmllintSeconds = min(xmllintSeconds, try timeXmllint(xmllint, files: files.map(\.path)))
        }

        if ProcessInfo.processInfo.environment["PANEL_BENCH_PROFILE"] != nil { try profileParse(files: files.map(\.path)) }
        try checkCanonicalForm(files: files.map(\.path))
        var parseSeconds = Double.infinity
        for _ in 0..<runs {
            parseSeconds = min(parseSeconds, try timeParseOnly(files: files.map(\.path)))
        }

        var ingestSeconds = Double.infinity
        var parallelSeconds = Double.infinity
        var added = 0
        for attempt in 0..<runs {
            for threads in [1, jobs] {
                let workspace = scratchURL.appendingPathComponent("ws-\(attempt)-\(threads)")
                let (seconds, count) = try timeIngest(workspace: workspace, corpus: corpus, jobs: threads)
                if threads == 1 { ingestSeconds = min(ingestSeconds, seconds) } else { parallelSeconds = min(parallelSeconds, seconds) }
                added = count
                try? manager.removeItem(at: workspace)
            }
        }

        let xmllintRate = megabytes / xmllintSeconds
        let parseRate = megabytes / parseSeconds
        let ingestRate = megabytes / ingestSeconds
        let parallelRate = megabytes / parallelSeconds
        print("")
        print("ingest throughput (best of \(runs), page cache warm)")
        print(String(format: "  xmllint --noout (one process)   %7.3f s  %7.1f MB/s", xmllintSeconds, xmllintRate))
        print(String(format: "  panel parse + extract + C14N    %7.3f s  %7.1f MB/s  (no store)", parseSeconds, parseRate))
        print(String(format: "  panel refs ingest (full)        %7.3f s  %7.1f MB/s  %d references", ingestSeconds, ingestRate, added))
        print(String(format: "  panel refs ingest --jobs %-2d     %7.3f s  %7.1f MB/s", jobs, parallelSeconds, parallelRate))
        print(String(format: "  ratio ingest/xmllint            %7.2f x   (one thread; target >= 0.50)", ingestRate / xmllintRate))
        print(String(format: "  ratio --jobs %d / one thread     %7.2f x   (target >= 1.60)", jobs, parallelRate / ingestRate))
        print(String(format: "  ratio parse-only/xmllint        %7.2f x", parseRate / xmllintRate))

        // Part 2: memory on a large collection.
        guard collectionGb > 0 else { return }
        let collection = scratchURL.appendingPathComponent("pubmed-collection.xml").path
        let started = Date()
        let (records, collectionBytes) = try Corpus.writePubMedCollection(to: collection, bytes: Int(collectionGb * 1_073_741_824))
        print("")
        print(String(format: "generated PubMed collection: %d records, %.2f GB, in %.1f s", records, Double(collectionBytes) / 1_073_741_824, Date().timeIntervalSince(started)))
        let panelBinary = try BenchWorkspace.panelBinary()
        let workspace = scratchURL.appendingPathComponent("ws-collection").path
        // A fresh workspace: one left in a reused --scratch folder would hold every record already,
        // and its runs would time duplicates.
        if manager.fileExists(atPath: workspace) { try manager.removeItem(atPath: workspace) }
        _ = try ChildProcess.run(panelBinary, ["init", workspace])
        let stream = try ChildProcess.run(xmllint, ["--stream", "--noout", collection])
        let gigabytes = Double(collectionBytes) / 1_073_741_824
        let collectionMB = Double(collectionBytes) / 1_048_576
        print("streaming a \(String(format: "%.2f", gigabytes)) GB collection (child processes; peak RSS: the child's VmHWM, polled)")
        print(String(format: "  xmllint --stream --noout        %7.1f s  %7.1f MB/s  peak RSS %6.1f MB", stream.seconds, collectionMB / stream.seconds, stream.peakMB))
        // With the shipped rules (the generated records share their words: many flags), then without.
        var ingest = ChildProcess.Result(status: 0, seconds: 0, peakMB: 0, output: "")
        for rules in [true, false] {
            if !rules {
                // Without rules: a workspace whose rules folder is empty (a missing one is an error).
                try manager.removeItem(atPath: workspace)
                _ = try ChildProcess.run(panelBinary, ["init", workspace])
                let folder = workspace + "/workflows/rules"
                for name in try manager.contentsOfDirectory(atPath: folder) { try manager.removeItem(atPath: folder + "/" + name) }
            }
            ingest = try ChildProcess.run(panelBinary, ["refs", "ingest", collection, "--workspace", workspace, "--quiet"])
            let label = rules ? "shipped rules" : "no rules    "
            // A run that failed measured nothing: no figure for it, and the benchmark fails.
            guard ingest.status == 0 else {
                print("  panel refs ingest, \(label)  FAILED (exit \(ingest.status)): \(ingest.output.suffix(500))")
                throw ExitCode(1)
            }
            print(String(format: "  panel refs ingest, %@  %7.1f s  %7.1f MB/s  peak RSS %6.1f MB  (target <= 64 MB)",
                         label, ingest.seconds, collectionMB / ingest.seconds, ingest.peakMB))
        }
        print(String(format: "  ratio ingest/xmllint --stream   %7.2f x   (no rules)", stream.seconds / ingest.seconds))
    }

    private func timeXmllint(_ xmllint: String, files: [String]) throws -> Double {
        let result = try ChildProcess.run(xmllint, ["--noout"] + files)
        guard result.status == 0 else {
            print("xmllint reported problems (exit \(result.status)); timing stands")
            return result.seconds
        }
        return result.seconds
    }

    /// Where parse-side time goes: parse, then + extraction, then + C14N.
    private func profileParse(files: [String]) throws {
        let registry = try ReferenceAdapterRegistry()
        let parser = PanelXMLParser()
        for stage in 0..<3 {
            let started = Date()
            for file in files {
                var adapter: (any ReferenceAdapter)?
                try parser.parse(fileAt: file, plan: { root in
                    adapter = registry.detect(root)
                    return adapter?.readPlan(for: root) ?? .wholeDocument
                }) { document in
                    if stage >= 1 { _ = try adapter?.references(in: document) }
                    if stage >= 2 { _ = try document.canonicalSHA256() }
                }
            }
            print(String(format: "  profile stage %d (%@): %.3f s", stage, ["parse", "+extract", "+c14n"][stage], Date().timeIntervalSince(started)))
        }
    }

    /// Ingest hashes each document's canonical form by its own tree walk; it must give what
    /// libxml2's serialiser gives (references are named by that hash). Checked on every document
    /// and record of the corpus before anything is timed; then both are timed on the same parsed
    /// documents, alternating, best of `runs`.
    private func checkCanonicalForm(files: [String]) throws {
        let registry = try ReferenceAdapterRegistry()
        let parser = PanelXMLParser()
        var documents = 0
        var differing: [String] = []
        var walkSeconds = Double.infinity
        var libxml2Seconds = Double.infinity
        for file in files {
            try parser.parse(fileAt: file, plan: { root in
                registry.detect(root)?.readPlan(for: root) ?? .wholeDocument
            }) { document in
                documents += 1
                if try document.canonicalSHA256() != document.libxml2CanonicalSHA256() { differing.append(file) }
            }
        }
        print("canonical form: tree walk and libxml2 \(differing.isEmpty ? "agree" : "DIFFER") on \(documents) documents"
              + (differing.isEmpty ? "" : " (\(differing.count), e.g. \(differing[0]))"))
        if !differing.isEmpty { throw ExitCode(1) }
        for _ in 0..<runs {
            var walk = 0.0
            var libxml2 = 0.0
            for file in files {
                try parser.parse(fileAt: file, plan: { root in
                    registry.detect(root)?.readPlan(for: root) ?? .wholeDocument
                }) { document in
                    var started = Date()
                    _ = try document.canonicalSHA256()
                    walk += Date().timeIntervalSince(started)
                    started = Date()
                    _ = try document.libxml2CanonicalSHA256()
                    libxml2 += Date().timeIntervalSince(started)
                }
            }
            walkSeconds = min(walkSeconds, walk)
            libxml2Seconds = min(libxml2Seconds, libxml2)
        }
        print(String(format: "canonical hash of the parsed documents: tree walk %.3f s, libxml2 %.3f s (%.2fx faster)",
                     walkSeconds, libxml2Seconds, libxml2Seconds / walkSeconds))
    }

    /// The parser and adapters alone, as ingest uses them, without the store.
    private func timeParseOnly(files: [String]) throws -> Double {
        let registry = try ReferenceAdapterRegistry()
        let parser = PanelXMLParser()
        let started = Date()
        var count = 0
        for file in files {
            var adapter: (any ReferenceAdapter)?
            try parser.parse(fileAt: file, plan: { root in
                adapter = registry.detect(root)
                return adapter?.readPlan(for: root) ?? .wholeDocument
            }) { document in
                count += (try adapter?.references(in: document).count) ?? 0
                _ = try document.canonicalSHA256()
            }
        }
        let seconds = Date().timeIntervalSince(started)
        if count == 0 { print("warning: the parse-only run found no references") }
        return seconds
    }

    private func timeIngest(workspace: URL, corpus: String, jobs: Int) throws -> (Double, Int) {
        let created = try Workspace.create(at: workspace, name: "bench", identity: .declared, clock: .settable)
        let store = try SQLiteStore(path: created.storeURL.path)
        let ingester = try ReferenceIngester(
            store: store, objects: created.objects, registry: try created.adapterRegistry(),
            clock: SystemClock(), actor: "bench")
        ingester.jobs = jobs
        let started = Date()
        let report = ingester.ingest(paths: [corpus])
        let seconds = Date().timeIntervalSince(started)
        if !report.rejected.isEmpty {
            print("warning: \(report.rejected.count) files rejected, e.g. \(report.rejected[0].message)")
        }
        return (seconds, report.added)
    }

    private func which(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Runs a child process and reports its wall time and peak resident memory.
enum ChildProcess {
    struct Result {
        var status: Int32
        var seconds: Double
        var peakMB: Double
        var output: String
    }

    static func run(_ path: String, _ arguments: [String]) throws -> Result {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("panel-bench-out-\(UUID().uuidString)").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let started = Date()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        // The child's peak RSS is its VmHWM, read by a second thread while this one waits: getrusage's
        // ru_maxrss would report at least this (large) process's RSS, which a spawned child inherits
        // as its starting maximum on Linux.
        let monitor = PeakMonitor(pid: pid)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(started)
        let peakKB = monitor.stop()
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: exitStatus, seconds: seconds, peakMB: Double(peakKB) / 1024, output: output)
    }
}

/// Fresh workspaces for the benchmarks, with the definitions that ship.
enum BenchWorkspace {
    /// The `panel` executable built beside this benchmark; the timed runs are of it.
    static func panelBinary() throws -> String {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("panel").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            print("panel binary not found beside panel-bench (\(path)); build it: swift build -c release")
            throw ExitCode(1)
        }
        return path
    }

    /// The workspace's store: its SQLite file, or the PostgreSQL schema its panel.yaml names.
    static func open(_ workspace: Workspace) throws -> any PanelStore {
        workspace.storeLocation.isPostgres ? try PostgresStore(url: workspace.config.store) : try SQLiteStore(path: workspace.storeURL.path)
    }

    /// `--store URL` made unique for one run: a schema of its own (removed afterwards by `cleanUp`).
    static func uniqueSchema(_ url: String) throws -> String {
        guard StoreLocation(url).isPostgres, !url.contains("schema=") else {
            print("--store must be a postgresql:// URL without a schema (the benchmark makes a schema of its own): \(url)")
            throw ExitCode(2)
        }
        return url + (url.contains("?") ? "&" : "?") + "schema=bench_\(getpid())_\(Int(Date().timeIntervalSince1970))"
    }

    /// Drops a benchmark's PostgreSQL schema.
    static func cleanUp(_ url: String) throws {
        try PostgresStore(url: url).dropSchema()
    }

    /// The checkout's `workflows/` (benchmarks run from a checkout).
    static let shippedWorkflows = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("workflows")

    /// A workspace with the workflow definitions of `workflows` (default: the shipped ones) and, if asked, the shipped rules.
    static func make(at root: URL, name: String, workflows: URL? = nil, rules: Bool = false, store: String? = nil) throws -> Workspace {
        let manager = FileManager.default
        let workspace = try Workspace.create(at: root, name: name, identity: .declared, clock: .settable, store: store)
        func copy(_ source: URL, into target: URL) throws {
            try manager.createDirectory(at: target, withIntermediateDirectories: true)
            for name in try manager.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".yaml") {
                try manager.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
            }
        }
        try copy(workflows ?? shippedWorkflows, into: workspace.workflowsURL)
        if rules { try copy(shippedWorkflows.appendingPathComponent("rules"), into: workspace.rulesURL) }
        return workspace
    }
}

/// Polls a child's `VmHWM` (its own peak resident set) every 5 ms until stopped.
final class PeakMonitor: @unchecked Sendable {
    private let lock = NSLock()
    private var peakKB = 0
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init(pid: pid_t) {
        let path = "/proc/\(pid)/status"
        Thread { [self] in
            while lock.withLock({ running }) {
                if let text = try? String(contentsOfFile: path, encoding: .utf8),
                   let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                   let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
                    lock.withLock { peakKB = max(peakKB, kilobytes) }
                }
                usleep(5_000)
            }
            done.signal()
        }.start()
    }

    /// The highest VmHWM seen, in KB.
    func stop() -> Int {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { peakKB }
    }
}
