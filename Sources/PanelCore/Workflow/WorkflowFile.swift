import Foundation
import Yams

/// Reads workflow definitions strictly and validates them completely:
/// unknown keys, stages, roles and requirements, duplicate ids, unreachable
/// stages, stages with no way out, and stages that cannot reach a final
/// stage are all reported at once, each as `file:line:column: message`.
public enum WorkflowFile {
    public static func parse(_ text: String, file: String) throws(ValidationFailure) -> Workflow {
        let reader = YAMLReader(file: file)
        guard let root = reader.root(of: text) else { throw reader.failure()! }
        let id = root.string("id", required: true)
        let title = root.string("title") ?? id ?? ""
        let initialNode = root.value("initial")
        var stages: [Stage] = []
        var seen: [String: SourceLocation] = [:]
        for node in root.list("stages", required: true) ?? [] {
            guard let stage = parseStage(node, reader: reader) else { continue }
            if let first = seen[stage.id] {
                reader.record(Problem(stage.location, "duplicate stage id '\(stage.id)' (first at line \(first.line))"))
                continue
            }
            seen[stage.id] = stage.location
            stages.append(stage)
        }
        root.finish()
        if let id, !TextPatterns.isSlug(id) {
            reader.report(at: root.value("id"), "workflow id '\(id)' must be lower-case letters, digits and dashes")
        }
        let initial = initialNode?.string ?? stages.first?.id ?? ""
        if let initialNode, seen[initial] == nil {
            reader.report(at: initialNode, "initial stage '\(initial)' is not defined")
        }
        if !stages.isEmpty {
            checkGraph(stages, initial: initial, reader: reader, rootNode: root.node)
        } else if root.has("stages") {
            reader.report(at: root.value("stages"), "a workflow needs at least one stage")
        }
        if let failure = reader.failure() { throw failure }
        return Workflow(id: id ?? "", title: title, initial: initial, stages: stages, file: file)
    }

