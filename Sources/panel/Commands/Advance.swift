import ArgumentParser
import Foundation
import PanelCore

struct AdvanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advance",
        abstract: "Move an assessment to its next stage when every requirement holds; otherwise list what is missing (exit 3).")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Assessment id.") var id: String
    @Option(help: "Target stage, when the current stage has several ways out.") var to: String?
    @ArgumentParser.Flag(help: "Decide and report, but record nothing.") var dryRun = false

    func run() throws {
        let context = try CommandContext.load(workspace)
        if !dryRun {
            try advance(context)
            return
        }
        let assessment = try context.assessment(id)
        let decision = AssessmentDecisions.advance(
            assessment, to: to, workflow: try context.workflow(for: assessment), members: try context.members,
            actor: context.actor, now: context.clock.now())
        switch decision {
        case .failure(let refusal):
            Console.out("\(id) would not advance:")
            for reason in refusal.reasons { Console.out("  - \(reason)") }
            throw Exit.refused
        case .success(let events):
            var target = "?"
            if case .stageAdvanced(let advanced)? = events.first?.event { target = advanced.to }
            Console.out("\(id) would advance from \(assessment.stage) to \(target) (dry run: nothing recorded)")
        }
    }

    /// Reads the assessment, decides and records in one write: of two chairs
    /// advancing at once, the second decides on the stage the first left.
    private func advance(_ context: CommandContext) throws {
        var stage = ""
        do {
            let records = try context.decide { state in
                let assessment = try state.assessment(id)
                stage = assessment.stage
                return AssessmentDecisions.advance(
                    assessment, to: to, workflow: try context.workflow(for: assessment), members: try state.members(),
                    actor: context.actor, now: context.clock.now(), citations: try state.reader.citations(of: assessment))
            }
            if let advanced = try records.first?.payload(as: StageAdvanced.self) {
                Console.out("\(id) advanced from \(advanced.from) to \(advanced.to)")
            }
        } catch let refusal as Refusal {
            Console.error("\(id) cannot advance from \(stage):")
            for reason in refusal.reasons { Console.error("  - \(reason)") }
            throw Exit.refused
        }
    }
}
