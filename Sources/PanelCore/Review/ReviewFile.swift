import Foundation
import Yams

/// A review as written in a file, checked for shape but not yet against the
/// panel's state (that is `ReviewDecisions.receive`).
public struct ReviewSubmission: Sendable, Equatable {
    public struct SubmittedComment: Sendable, Equatable {
        public var fromLine: Int
        public var toLine: Int
        public var kind: CommentKind
        public var text: String
        /// Where the comment is: in a table, its from_line cell (what its problems are mostly about).
        public var location: SourceLocation
        /// Where its text is, when not at `location` (a table's comment cell).
        public var textLocation: SourceLocation? = nil
    }

    public var file: String
    public var assessment: String
    public var draft: Int
    public var reviewer: String
    public var recommendation: Recommendation
    public var confidence: ReviewerConfidence?
    public var summary: String
    public var comments: [SubmittedComment]
    /// Where the header fields were written, for messages about them.
    public var locations: [String: SourceLocation]

    public func location(_ key: String) -> SourceLocation {
        locations[key] ?? SourceLocation(file: file, line: 1, column: 1)
    }
}

/// Review files: YAML (one review) or CSV in the IPCC comment-template layout
/// (one comment a row). Parsed strictly, every problem reported with its line.
public enum ReviewFile {
    public static let csvColumns = ["assessment", "draft", "reviewer", "recommendation", "from_line", "to_line", "kind", "comment"]
    public static let optionalCSVColumns = ["confidence", "summary"]

    public static func parse(_ text: String, file: String) throws(ValidationFailure) -> ReviewSubmission {
        if file.lowercased().hasSuffix(".csv") { return try parse(rows: CSV.rows(text), file: file) }
        return try parseYAML(text, file: file)
    }

    /// `120-134`, `120–134` or `120`.
    static func lineRange(_ text: String) -> (Int, Int)? {
        let parts = text.replacingOccurrences(of: "–", with: "-").split(separator: "-", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...2).contains(parts.count), let from = Int(parts[0]), let to = Int(parts.last!) else { return nil }
        return (from, to)
    }

    private static func parseYAML(_ text: String, file: String) throws(ValidationFailure) -> ReviewSubmission {
        let reader = YAMLReader(file: file)
        guard let root = reader.root(of: text) else { throw reader.failure()! }
        var locations: [String: SourceLocation] = [:]
        for key in root.keys { if let node = root.peek(key) { locations[key] = reader.location(node) } }
        let assessment = root.string("assessment", required: true)
        let draft = root.int("draft", required: true, range: 1...100_000)
        let reviewer = root.string("reviewer", required: true)
        let recommendation = root.word("recommendation", as: Recommendation.self, required: true)
        let confidence = root.word("confidence", as: ReviewerConfidence.self)
        let summary = root.string("summary") ?? ""
        var comments: [ReviewSubmission.SubmittedComment] = []
        for node in root.list("comments") ?? [] {
            guard let map = reader.map(node, what: "a comment") else { continue }
            let linesNode = map.value("lines")
            let lines = map.string("lines", required: true)
            let kind = map.word("kind", as: CommentKind.self, required: true)
            let body = map.string("text", required: true)
            map.finish()
            var range: (Int, Int)?
            if let lines {
                range = lineRange(lines)
                if range == nil { reader.report(at: linesNode, "'lines' must be a line or a range such as 120-134, not '\(lines)'") }
            }
            if let range, let kind, let body {
                comments.append(.init(fromLine: range.0, toLine: range.1, kind: kind, text: body, location: reader.location(node)))
            }
        }
        root.finish()
        if let failure = reader.failure() { throw failure }
        return ReviewSubmission(
            file: file, assessment: assessment!, draft: draft!, reviewer: reviewer!, recommendation: recommendation!,
            confidence: confidence, summary: summary, comments: comments, locations: locations)
    }

