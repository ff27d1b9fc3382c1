import Yams

/// `no-open-conflict`: nobody working on the assessment declares a conflict with it or its authors.
public struct NoOpenConflict: Requirement {
    public static let name = "no-open-conflict"
    public static let summary = "no author, review editor or reviewer declares a conflict with the assessment, its authors or their organisations"
    public static let parameter = ""
    public static let readsStatements = false

    public init() {}

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard Self.none(parameter, reader: reader) else { return nil }
    }

    public var description: String { "no open conflict of interest" }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        let conflicts = Self.conflicts(in: context)
        return status(
            met: conflicts.isEmpty,
            current: conflicts.isEmpty ? "none" : conflicts.joined(separator: "; "),
            needed: "no conflicts")
    }

    static func conflicts(in context: RequirementContext) -> [String] {
        let assessment = context.assessment
        let authors = Set(assessment.authors.filter { $0.role.isAuthor }.map(\.member))
        let involved = Set(assessment.authors.map(\.member)).union(assessment.reviews.map(\.reviewer))
        // The few people involved, picked from the roster in one pass (status asks this of every
        // assessment: no table of the whole roster each time).
        let people = context.members.filter { involved.contains($0.id) }.sorted { $0.id < $1.id }
        let authorAffiliations = Set(people.filter { authors.contains($0.id) }.map(\.affiliation))
        var found: [String] = []
        for member in people {
            let id = member.id
            if member.conflicts.assessments.contains(assessment.id) {
                found.append("\(id) declares a conflict with \(assessment.id)")
            }
            if !authors.contains(id) {
                for other in member.conflicts.members where authors.contains(other) {
                    found.append("\(id) declares a conflict with author \(other)")
                }
                for organisation in member.conflicts.organisations where authorAffiliations.contains(organisation) {
                    found.append("\(id) declares a conflict with \(organisation), an author's affiliation")
                }
            }
        }
        return found
    }
}
