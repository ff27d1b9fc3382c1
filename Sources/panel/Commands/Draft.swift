import ArgumentParser
import Foundation
import PanelCore

struct DraftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft", abstract: "Drafts: submit a new version.", subcommands: [Submit.self])

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
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
            let records = try context.decide(objects: [text.hash: bytes]) { state in
                let assessment = try state.assessment(id)
                return AssessmentDecisions.submitDraft(text, to: assessment, workflow: try context.workflow(for: assessment),
                                                       members: try state.members(), actor: context.actor, now: context.clock.now())
            }
            if let submitted = try records.first?.payload(as: DraftSubmitted.self) {
                let draft = submitted.draft
                Console.out("\(id) draft \(draft.version): \(draft.lines) lines, \(draft.statementCount) summary statements (\(submitted.statements.map(\.id).joined(separator: ", "))), \(draft.hash.prefix(12))")
            }
        }
    }
}
