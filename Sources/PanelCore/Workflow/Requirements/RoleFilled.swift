import Yams

/// `role-filled: {role: ROLE, min: N}`: at least N members hold ROLE on the assessment.
public struct RoleFilled: Requirement {
    public static let name = "role-filled"
    public static let summary = "at least N members hold an assessment role (e.g. two review editors)"
    public static let parameter = "{role: ROLE, min: N}"
    public static let readsStatements = false
    public let role: AssessmentRole
    public let minimum: Int

    public init(role: AssessmentRole, minimum: Int) {
        self.role = role
        self.minimum = minimum
    }

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard let parameter, let map = reader.map(parameter, what: "'role-filled'") else {
            reader.report(at: node, "'role-filled' needs {role: ROLE, min: N}")
            return nil
        }
        let role = map.word("role", as: AssessmentRole.self, required: true)
        let minimum = map.int("min", range: 1...100) ?? 1
        map.finish()
        guard let role else { return nil }
        self.role = role
        self.minimum = minimum
    }

    public var description: String { "at least \(minimum) \(role.rawValue)\(minimum == 1 ? "" : "s") named" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let have = context.assessment.members(with: role).count
        return status(met: have >= minimum, current: "\(have) \(role.rawValue)\(have == 1 ? "" : "s")", needed: "at least \(minimum)")
    }
}
