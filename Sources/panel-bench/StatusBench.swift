import ArgumentParser
import Foundation
import PanelCore
import PanelSQLite

/// `panel status` and `panel explain` as whole processes on a large workspace.
struct StatusBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Median wall time of 'panel status' and 'panel explain' on a generated workspace.",
        discussion: """
            Generates a workspace with 40 members, 50 assessments (annual-report and rapid-assessment, \
            10 drafts each) and --events events in all (the rest are reference-ingest events, as the cron \
            job writes them), then runs each command --runs times as a child process and reports the \
            median and 90th percentile, against 'panel --version' (process start-up alone) in the same run. \
            The runs go in rounds, each command once a round after one round unmeasured: a shared machine \
            that slows down part-way through slows every command alike, and the ratios stand.
            """)

    @Option(help: "Total events in the generated log.") var events: Int = 100_000
    @Option(help: "Runs of each command.") var runs: Int = 21
    @Option(help: "Workflow definitions to use (default: the checkout's workflows/).") var workflows: String?
    @Option(help: "Keep the workspace here instead of a temporary folder.") var scratch: String?
    @Option(help: ArgumentHelp("Also run on PostgreSQL (a schema of its own on this server), and compare.", valueName: "postgresql://USER@HOST:PORT/DATABASE"))
    var store: String?

    typealias Figures = (median: Double, p90: Double)

    func run() throws {
        let manager = FileManager.default
        let root = scratch.map { URL(fileURLWithPath: $0) } ?? manager.temporaryDirectory.appendingPathComponent("panel-status-bench-\(getpid())")
        try? manager.removeItem(at: root)
        defer { if scratch == nil { try? manager.removeItem(at: root) } }
        let panelBinary = try BenchWorkspace.panelBinary()
        let postgres = try store.map(BenchWorkspace.uniqueSchema)
        defer { if let postgres { try? BenchWorkspace.cleanUp(postgres) } }

        // Every workspace first, then every timing run together.
        var commands: [(name: String, binary: String, arguments: [String])] = [
            ("/bin/true", "/bin/true", []), ("--version", panelBinary, ["--version"]),
        ]
        var stores: [String] = []
        for (label, url) in [("SQLite", nil)] + (postgres.map { [("PostgreSQL", $0)] } ?? []) {
            let folder = root.appendingPathComponent(label.lowercased())
            let started = Date()
            let workspace = try BenchWorkspace.make(at: folder, name: "status benchmark", workflows: workflows.map { URL(fileURLWithPath: $0) },
                                                    store: url)
            let total = try Self.populate(try BenchWorkspace.open(workspace), workflows: try workspace.workflows(), events: events)
            print(String(format: "generated %@ workspace: 40 members, 50 assessments, %d events, in %.1f s (%@)",
                         label, total, Date().timeIntervalSince(started), folder.path))
            let ws = ["--workspace", folder.path]
            stores.append(label)
            commands += [
                ("panel status", panelBinary, ["status"] + ws),
                ("panel status --format json", panelBinary, ["status", "--format", "json"] + ws),
                ("panel explain A-2026-025", panelBinary, ["explain", "A-2026-025", "--as", "exp-01"] + ws),
            ]
        }
        let measured = try measure(commands)
        let (nothing, baseline) = (measured[0], measured[1])
        let perStore = (commands.count - 2) / stores.count
        let results = stores.enumerated().map { index, label in
            (store: label, figures: (0..<perStore).map { offset in
                (commands[2 + index * perStore + offset].name, measured[2 + index * perStore + offset])
            })
        }
        print("")
        print("whole-process wall time over \(runs) runs (median, p90); targets: --version <= 8x /bin/true, status and explain <= 1.5x --version, on PostgreSQL <= 2x SQLite")
        print("  " + "/bin/true (process creation)".padding(toLength: 40, withPad: " ", startingAt: 0)
              + String(format: " median %6.1f ms   p90 %6.1f ms", nothing.median, nothing.p90))
        func line(_ name: String, _ figures: Figures, _ extra: String = "") -> String {
            "  " + name.padding(toLength: 40, withPad: " ", startingAt: 0)
                + String(format: " median %6.1f ms   p90 %6.1f ms   %5.2fx start-up", figures.median, figures.p90, figures.median / baseline.median) + extra
        }
        print(line("panel --version (start-up)", baseline, String(format: "   %5.2fx /bin/true", baseline.median / nothing.median)))
        for (label, figures) in results {
            for (index, (name, measured)) in figures.enumerated() {
                let sqlite = results[0].figures[index].1
                print(line("\(name) [\(label)]", measured,
                           label == "SQLite" ? "" : String(format: "   %5.2fx SQLite", measured.median / sqlite.median)))
            }
        }
    }

    /// Each command's median and 90th percentile over `runs` rounds, every command once a round,
    /// after a first round that warms the page cache and is not counted.
    private func measure(_ commands: [(name: String, binary: String, arguments: [String])]) throws -> [Figures] {
        var times = Array(repeating: [Double](), count: commands.count)
        for round in 0...max(runs, 1) {
            for (index, command) in commands.enumerated() {
                let result = try ChildProcess.run(command.binary, command.arguments)
                guard result.status == 0 else {
                    print("\(command.arguments.joined(separator: " ")) exited \(result.status): \(result.output.prefix(300))")
                    throw ExitCode(1)
                }
                if round > 0 { times[index].append(result.seconds * 1000) }
            }
        }
        return times.map { samples in
            let sorted = samples.sorted()
            return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.9))])
        }
    }

    /// Members, assessments with drafts, and reference-ingest events up to `events`.
    static func populate(_ store: any PanelStore, workflows: [String: Workflow], events target: Int) throws -> Int {
        let groups = RegionalGroup.allCases
        let members = (1...40).map { index in
            Member(id: String(format: "exp-%02d", index), name: "Member \(index)", nationality: index % 2 == 0 ? "KE" : "GB",
                   group: groups[index % groups.count], gender: index % 2 == 0 ? .female : .male,
                   affiliation: "Institute \(index)", roles: index == 1 ? [.coChair] : (index == 2 ? [.coChair] : [.member]))
        }
        var clock = Timestamp.parse("2026-01-05T09:00:00Z")!
        func tick() -> Date {
            clock = clock.addingTimeInterval(60)
            return clock
        }
        var written = 0
        let registered = try RosterDecisions.importRoster(members, current: [], actor: "secretariat", time: tick(), acceptingViolations: "generated benchmark roster").get()
        written += try store.append(registered).count
        var assessments: [Assessment] = []
        for index in 1...50 {
            let workflow = index % 5 == 0 ? "rapid-assessment" : "annual-report"
            let authors = [
                AssessmentAuthor(member: members[(index + 2) % 40].id, role: .coordinatingLeadAuthor),
                AssessmentAuthor(member: members[(index + 3) % 40].id, role: .leadAuthor),
                AssessmentAuthor(member: members[(index + 4) % 40].id, role: .leadAuthor),
                AssessmentAuthor(member: members[(index + 5) % 40].id, role: .reviewEditor),
            ]
            let command = OpenAssessment(title: "Generated assessment \(index)", kind: .risk, domain: RiskDomain.allCases[index % 7],
                                         workflow: workflow, authors: authors, ratings: Ratings(severity: index % 5 + 1, likelihood: .likely))
            let opened = try AssessmentDecisions.open(command, existing: assessments, workflows: workflows, members: members,
                                                      actor: "exp-01", now: tick()).get()
            written += try store.append(opened).count
            var assessment = try store.assessment(opened[0].subject)!
            for version in 1...10 {
                let text = "# Generated assessment \(index), draft \(version)\n" + (1...40).map { "- Finding \($0) of draft \(version) {#S\($0)}" }.joined(separator: "\n") + "\n"
                let draft = try DraftText.read(Array(text.utf8), file: "d.md").get()
                let submitted = try AssessmentDecisions.submitDraft(draft, to: assessment, workflow: workflows[workflow]!, members: members,
                                                                    actor: authors[0].member, now: tick()).get()
                written += try store.append(submitted, objects: [draft.hash: Array(text.utf8)]).count
                assessment = try store.assessment(assessment.id)!
            }
            assessments.append(assessment)
        }
        var batch: [NewEvent] = []
        var index = 0
        while written + batch.count < target {
            index += 1
            let payload = ReferencesIngested(source: "/srv/feeds/incoming-\(index).xml", object: String(repeating: "ab", count: 32),
                                             adapter: "pubmed", added: 25, duplicates: 3, references: (0..<25).map { "ref-\(index)-\($0)" })
            batch.append(NewEvent(payload, subject: "references", actor: "cron", time: tick()))
            if batch.count == 2_000 {
                written += try store.append(batch).count
                batch.removeAll()
            }
        }
        written += try store.append(batch).count
        return written
    }
}
