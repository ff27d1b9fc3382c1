import ArgumentParser
import Foundation
import PanelCore

struct SignOffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signoff",
        abstract: "A review editor states that every comment of the current stage got appropriate consideration.",
        discussion: """
            Refused while the stage has no review or a substantive comment has no response. After it, the stage's \
            responses are final (a chair can reopen them: panel review reopen). A review that arrives later \
            withdraws it. --report FILE keeps the review editor's report (Markdown) with the sign-off and \
            publishes it in the review record.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Assessment id.") var id: String
    @Option(help: ArgumentHelp("The review editor's report, Markdown.", valueName: "FILE")) var report: String?

    func run() throws {
        let context = try CommandContext.load(workspace)
        var objects: [String: [UInt8]] = [:]
        var reportHash: String?
        if let report {
            guard let data = FileManager.default.contents(atPath: report) else { throw CommandFailure.badInput("\(report): cannot read the file") }
            guard String(validating: [UInt8](data), as: UTF8.self) != nil else { throw CommandFailure.badInput("\(report):1:1: not UTF-8 text") }
            let hash = ContentHash.sha256([UInt8](data))
            objects[hash] = [UInt8](data)
            reportHash = hash
        }
        var stage = ""
        try context.decide(objects: objects) { state in
            let assessment = try state.assessment(id)
            stage = assessment.stage
            return ReviewDecisions.signOff(assessment, comments: try state.comments(of: id), members: try state.members(),
                                           actor: context.actor, now: context.clock.now(), report: reportHash)
        }
        Console.out("\(id): signed off \(stage) by \(context.actor)\(report.map { " with the report \($0)" } ?? "")")
    }
}
