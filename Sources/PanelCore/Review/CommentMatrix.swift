import Foundation

/// The comment matrix: every comment with its response, exported for the
/// authors and brought back with responses filled in.
public enum CommentMatrix {
    /// `state` is the member state of a government comment (empty for an expert's).
    public static let columns = ["comment_id", "assessment", "draft", "reviewer", "state", "from_line", "to_line", "kind", "comment",
                                 "response", "response_text"]

    public struct Row: Codable, Sendable, Equatable {
        public var commentID: String
        public var assessment: String
        public var draft: Int
        public var stage: String
        public var reviewer: String
        /// Government comments: the member state (ISO code); nil for expert comments.
        public var state: String?
        public var fromLine: Int
        public var toLine: Int
        public var kind: CommentKind
        public var comment: String
        public var response: ResponseKind?
        public var responseText: String?
    }

    public static func rows(_ comments: [CommentRecord], assessment: Assessment, names: ReviewerNames) -> [Row] {
        comments.map { comment in
            Row(commentID: comment.id, assessment: assessment.id, draft: comment.draft, stage: comment.stage,
                reviewer: names.label(comment.reviewer, stage: comment.stage), state: names.state(of: comment.reviewer),
                fromLine: comment.fromLine, toLine: comment.toLine,
                kind: comment.kind, comment: comment.text, response: comment.response, responseText: comment.responseText)
        }
    }

    /// The matrix as CSV, starting with a UTF-8 byte-order mark so that Excel on Windows
    /// shows "São" as "São" (panel strips the mark when the matrix comes back).
    public static func csv(_ rows: [Row]) -> String {
        var out = "\u{FEFF}" + columns.joined(separator: ",") + "\n"
        out.reserveCapacity(rows.count * 160)
        for row in rows {
            let fields = [row.commentID, row.assessment, String(row.draft), row.reviewer, row.state ?? "", String(row.fromLine), String(row.toLine),
                          row.kind.rawValue, row.comment, row.response?.rawValue ?? "", row.responseText ?? ""]
            out += fields.map(quote).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Whether a CSV header is a comment matrix (rather than a review).
    public static func isMatrix(_ text: Substring) -> Bool {
        let header = text.drop { $0 == "\u{FEFF}" }.prefix(while: { $0 != "\n" && $0 != "\r" && $0 != "\r\n" }).lowercased()
        return header.hasPrefix("comment_id,") || header.hasPrefix("comment_id;")
    }

    /// Whether a table's header row is a comment matrix's (its first column is `comment_id`).
    static func isMatrix(header: [String]) -> Bool {
        header.first.map(CSV.columnKey) == "comment_id"
    }

    /// Reads responses from a matrix: rows with a response become entries, the
    /// rest are skipped; every bad row is reported, and nothing is returned
    /// unless all rows are good.
    public static func parse(_ text: String, file: String) throws(ValidationFailure) -> (assessment: String, entries: [ResponseEntry]) {
        try parse(rows: CSV.rows(text), file: file)
    }

    /// The same, for a table already split into rows (a CSV file's or a workbook sheet's).
    static func parse(rows: [CSV.Row], file: String) throws(ValidationFailure) -> (assessment: String, entries: [ResponseEntry]) {
        var (records, problems) = CSV.table(rows: rows, file: file, columns: columns,
                                            required: ["comment_id", "assessment", "response", "response_text"])
        if records.isEmpty && !problems.isEmpty { throw ValidationFailure(problems) }
        var assessment: String?
        var entries: [ResponseEntry] = []
        for record in records {
            let value = record.values
            let rowAssessment = value["assessment"]!
            if let assessment, assessment != rowAssessment {
                problems.append(Problem(record.location(of: "assessment"), "comment of \(rowAssessment) in a matrix of \(assessment): one assessment per file"))
                continue
            }
            assessment = rowAssessment
            let word = value["response"]!
            guard !word.isEmpty else { continue }
            guard let kind = ResponseKind(rawValue: word) else {
                problems.append(Problem(record.location(of: "response"), "response '\(word)' must be one of \(ResponseKind.allCases.map(\.rawValue).joined(separator: ", "))\(didYouMean(word, among: ResponseKind.allCases.map(\.rawValue)))"))
                continue
            }
            entries.append(ResponseEntry(comment: value["comment_id"]!, kind: kind, text: value["response_text"]!, location: record.location(of: "comment_id")))
        }
        if assessment == nil {
            problems.append(Problem(SourceLocation(file: file, line: (rows.first?.line ?? 1) + 1, column: 1, sheet: rows.first?.sheet), "the matrix has no rows"))
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return (assessment!, entries)
    }
}
