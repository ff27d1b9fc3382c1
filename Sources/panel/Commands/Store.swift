import ArgumentParser
import Foundation
import PanelCore

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Move the panel between the embedded SQLite store and PostgreSQL.",
        subcommands: [Copy.self])

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy the whole panel into a new, empty store, and prove the copy equal.",
            discussion: """
                Copies the event log verbatim and folds it again into the target's query tables, with the \
                references, rule matches and original files; then checks the target's chain and head against \
                the source's, and every query table against the fold of the log. The workspace keeps using its \
                store until you change 'store:' in panel.yaml. Stop the cron job while copying: a source that \
                changes part-way is refused. Chairs and the secretariat only.
                Examples:
                  panel store copy --to "postgresql://panel@db.example.org:5432/panel"
                  panel store copy --to /srv/panel/panel.sqlite --objects /srv/panel/objects
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        @Option(help: ArgumentHelp("The target: postgresql://USER@HOST:PORT/DATABASE[?schema=NAME] or a path for a new SQLite file.", valueName: "URL|PATH"))
        var to: String

        @Option(help: ArgumentHelp("Where a SQLite target keeps large originals (default: objects/ beside the file).", valueName: "DIR"))
        var objects: String?

        func run() throws {
            let context = try CommandContext.load(workspace)
            let members = try context.members
            let chair = members.first { $0.id == context.identity.actor }.map { $0.has(.coChair) || $0.has(.viceChair) } ?? false
            guard chair || (context.identity.policy == .osUser && context.identity.isSecretariat) else {
                throw CommandFailure.refused("\(context.identity.actor) may not copy the panel: only chairs and the secretariat may")
            }
            let current = FileManager.default.currentDirectoryPath
            let postgres = StoreLocation(to).isPostgres
            if !postgres && FileManager.default.fileExists(atPath: to) {
                throw CommandFailure.badInput("\(to): already exists; copy into a new file")
            }
            let targetObjects = ObjectStore(root: objects.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: current)) }
                ?? URL(fileURLWithPath: to, relativeTo: URL(fileURLWithPath: current)).deletingLastPathComponent().appendingPathComponent("objects"))
            let target = try StoreFactory.open(location: to, relativeTo: URL(fileURLWithPath: current))
            let report: StoreCopy.Report
            do {
                report = try StoreCopy(from: context.store, objects: context.workspace.objects, to: target, objects: targetObjects).run()
            } catch let failure as StoreCopy.Failure {
                switch failure {
                case .targetNotEmpty, .sourceChanged: throw CommandFailure.refused("\(to): \(failure.description)")
                case .missingObject, .verification: throw CommandFailure.failure("\(to): \(failure.description)")
                }
            }
            let head = report.head.map { "\($0.sequence):\($0.hash)" } ?? "empty"
            if output.format == .json {
                struct Copied: Encodable { let to: String; let events: Int; let references: Int; let matches: Int; let objects: Int; let head: String }
                Console.out(try Console.json(Copied(to: to, events: report.events, references: report.references,
                                                    matches: report.matches, objects: report.objects, head: head)))
            } else {
                Console.out("""
                    Copied \(report.events) events, \(report.references) references, \(report.matches) rule matches and \(report.objects) objects to \(to)
                    Proved: the same chain head (\(head)), an unbroken chain, every query table equal to the fold of the log.
                    To use it, set in \(context.workspace.configURL.path):
                      store: \(postgres ? "\"\(to)\"" : to)\(postgres ? "" : "\n  objects: \(targetObjects.root.path)")
                    """)
            }
        }
    }
}
