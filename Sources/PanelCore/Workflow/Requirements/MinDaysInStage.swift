import Yams

/// `min-days-in-stage: N`: the stage has run at least N whole days.
public struct MinDaysInStage: Requirement {
    public static let name = "min-days-in-stage"
    public static let summary = "the current stage began at least N days ago"
    public static let parameter = "N"
    public static let readsStatements = false
    public let days: Int

    public init(days: Int) { self.days = days }

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard let days = Self.count(parameter, at: node, reader: reader) else { return nil }
        self.days = days
    }

    public var description: String { "at least \(counted(days, "day")) in stage" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let have = context.assessment.daysInStage(at: context.now)
        return status(met: have >= days, current: counted(have, "day"), needed: "at least \(counted(days, "day"))")
    }
}
