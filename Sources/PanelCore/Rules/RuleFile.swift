import Foundation
import Yams

/// Reads rule definitions strictly and validates them completely; an invalid
/// XPath is a load-time error at its position, never a run-time failure.
public enum RuleFile {
    public static let placeholders: Set<String> = [
        "count", "window", "group", "title", "reference", "assessment", "stage", "reviewer", "days", "severity", "likelihood",
        "statement", "text", "confidence", "share", "threshold",
    ]

    public static func parse(_ text: String, file: String) throws(ValidationFailure) -> [Rule] {
        let reader = YAMLReader(file: file)
        guard let root = reader.root(of: text) else { throw reader.failure()! }
        var rules: [Rule] = []
        var seen: [String: Int] = [:]
        for node in root.list("rules", required: true) ?? [] {
            guard let rule = parseRule(node, reader: reader) else { continue }
            if let first = seen[rule.id] {
                reader.record(Problem(rule.location, "duplicate rule id '\(rule.id)' (first at line \(first))"))
                continue
            }
            seen[rule.id] = rule.location.line
            rules.append(rule)
        }
        root.finish()
        if let failure = reader.failure() { throw failure }
        return rules
    }

    /// Every rule of several files; ids must be unique across them.
    public static func load(_ files: [String]) throws(ValidationFailure) -> [Rule] {
        var all: [Rule] = []
        var problems: [Problem] = []
        var seen: [String: SourceLocation] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                problems.append(Problem(SourceLocation(file: file, line: 1, column: 1), "cannot read the file"))
                continue
            }
            do {
                for rule in try parse(try TextFile.decode([UInt8](data), file: file).get(), file: file) {
                    if let first = seen[rule.id] {
                        problems.append(Problem(rule.location, "duplicate rule id '\(rule.id)' (first at \(first))"))
                    } else {
                        seen[rule.id] = rule.location
                        all.append(rule)
                    }
                }
            } catch {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return all
    }

    static func days(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.hasSuffix("d"), let value = Int(trimmed.dropLast()), value > 0 { return value }
        if trimmed.hasSuffix("w"), let value = Int(trimmed.dropLast()), value > 0 { return value * 7 }
        return nil
    }

    private static func parseRule(_ node: Node, reader: YAMLReader) -> Rule? {
        guard let map = reader.map(node, what: "a rule") else { return nil }
        let id = map.string("id", required: true)
        let title = map.string("title", required: true)
        let status = map.word("status", as: RuleStatus.self) ?? .stable
        let severity = map.word("severity", as: Severity.self, required: true)
        let labels = map.stringMap("labels") ?? [:]
        let repeatNode = map.peek("repeat-after")
        let repeatText = map.string("repeat-after")
        let repeatDays = repeatText.flatMap(days)
        if let repeatText, repeatDays == nil {
            reader.report(at: repeatNode, "'repeat-after' must be a number of days or weeks such as 7d or 2w, not '\(repeatText)'")
        }
        let inhibit = map.bool("inhibit") ?? true
        let watchNode = map.value("watch")
        let watchName = map.string("watch", required: true)
        let messageNode = map.value("message")
        let message = map.string("message", required: true)
        var watch: RuleWatch?
        switch watchName {
        case "reference":
            if let match = map.map("match", required: true) { watch = parseReference(match, reader: reader) }
        case "assessment":
            if let when = map.map("when", required: true) { watch = parseAssessment(when, reader: reader) }
        case "process":
            if let when = map.map("when", required: true) { watch = parseProcess(when, reader: reader) }
        case nil: break
        default:
            reader.report(at: watchNode, "'watch' must be reference, assessment or process, not '\(watchName!)'")
        }
        var aggregation: Aggregation?
        let windowNode = map.value("window")
        let window = map.string("window")
        let threshold = map.int("threshold", range: 1...1_000_000)
        let groupBy = map.word("group-by", as: Aggregation.GroupBy.self)
        if window != nil || threshold != nil || groupBy != nil {
            if watchName != "reference" {
                reader.report(at: windowNode ?? map.node, "'window', 'threshold' and 'group-by' apply to reference rules only")
            } else if let window, let threshold {
                if let days = days(window) {
                    aggregation = Aggregation(windowDays: days, threshold: threshold, groupBy: groupBy)
                } else {
                    reader.report(at: windowNode, "'window' must be a number of days or weeks such as 30d or 4w, not '\(window)'")
                }
            } else {
                reader.report(at: windowNode ?? map.node, "'window' and 'threshold' go together (e.g. window: 30d, threshold: 3)")
            }
        }
        map.finish()
        if let message {
            for match in message.matches(of: /\{\{([a-z-]+)\}\}/) where !placeholders.contains(String(match.output.1)) {
                reader.report(at: messageNode, "unknown placeholder {{\(match.output.1)}} (known: \(placeholders.sorted().joined(separator: ", ")))")
            }
        }
        if let id, !TextPatterns.isSlug(id) {
            reader.report(at: map.peek("id"), "rule id '\(id)' must be lower-case letters, digits and dashes")
        }
        guard let id, let title, let severity, let message, let watch else { return nil }
        var rule = Rule(id: id, title: title, status: status, severity: severity, labels: labels, watch: watch,
                        aggregation: aggregation, message: message, location: reader.location(node))
        rule.repeatAfterDays = repeatDays
        rule.inhibit = inhibit
        return rule
    }

