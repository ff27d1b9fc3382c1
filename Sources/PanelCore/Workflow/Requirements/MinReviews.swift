import Yams

/// `min-reviews: N`: at least N reviews received on drafts of the current stage.
public struct MinReviews: Requirement {
    public static let name = "min-reviews"
    public static let summary = "at least N reviews received in the current stage"
    public static let parameter = "N"
    public static let readsStatements = false
    public let count: Int

    public init(count: Int) { self.count = count }

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard let count = Self.count(parameter, at: node, reader: reader) else { return nil }
        self.count = count
    }

    public var description: String { "at least \(count) review\(count == 1 ? "" : "s")" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        // Expert reviews only: government comments count in min-governments.
        let have = context.assessment.expertReviews.filter { $0.stage == context.assessment.stage }.count
        return status(met: have >= count, current: "\(have) review\(have == 1 ? "" : "s")", needed: "at least \(count)")
    }
}
