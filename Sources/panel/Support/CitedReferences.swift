import Foundation
import PanelCore

extension CommandContext {
    /// The references an assessment's latest draft cites, read from the store.
    func cited(by assessment: Assessment) throws -> (resolution: CitationResolution, cites: [CitedReference]) {
        let citations = assessment.latestDraft?.citations ?? []
        return try store.read { reader in
            let resolution = try reader.resolve(citations)
            var references: [String: Reference] = [:]
            for id in Set(resolution.references.values) {
                if let reference = try reader.reference(matching: id) { references[id] = reference }
            }
            return (resolution, CitedReference.list(citations, resolution: resolution, references: references))
        }
    }

    /// What each approved assessment's latest draft cites, as its references' keywords (for
    /// `cites-keywords-of: approved`): approved means in a final stage and not withdrawn.
    func approvedTopics() throws -> [ApprovedTopics] {
        let workflows = try self.workflows
        return try assessments.compactMap { assessment in
            guard assessment.withdrawn == nil, workflows[assessment.workflow]?.stage(assessment.stage)?.final == true else { return nil }
            let cited = try cited(by: assessment).cites.compactMap(\.reference)
            let keywords = try store.read { reader in
                try cited.flatMap { try reader.reference(matching: $0)?.metadata.keywords ?? [] }
            }
            guard !keywords.isEmpty else { return nil }
            return ApprovedTopics(assessment: assessment.id, approvedAt: assessment.stageEnteredAt, keywords: Set(keywords))
        }
    }
}
