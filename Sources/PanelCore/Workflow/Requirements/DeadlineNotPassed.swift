import Yams

/// `deadline-not-passed`: the stage's deadline (with extensions) is still ahead.
public struct DeadlineNotPassed: Requirement {
    public static let name = "deadline-not-passed"
    public static let summary = "the stage's deadline, extensions included, has not passed"
    public static let parameter = ""
    public static let readsStatements = false

    public init() {}

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard Self.none(parameter, reader: reader) else { return nil }
    }

    public var description: String { "deadline not passed" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        guard let deadline = context.assessment.deadline(in: context.stage) else {
            return status(met: true, current: "no deadline", needed: "no deadline passed")
        }
        let text = Timestamp.format(deadline)
        return status(met: context.now <= deadline, current: "deadline \(text)", needed: "now before the deadline (or 'panel extend')")
    }
}