    private static func parseStage(_ node: Node, reader: YAMLReader) -> Stage? {
        guard let map = reader.map(node, what: "a stage") else { return nil }
        let id = map.string("id", required: true)
        let title = map.string("title") ?? id ?? ""
        var allows: [StageActivity] = []
        if let words = map.strings("allows") {
            for word in words {
                if let activity = StageActivity(rawValue: word) {
                    allows.append(activity)
                } else {
                    reader.report(at: map.value("allows"), "unknown activity '\(word)'\(didYouMean(word, among: StageActivity.allCases.map(\.rawValue))) (one of: \(StageActivity.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
        }
        var review: ReviewSettings?
        if let settings = map.map("review") {
            let window = settings.int("window-days", required: true, range: 1...365)
            let blinding = settings.word("blinding", as: Blinding.self) ?? .single
            let late = settings.word("late", as: LateReviews.self) ?? .reject
            settings.finish()
            if let window { review = ReviewSettings(windowDays: window, blinding: blinding, late: late) }
            if !allows.contains(.review) {
                reader.report(at: settings.node, "stage has review settings but does not allow 'review'")
            }
        } else if allows.contains(.review) {
            reader.report(at: node, "stage allows 'review' but has no 'review' settings (window-days, blinding)")
        }
        var governmentDays: Int?
        if let settings = map.map("government-review") {
            governmentDays = settings.int("window-days", required: true, range: 1...365)
            settings.finish()
            if !allows.contains(.governmentReview) {
                reader.report(at: settings.node, "stage has government-review settings but does not allow 'government-review'")
            }
        } else if allows.contains(.governmentReview) {
            reader.report(at: node, "stage allows 'government-review' but has no 'government-review' settings (window-days)")
        }
        let deadline = map.int("deadline-days", range: 1...3650)
        let final = map.bool("final") ?? false
        var transitions: [Transition] = []
        for item in map.list("transitions") ?? [] {
            if let transition = parseTransition(item, reader: reader) { transitions.append(transition) }
        }
        map.finish()
        guard let id else { return nil }
        if !TextPatterns.isSlug(id) {
            reader.report(at: map.value("id"), "stage id '\(id)' must be lower-case letters, digits and dashes")
        }
        if final && !transitions.isEmpty {
            reader.report(at: map.keyNode("transitions"), "final stage '\(id)' cannot have transitions")
        }
        return Stage(id: id, title: title, allows: allows, review: review, deadlineDays: deadline, final: final,
                     transitions: transitions, location: reader.location(node), governmentReviewDays: governmentDays)
    }

    private static func parseTransition(_ node: Node, reader: YAMLReader) -> Transition? {
        guard let map = reader.map(node, what: "a transition") else { return nil }
        let to = map.string("to", required: true)
        var roles: [ActorRole] = []
        let byNode = map.value("by")
        for word in map.strings("by", required: true) ?? [] {
            if let role = ActorRole(rawValue: word) {
                roles.append(role)
            } else {
                reader.report(at: byNode, "unknown role '\(word)'\(didYouMean(word, among: ActorRole.allNames)) (one of: \(ActorRole.allNames.joined(separator: ", ")))")
            }
        }
        var requirements: [any Requirement] = []
        for item in map.list("requires") ?? [] {
            if let requirement = parseRequirement(item, reader: reader) { requirements.append(requirement) }
        }
        map.finish()
        guard let to else { return nil }
        return Transition(to: to, by: roles, requires: requirements, location: reader.location(node))
    }

    /// `name`, or `name: parameter`.
    private static func parseRequirement(_ node: Node, reader: YAMLReader) -> (any Requirement)? {
        let name: String
        let parameter: Node?
        switch node {
        case .scalar(let scalar):
            name = scalar.string
            parameter = nil
        case .mapping(let mapping) where mapping.count == 1:
            guard let key = mapping.first?.key.string else {
                reader.report(at: node, "a requirement is a name or 'name: value'")
                return nil
            }
            name = key
            parameter = mapping.first?.value
        default:
            reader.report(at: node, "a requirement is a name or 'name: value'")
            return nil
        }
        guard let type = RequirementRegistry.named(name) else {
            reader.report(at: node, "unknown requirement '\(name)' (known: \(RequirementRegistry.names.joined(separator: ", ")))")
            return nil
        }
        return type.init(parameter: parameter, at: node, reader: reader)
    }

    /// Unknown targets, unreachable stages, dead ends, and stages with no path to an end.
    private static func checkGraph(_ stages: [Stage], initial: String, reader: YAMLReader, rootNode: Node) {
        let ids = Set(stages.map(\.id))
        for stage in stages {
            for transition in stage.transitions where !ids.contains(transition.to) {
                reader.record(Problem(transition.location, "transition to unknown stage '\(transition.to)'"))
            }
            if !stage.final && stage.transitions.isEmpty {
                reader.record(Problem(stage.location, "stage '\(stage.id)' is not final and has no transitions: assessments would be stuck there"))
            }
        }
        guard stages.contains(where: \.final) else {
            reader.report(at: rootNode, "no final stage: mark the last stage 'final: true'")
            return
        }
        // Forward reachability from the initial stage.
        var reachable: Set<String> = [initial]
        var queue = [initial]
        let byID = Dictionary(uniqueKeysWithValues: stages.map { ($0.id, $0) })
        while let current = queue.popLast() {
            for transition in byID[current]?.transitions ?? [] where ids.contains(transition.to) {
                if reachable.insert(transition.to).inserted { queue.append(transition.to) }
            }
        }
        for stage in stages where !reachable.contains(stage.id) {
            reader.record(Problem(stage.location, "stage '\(stage.id)' cannot be reached from the initial stage '\(initial)'"))
        }
        // Backward reachability from the final stages.
        var canFinish = Set(stages.filter(\.final).map(\.id))
        var changed = true
        while changed {
            changed = false
            for stage in stages where !canFinish.contains(stage.id) && stage.transitions.contains(where: { canFinish.contains($0.to) }) {
                canFinish.insert(stage.id)
                changed = true
            }
        }
        for stage in stages where !canFinish.contains(stage.id) && !stage.transitions.isEmpty {
            reader.record(Problem(stage.location, "stage '\(stage.id)' has no path to a final stage"))
        }
    }
}

/// Draws a workflow for Graphviz or Mermaid, with requirements on the edges.
public enum WorkflowGraph {
    public static func dot(_ workflow: Workflow) -> String {
        var lines = ["digraph \"\(workflow.id)\" {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        for stage in workflow.stages {
            let shape = stage.final ? ", peripheries=2" : ""
            let initial = stage.id == workflow.initial ? ", style=\"rounded,bold\"" : ""
            lines.append("  \"\(stage.id)\" [label=\"\(escape(stage.title))\"\(shape)\(initial)];")
        }
        for stage in workflow.stages {
            for transition in stage.transitions {
                let label = ([ "by " + transition.by.map(\.rawValue).joined(separator: ", ")] + transition.requires.map(\.description))
                    .joined(separator: "\\n")
                lines.append("  \"\(stage.id)\" -> \"\(transition.to)\" [label=\"\(escape(label, keepNewlines: true))\"];")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    public static func mermaid(_ workflow: Workflow) -> String {
        var lines = ["flowchart LR"]
        for stage in workflow.stages {
            let text = stage.title.replacingOccurrences(of: "\"", with: "'")
            lines.append(stage.final ? "  \(node(stage.id))([\"\(text)\"])" : "  \(node(stage.id))[\"\(text)\"]")
        }
        for stage in workflow.stages {
            for transition in stage.transitions {
                let label = (["by " + transition.by.map(\.rawValue).joined(separator: ", ")] + transition.requires.map(\.description))
                    .joined(separator: "<br/>").replacingOccurrences(of: "\"", with: "'")
                lines.append("  \(node(stage.id)) -->|\"\(label)\"| \(node(transition.to))")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func node(_ id: String) -> String { id.replacingOccurrences(of: "-", with: "_") }

    private static func escape(_ text: String, keepNewlines: Bool = false) -> String {
        var escaped = text.replacingOccurrences(of: "\\", with: keepNewlines ? "\\" : "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        if !keepNewlines { escaped = escaped.replacingOccurrences(of: "\n", with: " ") }
        return escaped
    }
}
