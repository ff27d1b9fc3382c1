import Yams

/// `all-statements-decided`: line-by-line approval is complete: every summary
/// statement of the latest draft is approved or deleted (none pending, none bracketed).
public struct AllStatementsDecided: Requirement {
    public static let name = "all-statements-decided"
    public static let summary = "every summary statement of the latest draft is approved or deleted (none pending or bracketed)"
    public static let parameter = ""
    public static let readsStatements = true

    public init() {}

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard Self.none(parameter, reader: reader) else { return nil }
    }

    public var description: String { "every summary statement decided" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let assessment = context.assessment
        let open = assessment.statements.filter {
            let decision = assessment.statementDecisions[$0.id]
            return decision != .approved && decision != .deleted
        }
        let pending = open.filter { assessment.statementDecisions[$0.id] == nil }.map(\.id)
        let bracketed = open.filter { assessment.statementDecisions[$0.id] == .bracketed }.map(\.id)
        var current: [String] = []
        if !pending.isEmpty { current.append("pending: \(pending.joined(separator: ", "))") }
        if !bracketed.isEmpty { current.append("bracketed: \(bracketed.joined(separator: ", "))") }
        let decided = assessment.statements.count - open.count
        return status(
            met: open.isEmpty,
            current: current.isEmpty ? "\(decided) of \(assessment.statements.count) decided" : current.joined(separator: "; "),
            needed: "all \(assessment.statements.count) approved or deleted")
    }
}
