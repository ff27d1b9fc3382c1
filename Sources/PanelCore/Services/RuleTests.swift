import Foundation
import PanelXML
import Yams

/// `panel rules test FILE`, in the spirit of `promtool test rules`: a test
/// file gives documents, assessment state and a time, and the firings each
/// rule must produce.
public enum RuleTestFile {
    public struct Expectation: Sendable, Equatable {
        public var rule: String
        public var firings: Int
        public var messages: [String]?
        public var location: SourceLocation
    }

    public struct Result: Sendable, Equatable {
        public var file: String
        public var checked: Int
        /// Documents with `must-not-match` (each a negative case for the rules it names).
        public var negatives: Int = 0
        public var failures: [Problem]
        public var passed: Bool { failures.isEmpty }
    }

    /// Runs one test file; problems in the file itself throw, unmet expectations come back as failures.
    public static func run(_ path: String) throws(ValidationFailure) -> Result {
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ relative: String) -> String {
            relative.hasPrefix("/") ? relative : base.appendingPathComponent(relative).standardizedFileURL.path
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationFailure([Problem(SourceLocation(file: path, line: 1, column: 1), "cannot read the file")])
        }
        let reader = YAMLReader(file: path)
        guard let root = reader.root(of: try TextFile.decode([UInt8](data), file: path).get()) else { throw reader.failure()! }
        let ruleFiles = (root.strings("rules", required: true) ?? []).map(resolve)
        let nowNode = root.peek("now")
        let now = root.string("now", required: true).flatMap(Timestamp.parse)
        if nowNode != nil && now == nil { reader.report(at: nowNode, "'now' must be an ISO 8601 time") }
        let workflowFiles = (root.strings("workflows") ?? []).map(resolve)
        let rosterFile = root.string("members").map(resolve)
        var documents: [(source: String, bytes: [UInt8], location: SourceLocation)] = []
        // Negative cases: a document that must not match the rules it names.
        var mustNotMatch: [(document: Int, rules: [String], location: SourceLocation)] = []
        for node in root.list("documents") ?? [] {
            guard let map = reader.map(node, what: "a document") else { continue }
            if let rules = map.strings("must-not-match") {
                mustNotMatch.append((documents.count, rules, reader.location(map.peek("must-not-match"))))
            }
            if let file = map.string("file") {
                let full = resolve(file)
                if let bytes = FileManager.default.contents(atPath: full) {
                    documents.append((full, [UInt8](bytes), reader.location(node)))
                } else {
                    reader.report(at: map.peek("file"), "cannot read \(full)")
                }
            } else if let xml = map.string("xml") {
                documents.append(("\(path):\(reader.location(node).line)", Array(xml.utf8), reader.location(node)))
            } else {
                reader.report(at: node, "a document needs 'file' or 'xml'")
            }
            map.finish()
        }
        var assessments: [Assessment] = []
        var approved: [ApprovedTopics] = []
        for node in root.list("assessments") ?? [] {
            if let assessment = parseAssessment(node, reader: reader, approved: &approved) { assessments.append(assessment) }
        }
        var expectations: [Expectation] = []
        for node in root.list("expect", required: true) ?? [] {
            guard let map = reader.map(node, what: "an expectation") else { continue }
            let rule = map.string("rule", required: true)
            let firings = map.int("firings", required: true, range: 0...1_000_000)
            let messages = map.strings("messages")
            map.finish()
            if let rule, let firings {
                expectations.append(Expectation(rule: rule, firings: firings, messages: messages, location: reader.location(node)))
            }
        }
        root.finish()
        if let failure = reader.failure() { throw failure }