    /// A review as a table, one comment a row: a CSV file's rows or a workbook sheet's.
    static func parse(rows: [CSV.Row], file: String) throws(ValidationFailure) -> ReviewSubmission {
        var (records, problems) = CSV.table(rows: rows, file: file, columns: csvColumns + optionalCSVColumns, required: csvColumns)
        if records.isEmpty && !problems.isEmpty { throw ValidationFailure(problems) }
        // Each review field as first given, with where (a later row that disagrees is named against it).
        var first: [String: (text: String, at: SourceLocation)] = [:]
        var comments: [ReviewSubmission.SubmittedComment] = []
        for record in records {
            let value = record.values
            for key in ["assessment", "draft", "reviewer", "recommendation", "confidence", "summary"] {
                guard let text = value[key], !text.isEmpty else { continue }
                if let given = first[key] {
                    if given.text != text {
                        problems.append(Problem(record.location(of: key), "'\(key)' is '\(text)' here but '\(given.text)' \(given.at.inWords): one review per file"))
                    }
                } else {
                    first[key] = (text, record.location(of: key))
                }
            }
            // Every problem of the row, not only the first.
            let from = Int(value["from_line"] ?? ""), to = Int(value["to_line"] ?? value["from_line"] ?? "")
            if from == nil || to == nil {
                problems.append(Problem(record.location(of: from == nil ? "from_line" : "to_line"), "'from_line' and 'to_line' must be line numbers"))
            }
            let kind = CommentKind(rawValue: value["kind"] ?? "")
            if kind == nil {
                problems.append(Problem(record.location(of: "kind"), "'kind' must be one of \(CommentKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(value["kind"] ?? "")'\(didYouMean(value["kind"] ?? "", among: CommentKind.allCases.map(\.rawValue)))"))
            }
            let body = value["comment"] ?? ""
            if body.isEmpty { problems.append(Problem(record.location(of: "comment"), "the comment is empty")) }
            guard let from, let to, let kind, !body.isEmpty else { continue }
            // A comment's problems are about its lines: named at its from_line cell.
            comments.append(.init(fromLine: from, toLine: to, kind: kind, text: body, location: record.location(of: "from_line"),
                                  textLocation: record.location(of: "comment")))
        }
        let fields = first.mapValues(\.text)
        // A value is named where it was given; a missing one in its column of the first row.
        let firstRow = records.first ?? CSV.Record(location: SourceLocation(file: file, line: (rows.first?.line ?? 1) + 1, column: 1,
                                                                            sheet: rows.first?.sheet), values: [:])
        func at(_ key: String) -> SourceLocation { first[key]?.at ?? firstRow.location(of: key) }
        for key in ["assessment", "draft", "reviewer", "recommendation"] where fields[key] == nil {
            problems.append(Problem(at(key), "missing value for '\(key)'"))
        }
        let draft = fields["draft"].flatMap(Int.init)
        if fields["draft"] != nil && draft == nil { problems.append(Problem(at("draft"), "'draft' must be a version number")) }
        let recommendation = fields["recommendation"].flatMap(Recommendation.init(rawValue:))
        if let text = fields["recommendation"], recommendation == nil {
            problems.append(Problem(at("recommendation"), "'recommendation' must be one of \(Recommendation.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'\(didYouMean(text, among: Recommendation.allCases.map(\.rawValue)))"))
        }
        let confidence = fields["confidence"].flatMap(ReviewerConfidence.init(rawValue:))
        if let text = fields["confidence"], confidence == nil {
            problems.append(Problem(at("confidence"), "'confidence' must be one of \(ReviewerConfidence.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'\(didYouMean(text, among: ReviewerConfidence.allCases.map(\.rawValue)))"))
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        let locations = first.mapValues(\.at)
        return ReviewSubmission(
            file: file, assessment: fields["assessment"]!, draft: draft!, reviewer: fields["reviewer"]!,
            recommendation: recommendation!, confidence: confidence, summary: fields["summary"] ?? "",
            comments: comments, locations: locations)
    }
}
