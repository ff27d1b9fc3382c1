import Yams

/// `min-regional-groups: N`: this stage's reviewers come from at least N UN regional groups.
public struct MinRegionalGroups: Requirement {
    public static let name = "min-regional-groups"
    public static let summary = "reviewers of the current stage come from at least N regional groups"
    public static let parameter = "N (1-5)"
    public static let readsStatements = false
    public let count: Int

    public init(count: Int) { self.count = count }

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard let count = Self.count(parameter, at: node, reader: reader) else { return nil }
        guard count <= RegionalGroup.allCases.count else {
            reader.report(at: parameter, "'\(Self.name)' cannot exceed \(RegionalGroup.allCases.count), the number of UN regional groups")
            return nil
        }
        self.count = count
    }

    public var description: String { "reviewers from at least \(count) regional groups" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let reviewers = Set(context.assessment.expertReviews.filter { $0.stage == context.assessment.stage }.map(\.reviewer))
        let groups = Set(context.members.filter { reviewers.contains($0.id) }.map(\.group))
        return status(met: groups.count >= count, current: "\(groups.count) group\(groups.count == 1 ? "" : "s")", needed: "at least \(count)")
    }
}
