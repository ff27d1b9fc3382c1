import ArgumentParser
import PanelCore

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the integrity of the record.",
        subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove the event log's hash chain.",
            discussion: "Exits 4 and names the first bad event when a row was altered, removed or reordered.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        struct Report: Encodable {
            var ok: Bool
            var events: Int64
            var head: String
            var firstBad: Int64?
            var reason: String?
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let verifier = try Console.run { try context.store.verifyChain() }
            let report = Report(
                ok: verifier.firstBreak == nil, events: verifier.checked, head: verifier.headHash,
                firstBad: verifier.firstBreak?.sequence, reason: verifier.firstBreak?.reason)
            if output.format == .json {
                Console.out(try Console.json(report))
            } else if let broken = verifier.firstBreak {
                Console.out("FAILED: \(broken)")
            } else {
                Console.out("OK: \(verifier.checked) events, chain head \(verifier.headHash)")
            }
            if let broken = verifier.firstBreak {
                if output.format == .json { Console.error("tampering detected at \(broken)") }
                throw Exit.tampered
            }
        }
    }
}