    private static func parseReference(_ map: YAMLMap, reader: YAMLReader) -> RuleWatch? {
        let namespaces = map.stringMap("namespaces") ?? [:]
        let xpathNode = map.value("xpath")
        let xpath = map.string("xpath")
        if let xpath {
            do {
                _ = try PanelXMLBridge.compile(xpath, namespaces: namespaces)
            } catch {
                reader.report(at: xpathNode, "\(error)")
            }
        }
        let text = map.strings("text") ?? []
        var formats: [ReferenceFormat] = []
        for word in map.strings("formats") ?? [] {
            if let format = ReferenceFormat(rawValue: word) {
                formats.append(format)
            } else {
                reader.report(at: map.peek("formats"), "unknown format '\(word)'\(didYouMean(word, among: ReferenceFormat.allCases.map(\.rawValue))) (one of: \(ReferenceFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        var fields: [ReferenceCondition.Field] = []
        for word in map.strings("in") ?? ReferenceCondition.Field.allCases.map(\.rawValue) {
            if let field = ReferenceCondition.Field(rawValue: word) {
                fields.append(field)
            } else {
                let known = ReferenceCondition.Field.allCases.map(\.rawValue)
                reader.report(at: map.peek("in"), "unknown field '\(word)'\(didYouMean(word, among: known)) (one of: \(known.joined(separator: ", ")))")
            }
        }
        let near = map.strings("near") ?? []
        let withinNode = map.peek("within")
        let within = map.int("within", range: 1...200)
        if !near.isEmpty && text.isEmpty {
            reader.report(at: map.peek("near"), "'near' needs 'text': a phrase is near another phrase")
        }
        if within != nil && near.isEmpty {
            reader.report(at: withinNode, "'within' needs 'near' (how many words a 'near' phrase may be from a 'text' phrase)")
        }
        if map.has("in") && text.isEmpty {
            reader.report(at: map.peek("in"), "'in' needs 'text': it says where the phrases must occur")
        }
        let keywords = map.strings("keywords") ?? []
        let countries = map.strings("countries") ?? []
        let citesNode = map.peek("cites-keywords-of")
        let cites = map.string("cites-keywords-of")
        if let cites, cites != "approved" {
            reader.report(at: citesNode, "'cites-keywords-of' must be 'approved' (the assessments approved so far), not '\(cites)'")
        }
        let afterNode = map.peek("published-after")
        let after = map.string("published-after")
        if let after, !TextPatterns.isPartialDate(after) {
            reader.report(at: afterNode, "'published-after' must be YYYY, YYYY-MM or YYYY-MM-DD, not '\(after)'")
        }
        map.finish()
        if xpath == nil && text.isEmpty && formats.isEmpty && keywords.isEmpty && countries.isEmpty && after == nil && cites == nil {
            reader.report(at: map.node, "'match' needs at least one of xpath, text, formats, keywords, countries, published-after, cites-keywords-of")
            return nil
        }
        var condition = ReferenceCondition(xpath: xpath, namespaces: namespaces, text: text, formats: formats,
                                           keywords: keywords, countries: countries, publishedAfter: after)
        condition.fields = fields
        condition.near = near
        if let within { condition.within = within }
        condition.citesKeywordsOfApproved = cites == "approved"
        return .reference(condition)
    }

    private static func parseAssessment(_ map: YAMLMap, reader: YAMLReader) -> RuleWatch? {
        var condition = AssessmentCondition()
        for word in map.strings("kind") ?? [] {
            if let kind = AssessmentKind(rawValue: word) { condition.kinds.append(kind) } else {
                reader.report(at: map.peek("kind"), "unknown kind '\(word)'\(didYouMean(word, among: ["risk", "opportunity", "impact"])) (one of: risk, opportunity, impact)")
            }
        }
        for word in map.strings("domain") ?? [] {
            if let domain = RiskDomain(rawValue: word) { condition.domains.append(domain) } else {
                reader.report(at: map.peek("domain"), "unknown domain '\(word)'\(didYouMean(word, among: RiskDomain.allCases.map(\.rawValue))) (one of: \(RiskDomain.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        condition.stages = map.strings("stage") ?? []
        condition.severityAtLeast = map.int("severity-at-least", range: 1...5)
        condition.likelihoodAtLeast = map.word("likelihood-at-least", as: Likelihood.self)
        if let statement = map.map("statement") {
            let likelihood = statement.word("likelihood-at-least", as: Likelihood.self)
            let confidence = statement.word("confidence-at-least", as: ConfidenceLevel.self)
            if !statement.has("likelihood-at-least") && !statement.has("confidence-at-least") {
                reader.report(at: statement.node, "'statement' needs likelihood-at-least, confidence-at-least or both")
            }
            statement.finish()
            condition.statement = StatementCondition(likelihoodAtLeast: likelihood, confidenceAtLeast: confidence)
        }
        map.finish()
        return .assessment(condition)
    }

    private static func parseProcess(_ map: YAMLMap, reader: YAMLReader) -> RuleWatch? {
        var found: [ProcessCondition] = []
        if let days = map.int("review-overdue-days", range: 0...3650) { found.append(.reviewOverdue(days: days)) }
        if let days = map.int("stage-stalled-days", range: 1...3650) { found.append(.stageStalled(days: days)) }
        if let days = map.int("deadline-within-days", range: 0...3650) { found.append(.deadlineWithin(days: days)) }
        if map.bool("reviewer-pool-short") == true { found.append(.reviewerPoolShort) }
        if let below = map.map("participation-below") {
            let node = below.peek("developing-share")
            if let share = below.value("developing-share").flatMap({ $0.float }), (0...1).contains(share) {
                found.append(.participationBelow(developingShare: share))
            } else {
                reader.report(at: node ?? below.node, "'participation-below' needs 'developing-share': a fraction from 0 to 1, such as 0.4")
            }
            below.finish()
        }
        map.finish()
        guard found.count == 1 else {
            reader.report(at: map.node, "'when' of a process rule needs exactly one of review-overdue-days, stage-stalled-days, deadline-within-days, reviewer-pool-short: true, participation-below: {developing-share: F}")
            return nil
        }
        return .process(found[0])
    }
}
