import Yams

/// `calibrated-statements`: the latest draft's summary statements pass the language lint
/// (each calibrated, no off-scale terms or hedges, the likelihood rating agreeing with them).
public struct CalibratedStatements: Requirement {
    public static let name = "calibrated-statements"
    public static let summary = "every summary statement of the latest draft passes `panel draft lint` (IPCC AR5 calibrated language)"
    public static let parameter = ""

    public init() {}

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard Self.none(parameter, reader: reader) else { return nil }
    }

    public var description: String { "summary statements in calibrated language" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let assessment = context.assessment
        guard let draft = assessment.latestDraft else {
            return status(met: false, current: "no draft", needed: "a draft whose statements pass the lint")
        }
        let findings = CalibratedLanguage.lint(assessment.statements, rating: assessment.ratings.likelihood)
        let shown = findings.prefix(3).map { "\($0.statement) line \($0.line):\($0.column) \($0.kind.rawValue)" }.joined(separator: "; ")
        return status(
            met: findings.isEmpty,
            current: findings.isEmpty
                ? "draft \(draft.version) clean"
                : "draft \(draft.version): \(counted(findings.count, "finding")) (\(shown)\(findings.count > 3 ? "; ..." : "")); see panel draft lint \(assessment.id)",
            needed: "no findings")
    }
}
