import ArgumentParser
import Foundation
import PanelCore
import PanelSQLite

/// The cost of reference rules during ingest, and of a digest over a long flag history.
struct RulesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Ingest with 100 compiled reference rules against ingest with none; a digest over 100,000 flag events.",
        discussion: """
            1. Generates a JATS corpus and ingests it into two fresh workspaces in the same run, once with no \
            rules and once with --rules generated reference rules (phrases over the text, half of them with an \
            XPath on the document, some limited to formats), best of --runs each; prints both and the ratio.
            2. Builds a store whose log holds --flag-events flag events (raised, changed, acknowledged, \
            resolved, silenced) over --flags flags and earlier digests, then times 'panel digest' as a whole \
            process: the first run (issuing) and the median of repeated runs (nothing new), against 'panel --version'.
            """)

    @Option(help: "Size of the generated JATS corpus, in MB.") var generateMb: Int = 32
    @Option(help: "Reference rules to compile.") var rules: Int = 100
    @Option(help: "Runs of each ingest; the best is reported.") var runs: Int = 2
    @Option(help: "Flag events in the digest history.") var flagEvents: Int = 100_000
    @Option(help: "Distinct flags in that history.") var flags: Int = 10_000
    @Option(help: "Keep generated files here instead of a temporary folder.") var scratch: String?

    func run() throws {
        let manager = FileManager.default
        let root = scratch.map { URL(fileURLWithPath: $0) } ?? manager.temporaryDirectory.appendingPathComponent("panel-rules-bench-\(getpid())")
        try? manager.removeItem(at: root)
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if scratch == nil { try? manager.removeItem(at: root) } }

        let corpus = root.appendingPathComponent("jats").path
        let (files, bytes) = try Corpus.writeJATS(into: corpus, megabytes: generateMb)
        let megabytes = Double(bytes) / 1_048_576
        let ruleSet = Self.generateRules(rules)
        let withXPath = ruleSet.filter { if case .reference(let c) = $0.watch { c.xpath != nil } else { false } }.count
        let xpathOnly = ruleSet.filter { if case .reference(let c) = $0.watch { c.xpath != nil && c.text.isEmpty } else { false } }.count
        print(String(format: "corpus: %d JATS articles, %.1f MB; %d generated reference rules (%d with XPath, %d of them XPath alone)",
                     files, megabytes, ruleSet.count, withXPath, xpathOnly))
        var without = Double.infinity
        var with = Double.infinity
        var matches = 0
        var raised = 0
        for attempt in 0..<max(runs, 1) {
            without = min(without, try timeIngest(root.appendingPathComponent("plain-\(attempt)"), corpus: corpus, rules: []).seconds)
            let timed = try timeIngest(root.appendingPathComponent("rules-\(attempt)"), corpus: corpus, rules: ruleSet)
            with = min(with, timed.seconds)
            matches = timed.matches
            raised = timed.flags
        }
        print("")
        print(String(format: "ingest, no rules                 %6.2f s  %6.1f MB/s", without, megabytes / without))
        print(String(format: "ingest, %3d reference rules      %6.2f s  %6.1f MB/s  (%d matches, %d flags raised)", ruleSet.count, with, megabytes / with, matches, raised))
        print(String(format: "  slowdown                        %+5.1f%%  (target <= +30%%)", (with / without - 1) * 100))

        let panel = try BenchWorkspace.panelBinary()
        let history = root.appendingPathComponent("history")
        let started = Date()
        let events = try Self.buildHistory(at: history, flagEvents: flagEvents, flags: flags)
        print("")
        print(String(format: "digest history: %d events in the log (%d flag events over %d flags), built in %.1f s", events.total, events.flagEvents, flags,
                     Date().timeIntervalSince(started)))
        let ws = ["--workspace", history.path, "--now", "2026-06-01T00:00:00Z"]
        let baseline = try median(panel, ["--version"])
        let first = try ChildProcess.run(panel, ["digest", "--format", "json", "--out", history.appendingPathComponent("digest.json").path] + ws)
        let again = try median(panel, ["digest", "--format", "json", "--out", history.appendingPathComponent("again.json").path] + ws)
        print(String(format: "panel --version (start-up)       median %6.1f ms", baseline))
        print(String(format: "panel digest, first (issuing)           %6.1f ms  exit %d", first.seconds * 1000, first.status))
        print(String(format: "panel digest, again (nothing new) median %6.1f ms  (target < 100 ms)", again))
        if first.status != 0 { print(first.output.suffix(400)) }
    }

    private func median(_ binary: String, _ arguments: [String], runs: Int = 11) throws -> Double {
        var times: [Double] = []
        for _ in 0..<runs { times.append(try ChildProcess.run(binary, arguments).seconds * 1000) }
        return times.sorted()[times.count / 2]
    }

    private func timeIngest(_ directory: URL, corpus: String, rules: [Rule]) throws -> (seconds: Double, matches: Int, flags: Int) {
        let workspace = try Workspace.create(at: directory, name: "bench", identity: .declared, clock: .settable)
        let store = try SQLiteStore(path: workspace.storeURL.path)
        let ingester = try ReferenceIngester(store: store, objects: workspace.objects, registry: try workspace.adapterRegistry(),
                                             clock: SystemClock(), actor: "bench", rules: try ReferenceRuleSet(rules))
        let started = Date()
        let report = ingester.ingest(paths: [corpus])
        var flags = 0
        if !rules.isEmpty {
            flags = try RuleRunner(store: store, rules: rules, workflows: [:], clock: SystemClock(), actor: "bench")
                .evaluate(referencesOnly: true).raised
        }
        let seconds = Date().timeIntervalSince(started)
        try? FileManager.default.removeItem(at: directory)
        return (seconds, report.ruleMatches, flags)
    }

    /// Rules in the shape of the shipped ones: phrases over the text, half with an XPath, some per format.
    /// Terms early-warning rules look for; most never occur in the generated corpus, as most rules rarely fire.
    static let watchTerms = """
        self-replication exfiltration bioweapon pathogen toxin deepfake robocall ransomware jailbreak watermark \
        provenance sandbagging deception gridlock blackout dispatch outage wiretap biometric facial-recognition \
        layoffs unemployment strike election ballot referendum polling manipulation propaganda botnet phishing
        """.split(separator: " ").map(String.init).filter { term in !Corpus.words.contains { $0.contains(term) } }

    static func generateRules(_ count: Int) -> [Rule] {
        var random = Corpus.Random(state: 99)
        return (0..<count).map { index in
            // One rule in ten looks for the corpus's own words, so some rules do fire.
            let common = index % 10 == 0
            let words = common ? Corpus.words.filter { $0.count > 4 } : watchTerms
            let phrases = (0..<3).map { _ in common ? "\(random.pick(words)) \(random.pick(words)) \(random.pick(words))" : random.pick(words) }
            // A fifth of the rules are XPath alone, so XPath runs on every document; others pair it with phrases.
            let xpathOnly = index % 5 == 1
            let xpath = index % 2 == 0 || xpathOnly
                ? "boolean(/article/front/article-meta/kwd-group/kwd[. = '\(index == 1 ? "governance" : random.pick(watchTerms))'])" : nil
            let formats: [ReferenceFormat] = index % 5 == 0 ? [.jats, .pubmed] : []
            return Rule(id: "bench-\(index)", title: "Generated rule \(index)", severity: [.info, .warning, .critical][index % 3],
                        watch: .reference(ReferenceCondition(xpath: xpath, text: xpathOnly ? [] : phrases, formats: formats)),
                        aggregation: index % 4 == 0 ? Aggregation(windowDays: 365, threshold: 3) : nil,
                        message: "{{count}} {{title}}")
        }
    }

    /// A workspace whose log holds a long flag history.
    static func buildHistory(at root: URL, flagEvents: Int, flags count: Int) throws -> (total: Int, flagEvents: Int) {
        // The shipped rules, so the digest evaluates them as it does in production.
        let workspace = try BenchWorkspace.make(at: root, name: "history", rules: true)
        let store = try SQLiteStore(path: workspace.storeURL.path)
        let member = Member(id: "exp-01", name: "Chair", nationality: "KE", group: .african, gender: .female, affiliation: "X", roles: [.coChair])
        try store.append(RosterDecisions.importRoster([member], current: [], actor: "s", time: Timestamp.parse("2026-01-01T00:00:00Z")!, acceptingViolations: "generated benchmark roster").get())
        var clock = Timestamp.parse("2026-01-01T00:00:00Z")!
        var written = 0
        var batch: [NewEvent] = []
        func flush() throws {
            written += try store.append(batch).count
            batch.removeAll(keepingCapacity: true)
        }
        var versions = [Int](repeating: 0, count: count)
        var resolved = [Bool](repeating: false, count: count)
        var random = Corpus.Random(state: 5)
        var digests = 0
        while written + batch.count < flagEvents {
            clock = clock.addingTimeInterval(30)
            let index = random.int(0...(count - 1))
            let rule = "rule-\(index % 97)"
            let id = PanelCore.Flag.id(rule: rule, fingerprint: "subject-\(index)")
            let time = Timestamp.format(clock)
            if versions[index] == 0 || resolved[index] {
                versions[index] += 1
                resolved[index] = false
                let flag = PanelCore.Flag(id: id, rule: rule, fingerprint: "subject-\(index)", title: "Rule \(index % 97)",
                                severity: [.info, .warning, .critical][index % 3], message: "condition \(index) v\(versions[index])",
                                labels: ["group": "g\(index % 7)"], subject: "subject-\(index)", state: .open, version: versions[index],
                                raisedAt: time, changedAt: time)
                batch.append(NewEvent(FlagRaised(flag: flag), subject: id, actor: "cron", time: clock))
            } else {
                switch random.int(0...9) {
                case 0...5:
                    versions[index] += 1
                    batch.append(NewEvent(FlagChanged(id: id, severity: .warning, message: "condition \(index) v\(versions[index])", version: versions[index]),
                                          subject: id, actor: "cron", time: clock))
                case 6...7:
                    batch.append(NewEvent(FlagAcknowledged(id: id, note: "looking"), subject: id, actor: "exp-01", time: clock))
                default:
                    resolved[index] = true
                    batch.append(NewEvent(FlagResolved(id: id, resolution: "cleared"), subject: id, actor: "cron", time: clock))
                }
            }
            if batch.count == 5_000 {
                try flush()
                // A digest every 5,000 events, as a daily cron would, so the notification log is long too.
                digests += 1
                _ = try RuleRunner(store: store, rules: [], workflows: [:], clock: FixedClock(clock), actor: "cron").digest(since: nil, dryRun: false)
            }
        }
        try flush()
        return (written + digests, written - 1)
    }
}
