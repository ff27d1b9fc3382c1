import Foundation

/// What the panel publishes after approval: drafts, every comment with its
/// response, sign-offs, votes and statement decisions, reviewers named as the
/// audience may see them.
public struct ReviewRecord: Codable, Sendable, Equatable {
    public struct ReviewEntry: Codable, Sendable, Equatable {
        public var reviewer: String
        public var stage: String
        public var draft: Int
        public var recommendation: Recommendation
        public var confidence: ReviewerConfidence?
        public var summary: String
        public var late: Bool
        public var comments: [CommentMatrix.Row]
    }

    public var assessment: String
    public var title: String
    public var kind: AssessmentKind
    public var domain: RiskDomain
    public var workflow: String
    public var stage: String
    public var audience: Audience
    public var authors: [AssessmentAuthor]
    public var ratings: Ratings
    public var drafts: [Draft]
    public var statements: [SummaryStatement]
    public var statementDecisions: [String: StatementDecision]
    public var reviews: [ReviewEntry]
    public var signOffs: [SignOff]
    /// The review editors' reports, by their hash (Markdown).
    public var reports: [String: String]
    /// Why the assessment was withdrawn, when it was.
    public var withdrawn: String?
    /// Each member's vote: chairs only; a reviewer who also votes must not be unmasked.
    public var votes: [Vote]
    /// Latest vote per member in each stage, counted.
    public var tally: [String: [String: Int]]
    /// The references the latest draft cites.
    public var cites: [CitedReference]
    /// Who took part in each review stage (expert reviewers and member states), in figures.
    public var participation: [StageParticipation]
    /// Government comments by member state: never blinded.
    public var governments: [GovernmentEntry]
    /// Submissions to calls for evidence, counted by sector and region.
    public var evidence: EvidenceFigures?

    public struct GovernmentEntry: Codable, Sendable, Equatable {
        public var state: String
        public var name: String
        public var group: String
        public var development: String
        public var stage: String
        public var comments: Int
        public var answered: Int
    }

    public init(assessment: Assessment, reviews: [Review], comments: [CommentRecord], names: ReviewerNames,
                reports: [String: String] = [:], cites: [CitedReference] = [], members: [Member] = []) {
        self.reports = reports
        self.cites = cites
        participation = Participation.figures(assessment, comments: comments, members: members, hiding: names.hidesReviewers(of:))
        evidence = Participation.evidence(assessment)
        governments = reviews.compactMap { review in
            guard let code = review.state else { return nil }
            let state = MemberStates.state(code)
            let own = comments.filter { $0.review == review.id }
            return GovernmentEntry(state: code, name: state?.name ?? code, group: state?.group.rawValue ?? "-",
                                   development: state?.development.rawValue ?? "-", stage: review.stage, comments: own.count,
                                   answered: own.filter { $0.response != nil }.count)
        }
        withdrawn = assessment.withdrawn
        let rows = CommentMatrix.rows(comments, assessment: assessment, names: names)
        let byComment = Dictionary(uniqueKeysWithValues: rows.map { ($0.commentID, $0) })
        self.assessment = assessment.id
        title = assessment.title
        kind = assessment.kind
        domain = assessment.domain
        workflow = assessment.workflow
        stage = assessment.stage
        audience = names.audience
        authors = assessment.authors
        ratings = assessment.ratings
        drafts = assessment.drafts
        statements = assessment.statements
        statementDecisions = assessment.statementDecisions
        self.reviews = reviews.map { review in
            ReviewEntry(reviewer: names.label(review.reviewer, stage: review.stage), stage: review.stage, draft: review.draft,
                        recommendation: review.recommendation, confidence: review.confidence, summary: review.summary,
                        late: review.late, comments: review.comments.compactMap { byComment[$0.id] })
        }
        signOffs = assessment.signOffs
        votes = names.audience == .chairs ? assessment.votes : []
        var latest: [String: [String: VoteChoice]] = [:]
        for vote in assessment.votes { latest[vote.stage, default: [:]][vote.member] = vote.choice }
        tally = latest.mapValues { choices in
            Dictionary(grouping: choices.values, by: \.rawValue).mapValues(\.count)
        }
    }

