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
}
