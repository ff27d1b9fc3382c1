import Yams

/// `min-governments: N`: at least N member states sent comments in the current stage's government review.
public struct MinGovernments: Requirement {
    public static let name = "min-governments"
    public static let summary = "at least N member states (distinct) sent government comments in the current stage"
    public static let parameter = "N"
    public static let readsStatements = false
    public let count: Int

    public init(count: Int) { self.count = count }

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard let count = Self.count(parameter, at: node, reader: reader) else { return nil }
        self.count = count
    }

    public var description: String { "comments from at least \(counted(count, "member state"))" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let states = Set(context.assessment.governmentReviews.filter { $0.stage == context.assessment.stage }.compactMap(\.state)).sorted()
        return status(met: states.count >= count,
                      current: states.isEmpty ? "no member state" : "\(counted(states.count, "member state")) (\(states.joined(separator: ", ")))",
                      needed: "at least \(count)")
    }
}