        let rules = try RuleFile.load(ruleFiles)
        var workflows: [String: Workflow] = [:]
        var problems: [Problem] = []
        for file in workflowFiles {
            do {
                let workflow = try WorkflowFile.parse(String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self), file: file)
                workflows[workflow.id] = workflow
            } catch { problems += error.problems }
        }
        var members: [Member] = []
        if let rosterFile {
            do {
                members = try RosterFile.parse(String(decoding: FileManager.default.contents(atPath: rosterFile) ?? Data(), as: UTF8.self), file: rosterFile)
            } catch { problems += error.problems }
        }
        for expectation in expectations where !rules.contains(where: { $0.id == expectation.rule }) {
            problems.append(Problem(expectation.location, "no rule '\(expectation.rule)' in \(ruleFiles.joined(separator: ", "))"))
        }
        for negative in mustNotMatch {
            for rule in negative.rules where !rules.contains(where: { $0.id == rule }) {
                problems.append(Problem(negative.location, "no rule '\(rule)' in \(ruleFiles.joined(separator: ", "))\(didYouMean(rule, among: rules.map(\.id)))"))
            }
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }

        // Documents through the same adapters and rule set as ingest.
        let matched: [(document: Int, match: RuleMatch)]
        do {
            matched = try match(documents, rules: rules, now: now!, approved: approved)
        } catch let failure as ValidationFailure {
            throw failure
        } catch {
            throw ValidationFailure([Problem(SourceLocation(file: path, line: 1, column: 1), "\(error)")])
        }
        let matches = matched.map(\.match)
        let firings = RuleEngine.referenceFirings(rules, matches: matches, now: now!)
            + RuleEngine.stateFirings(rules, assessments: assessments, workflows: workflows, members: members, now: now!)
        var failures: [Problem] = []
        for expectation in expectations {
            let got = firings.filter { $0.rule.id == expectation.rule }
            if got.count != expectation.firings {
                failures.append(Problem(expectation.location,
                    "rule \(expectation.rule): expected \(expectation.firings) firing\(expectation.firings == 1 ? "" : "s"), got \(got.count)\(got.isEmpty ? "" : ": " + got.map(\.message).joined(separator: " | "))"))
            } else if let messages = expectation.messages, messages.sorted() != got.map(\.message).sorted() {
                failures.append(Problem(expectation.location,
                    "rule \(expectation.rule): expected messages \(messages), got \(got.map(\.message))"))
            }
        }
        for negative in mustNotMatch {
            for hit in matched where hit.document == negative.document && negative.rules.contains(hit.match.rule) {
                failures.append(Problem(negative.location, "rule \(hit.match.rule) matched '\(hit.match.title)', a negative case it must not match"))
            }
        }
        return Result(file: path, checked: expectations.count, negatives: mustNotMatch.count, failures: failures)
    }

    static func match(_ documents: [(source: String, bytes: [UInt8], location: SourceLocation)], rules: [Rule],
                      now: Date, approved: [ApprovedTopics] = []) throws -> [(document: Int, match: RuleMatch)] {
        let registry = try ReferenceAdapterRegistry()
        let ruleSet = try ReferenceRuleSet(rules, approved: approved)
        let parser = PanelXMLParser()
        var matches: [(document: Int, match: RuleMatch)] = []
        for (index, document) in documents.enumerated() {
            var adapter: (any ReferenceAdapter)?
            do {
                try parser.parse(bytes: document.bytes, source: document.source, plan: { root in
                    adapter = registry.detect(root)
                    return adapter?.readPlan(for: root) ?? .wholeDocument
                }) { parsed in
                    guard let adapter else { return }
                    let found = try adapter.references(in: parsed)
                    let canonical = try parsed.canonicalSHA256()
                    for (offset, metadata) in found.enumerated() {
                        let id = Reference.id(canonicalHash: found.count == 1 ? canonical : ReferenceIngester.sha256("\(canonical)#\(offset)"))
                        for rule in ruleSet.matches(parsed, metadata: metadata, format: adapter.format) {
                            matches.append((index, RuleMatch(rule: rule.id, reference: id, title: metadata.title,
                                                     keywords: metadata.keywords.map { $0.lowercased() }, country: metadata.country,
                                                     format: adapter.format,
                                                     at: metadata.published.map(ReferenceIngester.dateTime) ?? Timestamp.format(now),
                                                     assessments: rule.citesApproved ? ApprovedTopics.matching(metadata, in: ruleSet.approved) : nil)))
                        }
                    }
                }
            } catch let error as XMLParseError {
                throw ValidationFailure([Problem(document.location, "document \(error)")])
            }
            if adapter == nil {
                throw ValidationFailure([Problem(document.location, "no adapter reads this document")])
            }
        }
        return matches
    }

    /// A compact assessment description for process and assessment rules.
    static func parseAssessment(_ node: Node, reader: YAMLReader, approved: inout [ApprovedTopics]) -> Assessment? {
        guard let map = reader.map(node, what: "an assessment") else { return nil }
        let id = map.string("id", required: true)
        let kind = map.word("kind", as: AssessmentKind.self) ?? .risk
        let domain = map.word("domain", as: RiskDomain.self) ?? .misinformation
        let workflow = map.string("workflow") ?? "annual-report"
        let stage = map.string("stage", required: true)
        let enteredNode = map.peek("stage-entered")
        let entered = map.string("stage-entered").flatMap(Timestamp.parse)
        if enteredNode != nil && entered == nil { reader.report(at: enteredNode, "'stage-entered' must be an ISO 8601 date or time") }
        let severity = map.int("severity", range: 1...5)
        let likelihood = map.word("likelihood", as: Likelihood.self)
        var assignments: [ReviewAssignment] = []
        for item in map.list("assigned") ?? [] {
            guard let entry = reader.map(item, what: "an assignment") else { continue }
            if let reviewer = entry.string("reviewer", required: true), let deadline = entry.string("deadline", required: true) {
                if let date = Timestamp.parse(deadline) {
                    assignments.append(ReviewAssignment(reviewer: reviewer, stage: stage ?? "", deadline: Timestamp.format(date)))
                } else {
                    reader.report(at: entry.peek("deadline"), "'deadline' must be an ISO 8601 date or time")
                }
            }
            entry.finish()
        }
        let reviewed = map.strings("reviewed") ?? []
        // The keywords of the references its latest draft cites, for cites-keywords-of rules.
        let cited = map.strings("cited-keywords")
        // The summary statements of a draft file, for statement rules.
        var statements: [SummaryStatement] = []
        if let draftNode = map.peek("draft"), let file = map.string("draft") {
            let path = file.hasPrefix("/") ? file : URL(fileURLWithPath: reader.file).deletingLastPathComponent()
                .appendingPathComponent(file).standardizedFileURL.path
            if let data = FileManager.default.contents(atPath: path) {
                switch DraftText.read([UInt8](data), file: path) {
                case .success(let text): statements = text.statements
                case .failure(let refusal): for reason in refusal.reasons { reader.report(at: draftNode, reason) }
                }
            } else {
                reader.report(at: draftNode, "cannot read \(path)")
            }
        }
        map.finish()
        guard let id, let stage else { return nil }
        let time = Timestamp.format(entered ?? Date(timeIntervalSince1970: 0))
        var assessment = Assessment(id: id, title: id, kind: kind, domain: domain, workflow: workflow, stage: stage,
                                    stageEnteredAt: time, openedAt: time, authors: [],
                                    ratings: Ratings(severity: severity, likelihood: likelihood))
        assessment.assignments = assignments
        assessment.statements = statements
        if let cited { approved.append(ApprovedTopics(assessment: id, approvedAt: time, keywords: Set(cited))) }
        assessment.reviews = reviewed.map { ReviewSummary(id: "\(id):\(stage):\($0)", reviewer: $0, draft: 1, stage: stage, substantive: 0, answered: 0) }
        return assessment
    }
}
