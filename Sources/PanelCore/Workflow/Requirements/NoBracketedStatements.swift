import Yams

/// `no-bracketed-statements`: no summary statement of the latest draft is bracketed.
public struct NoBracketedStatements: Requirement {
    public static let name = "no-bracketed-statements"
    public static let summary = "no summary statement of the latest draft is bracketed (each approved or deleted)"
    public static let parameter = ""
    public static let readsStatements = true

    public init() {}

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard Self.none(parameter, reader: reader) else { return nil }
    }

    public var description: String { "no bracketed summary statements" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let bracketed = context.assessment.statements
            .filter { context.assessment.statementDecisions[$0.id] == .bracketed }
            .map(\.id)
        return status(
            met: bracketed.isEmpty,
            current: bracketed.isEmpty ? "none bracketed" : "bracketed: \(bracketed.joined(separator: ", "))",
            needed: "none bracketed")
    }
}
