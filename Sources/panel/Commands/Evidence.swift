import ArgumentParser
import Foundation
import PanelCore

struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Calls for evidence: submissions from members, reviewers, focal points and stakeholders.",
        discussion: """
            A submission is a YAML file: assessment, submitter (a registered id), title, text, and optionally \
            references (doi:..., pmid:..., ref-...). It is accepted while the assessment is in a stage that \
            allows 'evidence' (the annual report's scoping), from the submitter or a chair recording it for them.
            """,
        subcommands: [Submit.self, List.self])

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "submit", abstract: "Submit evidence files; each is recorded with its bytes.")

        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Submission files (YAML).") var files: [String]

        func run() throws {
            let context = try CommandContext.load(workspace)
            var failed = false
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    Console.error("\(file): cannot read the file")
                    failed = true
                    continue
                }
                let bytes = [UInt8](data)
                guard let submission = Self.read(bytes, file: file) else {
                    failed = true
                    continue
                }
                let hash = ContentHash.sha256(bytes)
                do {
                    var unknown: [String] = []
                    let records = try context.decide(objects: [hash: bytes]) { state in
                        let assessment = try state.assessment(submission.assessment)
                        unknown = try submission.references.filter { try state.reader.reference(matching: $0) == nil }
                        return EvidenceDecisions.submit(submission, fileHash: hash, assessment: assessment,
                                                        workflow: try context.workflow(for: assessment),
                                                        members: try state.members(), actor: context.actor, now: context.clock.now())
                    }
                    for key in unknown {
                        Console.error("warning: \(file): the reference \(key) is not in the store (ingest it with 'panel refs ingest' to link it)")
                    }
                    if let submitted = try records.first?.payload(as: EvidenceSubmitted.self) {
                        let entry = submitted.submission
                        Console.out("recorded \(submitted.assessment) \(entry.id): \"\(entry.title)\" from \(entry.submitter) (\(entry.sector), \(entry.country))")
                    }
                } catch let refusal as Refusal {
                    for reason in refusal.reasons { Console.error("\(file): \(reason)") }
                    throw Exit.refused
                }
            }
            if failed { throw Exit.badInput }
        }

        /// The submission, or nil after printing every problem with its line.
        static func read(_ bytes: [UInt8], file: String) -> EvidenceFile? {
            let text: String
            switch TextFile.decode(bytes, file: file) {
            case .failure(let failure):
                for line in failure.shown { Console.error(line) }
                return nil
            case .success(let decoded): text = decoded
            }
            do {
                return try EvidenceFile.parse(text, file: file)
            } catch {
                for line in error.shown { Console.error(line) }
                return nil
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List an assessment's evidence submissions, counted by sector and region.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Assessment id.") var id: String

        func run() throws {
            let context = try CommandContext.load(workspace)
            let assessment = try context.assessment(id)
            if output.format == .json {
                struct Listed: Encodable { var assessment: String; var submissions: [EvidenceSubmission]; var figures: EvidenceFigures? }
                return Console.out(try Console.json(Listed(assessment: id, submissions: assessment.evidence, figures: Participation.evidence(assessment))))
            }
            if assessment.evidence.isEmpty { return Console.out("\(id): no evidence submitted") }
            for entry in assessment.evidence {
                let references = entry.references.isEmpty ? "" : "  [\(entry.references.joined(separator: ", "))]"
                Console.out("\(entry.id)  \(entry.stage)  \(entry.submitter) (\(entry.sector), \(entry.country), \(entry.group.rawValue))  \(entry.title)\(references)")
            }
            if let figures = Participation.evidence(assessment) {
                let sectors = figures.bySector.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                Console.out("\(counted(figures.total, "submission")): \(sectors)\(figures.developingShare.map { "; \(Int(($0 * 100).rounded()))% from developing countries" } ?? "")")
            }
        }
    }
}