    public var markdown: String {
        var out = "# Review record: \(assessment)\n\n**\(title)**\n\n"
        out += "- kind: \(kind.rawValue); domain: \(domain.rawValue); workflow: \(workflow); stage: \(stage)\n"
        out += "- authors: " + authors.map { "\($0.member) (\($0.role.rawValue))" }.joined(separator: ", ") + "\n"
        out += "- prepared for: \(audience == .chairs ? "chairs (reviewers named)" : "authors and the public (reviewers blinded as the workflow says)")\n\n"
        out += "## Drafts\n\n| version | stage | lines | statements | SHA-256 | submitted |\n| --- | --- | --- | --- | --- | --- |\n"
        for draft in drafts {
            out += "| \(draft.version) | \(draft.stage) | \(draft.lines) | \(draft.statementCount) | `\(draft.hash.prefix(16))` | \(draft.submittedAt) |\n"
        }
        if !statements.isEmpty {
            out += "\n## Summary statements (latest draft)\n\n"
            for statement in statements {
                out += "- **\(statement.id)** [\(statementDecisions[statement.id]?.rawValue ?? "pending")]: \(statement.text)\n"
            }
        }
        if !cites.isEmpty {
            out += "\n## References cited (latest draft)\n\n"
            for cited in cites { out += "- \(cited.shown)\n" }
        }
        if !participation.isEmpty {
            out += "\n## Participation\n\n| stage | expert reviewers | member states | comments |\n| --- | --- | --- | --- |\n"
            for stage in participation {
                out += "| \(stage.stage) | \(stage.reviewers.summary) | \(stage.states.summary) | \(stage.comments.summary) |\n"
            }
        }
        if !governments.isEmpty {
            out += "\n## Government comments by state\n\n| state | regional group | status | stage | comments | answered |\n| --- | --- | --- | --- | --- | --- |\n"
            for entry in governments.sorted(by: { ($0.stage, $0.name) < ($1.stage, $1.name) }) {
                out += "| \(entry.name) (\(entry.state)) | \(entry.group) | \(entry.development) | \(entry.stage) | \(entry.comments) | \(entry.answered) |\n"
            }
        }
        if let evidence {
            let sectors = evidence.bySector.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let groups = RegionalGroup.allCases.compactMap { group in evidence.byGroup[group.rawValue].flatMap { $0 > 0 ? "\(group.rawValue) \($0)" : nil } }
            out += "\n## Calls for evidence\n\n\(counted(evidence.total, "submission")): by sector \(sectors); by region \(groups.joined(separator: ", "))"
            out += evidence.developingShare.map { "; \(Int(($0 * 100).rounded()))% from developing countries" } ?? ""
            out += "\n"
        }
        out += "\n## Reviews and responses\n"
        for review in reviews {
            out += "\n### \(review.reviewer), \(review.stage), draft \(review.draft): \(review.recommendation.rawValue)\(review.late ? " (late)" : "")\n\n"
            let summary = review.summary.trimmingCharacters(in: .whitespacesAndNewlines)
            if !summary.isEmpty { out += "> \(summary.replacingOccurrences(of: "\n", with: "\n> "))\n\n" }
            for comment in review.comments {
                let lines = comment.fromLine == comment.toLine ? "line \(comment.fromLine)" : "lines \(comment.fromLine)-\(comment.toLine)"
                out += "- **\(comment.commentID)** \(lines), \(comment.kind.rawValue): \(comment.comment)\n"
                if let response = comment.response {
                    out += "  - *\(response.rawValue)*\(comment.responseText.map { $0.isEmpty ? "" : ": \($0)" } ?? "")\n"
                } else {
                    out += "  - *no response*\n"
                }
            }
        }
        out += "\n## Sign-offs\n\n" + (signOffs.isEmpty ? "none\n" : signOffs.map { signOff in
            var line = "- \(signOff.editor) (\(signOff.stage))\n"
            if let report = signOff.report.flatMap({ reports[$0] }) {
                line += "\n  Review editor's report:\n\n" + report.split(separator: "\n", omittingEmptySubsequences: false).map { "  > \($0)" }.joined(separator: "\n") + "\n\n"
            }
            return line
        }.joined())
        if let withdrawn { out += "\n## Withdrawn\n\n\(withdrawn)\n" }
        out += "\n## Votes\n\n"
        if tally.isEmpty { out += "none\n" }
        for (stage, counts) in tally.sorted(by: { $0.key < $1.key }) {
            let text = VoteChoice.allCases.map { "\(counts[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
            out += "- \(stage): \(text)\n"
        }
        for vote in votes { out += "  - \(vote.member): \(vote.choice.rawValue) (\(vote.stage))\n" }
        return out
    }
}
