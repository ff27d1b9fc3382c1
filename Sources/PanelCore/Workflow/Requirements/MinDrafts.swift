import Yams

/// `min-drafts: N`: at least N drafts submitted while in the current stage.
public struct MinDrafts: Requirement {
    public static let name = "min-drafts"
    public static let summary = "at least N drafts submitted in the current stage"
    public static let parameter = "N"
    public static let readsStatements = false
    public let count: Int

    public init(count: Int) { self.count = count }

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard let count = Self.count(parameter, at: node, reader: reader) else { return nil }
        self.count = count
    }

    public var description: String { "at least \(count) draft\(count == 1 ? "" : "s") in this stage" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let have = context.assessment.drafts.filter { $0.stage == context.assessment.stage }.count
        return status(met: have >= count, current: "\(have) draft\(have == 1 ? "" : "s")", needed: "at least \(count)")
    }
}
