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
            try StoreFactory.check(location: to, option: "--to")
            let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let postgres = StoreLocation(to).isPostgres
            // A SQLite target is written under a temporary name beside it and renamed into place
            // once proved, so a copy that is stopped leaves nothing that blocks the next one.
            let file = URL(fileURLWithPath: to, relativeTo: here).standardizedFileURL
            let location = postgres ? to : file.path
            if !postgres {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file.deletingLastPathComponent().path, isDirectory: &isFolder), isFolder.boolValue else {
                    throw CommandFailure.badInput("\(to): the folder \(file.deletingLastPathComponent().path) does not exist; create it first")
                }
                if FileManager.default.fileExists(atPath: file.path) {
                    throw CommandFailure.badInput("\(to): already exists; copy into a new file")
                }
            }
            let partial = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).partial-\(getpid())")
            let targetObjects = ObjectStore(root: objects.map { URL(fileURLWithPath: $0, relativeTo: here).standardizedFileURL }
                ?? file.deletingLastPathComponent().appendingPathComponent("objects"))
            let report: StoreCopy.Report
            do {
                // The target store is closed (its WAL folded in) before a SQLite file is renamed into place.
                report = try {
                    let target = try StoreFactory.open(location: postgres ? to : partial.path, relativeTo: here)
                    return try StoreCopy(from: context.store, objects: context.workspace.objects, to: target, objects: targetObjects).run()
                }()
                if !postgres { try FileManager.default.moveItem(at: partial, to: file) }
            } catch {
                if !postgres {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: partial.path + suffix) }
                }
                guard let failure = error as? StoreCopy.Failure else { throw error }
                switch failure {
                case .targetNotEmpty, .sourceChanged: throw CommandFailure.refused("\(to): \(failure.description)")
                case .missingObject, .verification: throw CommandFailure.failure("\(to): \(failure.description)")
                }
            }
            let head = report.head.map { "\($0.sequence):\($0.hash)" } ?? "empty"
            if output.format == .json {
                struct Copied: Encodable { let to: String; let events: Int; let references: Int; let matches: Int; let objects: Int; let head: String }
                Console.out(try Console.json(Copied(to: location, events: report.events, references: report.references,
                                                    matches: report.matches, objects: report.objects, head: head)))
            } else {
                Console.out("""
                    Copied \(report.events) events, \(report.references) references, \(report.matches) rule matches and \(report.objects) objects to \(location)
                    Proved: the same chain head (\(head)), an unbroken chain, every query table equal to the fold of the log.
                    To use it, set in \(context.workspace.configURL.path):
                      store: \(postgres ? "\"\(to)\"" : location)\(postgres ? "" : "\n  objects: \(targetObjects.root.path)")
                    """)
            }
        }
    }
}
