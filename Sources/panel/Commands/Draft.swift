import ArgumentParser
import Foundation
import PanelCore

struct DraftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft", abstract: "Drafts: submit a new version, read one with its line numbers, compare two.",
        subcommands: [Submit.self, Show.self, Diff.self, Lint.self])

    /// The text of one version, from the store.
    static func text(of id: String, version: Int?, context: CommandContext) throws -> (Draft, [String]) {
        let assessment = try context.assessment(id)
        guard let draft = version.map({ wanted in assessment.drafts.first { $0.version == wanted } }) ?? assessment.latestDraft else {
            let known = assessment.drafts.map { String($0.version) }.joined(separator: ", ")
            throw CommandFailure.badInput(version.map { "\(id) has no draft \($0) (drafts: \(known.isEmpty ? "none" : known))" }
                                          ?? "\(id) has no draft yet")
        }
        let bytes = try context.store.object(draft.hash) ?? [UInt8](try context.workspace.objects.read(draft.hash))
        var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return (draft, lines)
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print a draft (the latest, or --version N), with --numbered the line numbers review comments use.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Option(help: "Draft version (default: the latest).") var version: Int?
        @ArgumentParser.Flag(help: "Number the lines as review comments refer to them.") var numbered = false

        func run() throws {
            let context = try CommandContext.load(workspace)
            let (draft, lines) = try DraftCommand.text(of: id, version: version, context: context)
            // The draft's text is the authors' own, shown as they wrote it: redacting it would both
            // change their words and, by what it changed, say who the hidden reviewers are.
            if numbered {
                let width = String(lines.count).count
                Console.out("\(id) draft \(draft.version) (\(draft.lines) lines, submitted \(draft.submittedAt))")
                for (index, line) in lines.enumerated() { Console.out("\(String(index + 1).leftPadded(width))  \(line)", redacting: false) }
            } else {
                for line in lines { Console.out(line, redacting: false) }
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "What changed between two versions of a draft, with each version's line numbers.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Argument(help: "The older version.") var from: Int
        @Argument(help: "The newer version.") var to: Int

        func run() throws {
            let context = try CommandContext.load(workspace)
            let (_, old) = try DraftCommand.text(of: id, version: from, context: context)
            let (_, new) = try DraftCommand.text(of: id, version: to, context: context)
            Console.out("\(id): draft \(from) → draft \(to)   (- removed, + added; line in draft \(from), line in draft \(to))")
            Console.emit(DraftDiff.render(DraftDiff.lines(from: old, to: new)), to: STDOUT_FILENO)  // the authors' text, as above
        }
    }

    /// `A-2026-002@2:7:12: S2: message`: where a finding is, as editors and compilers print it.
    static func show(_ finding: LanguageFinding, id: String, version: Int) -> String {
        "\(id)@\(version):\(finding.line):\(finding.column): \(finding.statement): \(finding.message)"
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check a draft's summary statements against the IPCC AR5 uncertainty guidance.",
            discussion: """
                Each statement needs a confidence level (low, medium, high, very high confidence) or a \
                likelihood term (virtually certain ... exceptionally unlikely), or both. Terms off the scale \
                ("highly likely", "high certainty") are reported with the calibrated term meant; hedges \
                ("may", "might", "could", "possibly", "probably", "perhaps") are reported; and so is a \
                likelihood rating that no statement's likelihood term agrees with. Each finding is printed as \
                ID@VERSION:LINE:COLUMN. Exit 0 when clean, 2 when there are findings.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Assessment id.") var id: String
        @Option(help: "Draft version (default: the latest).") var version: Int?

        func run() throws {
            let context = try CommandContext.load(workspace)
            let assessment = try context.assessment(id)
            let (draft, lines) = try DraftCommand.text(of: id, version: version, context: context)
            // Read again from the stored text, so every version is linted as it was written.
            let text: DraftText
            switch DraftText.read(Array(lines.joined(separator: "\n").utf8), file: "\(id)@\(draft.version)") {
            case .failure(let refusal): throw CommandFailure(messages: refusal.reasons, code: Exit.badInput)
            case .success(let read): text = read
            }
            let findings = CalibratedLanguage.lint(text.statements, rating: assessment.ratings.likelihood)
            switch output.format {
            case .json:
                struct Report: Encodable { var assessment: String; var draft: Int; var statements: [SummaryStatement]; var findings: [LanguageFinding] }
                Console.out(try Console.json(Report(assessment: id, draft: draft.version, statements: text.statements.map {
                    var statement = $0
                    statement.findings = nil
                    return statement
                }, findings: findings)))
            case .text:
                for finding in findings { Console.out(DraftCommand.show(finding, id: id, version: draft.version)) }
                let calibrated = text.statements.filter { $0.confidence != nil || $0.likelihood != nil }.count
                Console.out("\(id) draft \(draft.version): \(counted(text.statements.count, "summary statement")), \(calibrated) calibrated, \(counted(findings.count, "finding"))")
            }
            if !findings.isEmpty { throw Exit.badInput }
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit",
            abstract: "Submit a Markdown draft as the assessment's next immutable version.",
            discussion: "Summary statements are lines ending with a marker such as {#S1}; each id once per draft.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Assessment id.") var id: String
        @Argument(help: "Markdown file.") var file: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            guard let data = FileManager.default.contents(atPath: file) else {
                Console.error("\(file): cannot read the file")
                throw Exit.badInput
            }
            let bytes = [UInt8](data)
            let text: DraftText
            switch DraftText.read(bytes, file: file) {
            case .failure(let refusal):
                for reason in refusal.reasons { Console.error(reason) }
                throw Exit.badInput
            case .success(let read): text = read
            }
            // Citations resolve against the reference store in the same transaction as the decision.
            var resolution = CitationResolution()
            let records = try context.decide(objects: [text.hash: bytes]) { state in
                let assessment = try state.assessment(id)
                resolution = try state.reader.resolve(text.citations)
                return AssessmentDecisions.submitDraft(text, to: assessment, workflow: try context.workflow(for: assessment),
                                                       members: try state.members(), actor: context.actor, now: context.clock.now(),
                                                       citations: resolution)
            }
            if let submitted = try records.first?.payload(as: DraftSubmitted.self) {
                let draft = submitted.draft
                Console.out("\(id) draft \(draft.version): \(draft.lines) lines, \(draft.statementCount) summary statements (\(submitted.statements.map(\.id).joined(separator: ", "))), \(draft.hash.prefix(12))")
                // The language lint warns here; a workflow that requires calibrated-statements refuses approval until it is clean.
                let assessment = try context.assessment(id)
                for finding in CalibratedLanguage.lint(submitted.statements, rating: assessment.ratings.likelihood) {
                    Console.error("warning: \(DraftCommand.show(finding, id: id, version: draft.version))")
                }
                let citations = draft.citations ?? []
                for citation in resolution.unknown(citations) {
                    Console.error("warning: \(id)@\(draft.version):\(citation.line):\(citation.column): [@\(citation.key)] cites no reference in the store; ingest it with 'panel refs ingest' or correct the key")
                }
                if !citations.isEmpty {
                    let keys = Set(citations.map(\.key))
                    let found = Set(keys.compactMap { resolution.reference(for: $0) })
                    let unknown = keys.filter { resolution.reference(for: $0) == nil }.count
                    Console.out("  cites \(counted(keys.count, "key")): \(counted(found.count, "reference")) in the store\(unknown > 0 ? ", \(unknown) unknown" : "")")
                }
            }
        }
    }
}
