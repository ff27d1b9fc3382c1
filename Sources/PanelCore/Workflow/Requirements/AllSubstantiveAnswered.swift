import Yams

/// `all-substantive-answered`: every substantive comment of this stage has a response.
public struct AllSubstantiveAnswered: Requirement {
    public static let name = "all-substantive-answered"
    public static let summary = "every substantive review comment of the current stage has an author response"
    public static let parameter = ""
    public static let readsStatements = false

    public init() {}

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard Self.none(parameter, reader: reader) else { return nil }
    }

    public var description: String { "all substantive comments answered" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let reviews = context.assessment.reviews.filter { $0.stage == context.assessment.stage }
        let open = reviews.reduce(0) { $0 + max(0, $1.substantive - $1.answered) }
        return status(met: open == 0, current: "\(open) unanswered", needed: "0 unanswered")
    }
}
