import ArgumentParser
import Foundation
import PanelCore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the review record of an assessment: record.json, record.md and the drafts.",
        discussion: "Reviewers are named as the audience may see them: authors (the default for anyone but chairs and review editors) get pseudonyms where the workflow blinds.")

    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "Assessment id.") var id: String
    @Option(help: "Folder to write (created; existing files are replaced).") var dir: String
    @Option(help: "chairs or authors (default: from --as).") var audience: Audience?

    func run() throws {
        let context = try CommandContext.load(workspace)
        let assessment = try context.assessment(id)
        let chosen = try Visibility.resolve(audience, for: context.identity, on: assessment, members: try context.members).get()
        let names = ReviewerNames(assessment: assessment, workflow: try context.workflow(for: assessment), audience: chosen)
        var reports: [String: String] = [:]
        for hash in assessment.signOffs.compactMap(\.report) {
            let bytes = try context.store.object(hash) ?? [UInt8](try context.workspace.objects.read(hash))
            reports[hash] = String(decoding: bytes, as: UTF8.self)
        }
        let record = ReviewRecord(
            assessment: assessment, reviews: try context.store.reviews(of: id), comments: try context.store.comments(of: id),
            names: names, reports: reports, cites: try context.cited(by: assessment).cites, members: try context.members)
        let folder = URL(fileURLWithPath: dir)
        try Console.run {
            let drafts = folder.appendingPathComponent("drafts")
            try FileManager.default.createDirectory(at: drafts, withIntermediateDirectories: true)
            try Console.write(try Console.json(record) + "\n", to: folder.appendingPathComponent("record.json").path)
            try Console.write(record.markdown, to: folder.appendingPathComponent("record.md").path)
            for draft in assessment.drafts {
                if let bytes = try context.store.object(draft.hash) {
                    try Data(bytes).write(to: drafts.appendingPathComponent("draft-\(draft.version).md"), options: .atomic)
                }
            }
        }
        Console.out("\(id): review record for \(chosen.rawValue) written to \(folder.path) (\(counted(record.reviews.count, "review")), \(counted(record.reviews.reduce(0) { $0 + $1.comments.count }, "comment")), \(counted(assessment.drafts.count, "draft")))")
    }
}
