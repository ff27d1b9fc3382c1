import Yams

/// `citations-resolved`: every reference the latest draft cites (`[@doi:...]`) is in the
/// reference store. Where a stage's way out requires it, `draft submit` refuses a draft
/// with an unknown citation instead of warning.
public struct CitationsResolved: Requirement {
    public static let name = "citations-resolved"
    public static let summary = "every citation in the latest draft ([@doi:...], [@pmid:...], [@ref-...]) names an ingested reference"
    public static let parameter = ""
    public static let readsStatements = false

    public init() {}

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard Self.none(parameter, reader: reader) else { return nil }
    }

    public var description: String { "every citation resolved" }

    /// Whether any way out of `stage` requires citations to resolve.
    public static func isRequired(leaving stage: Stage) -> Bool {
        stage.transitions.contains { $0.requires.contains { $0 is CitationsResolved } }
    }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        guard let draft = context.assessment.latestDraft else {
            return status(met: false, current: "no draft", needed: "a draft whose citations resolve")
        }
        let citations = draft.citations ?? []
        let unknown = context.citations.unknown(citations)
        let shown = unknown.prefix(3).map { "[@\($0.key)] line \($0.line)" }.joined(separator: ", ")
        return status(
            met: unknown.isEmpty,
            current: unknown.isEmpty
                ? "\(counted(citations.count, "citation")) resolved"
                : "\(unknown.count) of \(counted(citations.count, "citation")) unknown (\(shown)\(unknown.count > 3 ? ", ..." : ""))",
            needed: "every citation resolved")
    }
}
