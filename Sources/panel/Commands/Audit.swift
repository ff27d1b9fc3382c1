import ArgumentParser
import PanelCore

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the integrity of the record.",
        subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove the event log's hash chain, and that every query table equals the fold of the log.",
            discussion: """
                Exits 4 and names the first bad event when a row was altered, removed or reordered, and \
                names each table and key whose contents differ from what the log makes them (a member \
                edited in the member table alone, a vote flipped in the vote table).
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        struct Report: Encodable {
            var ok: Bool
            var events: Int64
            var head: String
            var firstBad: Int64?
            var reason: String?
            var tables: [TableDifference]
        }

        struct TableDifference: Encodable {
            var table: String
            var key: String
            var detail: String
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let verifier = try context.store.verifyChain()
            // The tables are compared only with a log that is itself intact.
            let differences = verifier.firstBreak == nil ? try context.store.verifyState() : []
            let report = Report(
                ok: verifier.firstBreak == nil && differences.isEmpty, events: verifier.checked, head: verifier.headHash,
                firstBad: verifier.firstBreak?.sequence, reason: verifier.firstBreak?.reason,
                tables: differences.map { TableDifference(table: $0.table, key: $0.key, detail: $0.detail) })
            if output.format == .json {
                Console.out(try Console.json(report))
            } else if let broken = verifier.firstBreak {
                Console.out("FAILED: \(broken)")
            } else if !differences.isEmpty {
                Console.out("FAILED: the query tables disagree with the log (\(verifier.checked) events, chain intact):")
                for difference in differences { Console.out("  \(difference)") }
            } else {
                Console.out("OK: \(verifier.checked) events, chain head \(verifier.headHash); every query table equals the fold of the log")
            }
            if let broken = verifier.firstBreak {
                if output.format == .json { Console.error("tampering detected at \(broken)") }
                throw Exit.tampered
            }
            if !differences.isEmpty {
                if output.format == .json { Console.error("the query tables disagree with the log: \(differences[0])") }
                throw Exit.tampered
            }
        }
    }
}
