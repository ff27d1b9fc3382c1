import Yams

/// `review-editor-signoff` (or `review-editor-signoff: N`): N review editors signed off this stage.
public struct ReviewEditorSignOff: Requirement {
    public static let name = "review-editor-signoff"
    public static let summary = "N review editors (default 1) signed off that every comment got appropriate consideration"
    public static let parameter = "[N]"
    public static let readsStatements = false
    public let count: Int

    public init(count: Int = 1) { self.count = count }

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        if parameter == nil || parameter?.null != nil {
            count = 1
        } else {
            guard let count = Self.count(parameter, at: node, reader: reader) else { return nil }
            self.count = count
        }
    }

    public var description: String { count == 1 ? "review-editor sign-off" : "\(count) review-editor sign-offs" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let editors = Set(context.assessment.members(with: .reviewEditor))
        let have = Set(context.assessment.signOffs.filter { $0.stage == context.assessment.stage && editors.contains($0.editor) }.map(\.editor)).count
        return status(met: have >= count, current: "\(have) sign-off\(have == 1 ? "" : "s")", needed: "at least \(count)")
    }
}
