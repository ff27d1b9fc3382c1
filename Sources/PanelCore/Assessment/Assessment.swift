import Foundation

public enum AssessmentKind: String, CaseIterable, Codable, Sendable {
    case risk, opportunity, impact
}

/// The MIT AI Risk Repository's domains.
public enum RiskDomain: String, CaseIterable, Codable, Sendable {
    case discriminationAndToxicity = "discrimination-toxicity"
    case privacyAndSecurity = "privacy-security"
    case misinformation
    case maliciousActors = "malicious-actors"
    case humanComputerInteraction = "human-computer-interaction"
    case socioeconomicAndEnvironmental = "socioeconomic-environmental"
    case aiSystemSafety = "ai-system-safety"

    /// The roster's expertise tags that fit the domain, for choosing reviewers.
    public var expertise: [String] {
        switch self {
        case .discriminationAndToxicity: ["ethics", "human-rights", "law", "nlp", "sociology"]
        case .privacyAndSecurity: ["privacy", "cybersecurity", "law"]
        case .misinformation: ["misinformation", "elections", "nlp", "sociology"]
        case .maliciousActors: ["cybersecurity", "biosecurity", "ai-safety", "critical-infrastructure"]
        case .humanComputerInteraction: ["education", "health", "sociology", "ethics"]
        case .socioeconomicAndEnvironmental: ["economics", "labour", "climate", "sociology"]
        case .aiSystemSafety: ["ai-safety", "machine-learning", "robotics", "critical-infrastructure"]
        }
    }
}

/// IPCC AR5 calibrated likelihood (Mastrandrea et al. 2010), in scale order.
public enum Likelihood: String, CaseIterable, Codable, Sendable, Comparable {
    case exceptionallyUnlikely = "exceptionally-unlikely"
    case extremelyUnlikely = "extremely-unlikely"
    case veryUnlikely = "very-unlikely"
    case unlikely
    case aboutAsLikelyAsNot = "about-as-likely-as-not"
    case moreLikelyThanNot = "more-likely-than-not"
    case likely
    case veryLikely = "very-likely"
    case extremelyLikely = "extremely-likely"
    case virtuallyCertain = "virtually-certain"

    /// The probability range the term stands for, in percent.
    public var range: ClosedRange<Double> {
        switch self {
        case .exceptionallyUnlikely: 0...1
        case .extremelyUnlikely: 0...5
        case .veryUnlikely: 0...10
        case .unlikely: 0...33
        case .aboutAsLikelyAsNot: 33...66
        case .moreLikelyThanNot: 50...100
        case .likely: 66...100
        case .veryLikely: 90...100
        case .extremelyLikely: 95...100
        case .virtuallyCertain: 99...100
        }
    }

    public static func < (lhs: Likelihood, rhs: Likelihood) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum TimeHorizon: String, CaseIterable, Codable, Sendable {
    case nearTerm = "near-term"
    case mediumTerm = "medium-term"
    case longTerm = "long-term"
}

public struct Ratings: Codable, Sendable, Equatable {
    /// 1 (minor) to 5 (catastrophic).
    public var severity: Int?
    public var likelihood: Likelihood?
    public var horizon: TimeHorizon?
    /// Regional groups or `global`.
    public var regions: [String]

    public init(severity: Int? = nil, likelihood: Likelihood? = nil, horizon: TimeHorizon? = nil, regions: [String] = []) {
        self.severity = severity
        self.likelihood = likelihood
        self.horizon = horizon
        self.regions = regions
    }
}

/// A member's role on one assessment.
public struct AssessmentAuthor: Codable, Sendable, Equatable, Hashable {
    public var member: String
    public var role: AssessmentRole

    public init(member: String, role: AssessmentRole) {
        self.member = member
        self.role = role
    }
}

/// A numbered key finding in a draft, marked `{#S3}` at the end of its line, read
/// into values: its calibrated confidence and likelihood, and what the language
/// lint found in it (see `CalibratedLanguage`).
public struct SummaryStatement: Codable, Sendable, Equatable {
    public var id: String
    public var line: Int
    public var text: String
    public var confidence: ConfidenceLevel?
    public var likelihood: Likelihood?
    /// Nil in drafts recorded before statements were linted.
    public var findings: [LanguageFinding]?

    public init(id: String, line: Int, text: String, confidence: ConfidenceLevel? = nil, likelihood: Likelihood? = nil,
                findings: [LanguageFinding]? = nil) {
        self.id = id
        self.line = line
        self.text = text
        self.confidence = confidence
        self.likelihood = likelihood
        self.findings = findings
    }

    /// Reads a statement from its draft line.
    public static func read(id: String, line: Int, lineText: String, text: String) -> SummaryStatement {
        let values = CalibratedLanguage.read(statement: id, line: line, text: lineText)
        return SummaryStatement(id: id, line: line, text: text, confidence: values.confidence, likelihood: values.likelihood,
                                findings: values.findings)
    }
}

/// An immutable, numbered version of the text, stored by content hash.
/// Its summary statements travel in the `draft.submitted` event; the
/// assessment keeps those of its latest draft.
public struct Draft: Codable, Sendable, Equatable {
    public var version: Int
    public var hash: String
    public var lines: Int
    public var statementCount: Int
    public var stage: String
    public var submittedAt: String
    public var submittedBy: String
    /// The references the text cites (`[@doi:...]`), where; nil in drafts recorded before citations were read.
    /// They are resolved against the reference store when used, so a reference ingested later counts.
    public var citations: [DraftCitation]?

    public init(version: Int, hash: String, lines: Int, statementCount: Int, stage: String, submittedAt: String, submittedBy: String,
                citations: [DraftCitation]? = nil) {
        self.citations = citations
        self.version = version
        self.hash = hash
        self.lines = lines
        self.statementCount = statementCount
        self.stage = stage
        self.submittedAt = submittedAt
        self.submittedBy = submittedBy
    }
}

/// One citation in a draft: `[@doi:10.5555/x]`, `[@pmid:123]` or `[@ref-886d3b41ddf5]`
/// (several may share brackets: `[@doi:a; @pmid:b]`), with its line and column.
public struct DraftCitation: Codable, Sendable, Equatable, Hashable {
    public var key: String
    public var line: Int
    public var column: Int

    public init(key: String, line: Int, column: Int) {
        self.key = key
        self.line = line
        self.column = column
    }
}

/// Which of a draft's citation keys the reference store knows, and as which reference.
public struct CitationResolution: Sendable, Equatable {
    public var references: [String: String]

    public init(_ references: [String: String] = [:]) { self.references = references }

    public func reference(for key: String) -> String? { references[key] }

    /// The citations no reference answers, in draft order.
    public func unknown(_ citations: [DraftCitation]) -> [DraftCitation] {
        citations.filter { references[$0.key] == nil }
    }
}

/// A cited reference as people read it: each key once, with the reference it names
/// (id, title, first identifier) or none when the store does not know it.
public struct CitedReference: Codable, Sendable, Equatable {
    public var key: String
    public var reference: String?
    public var title: String?
    public var identifier: String?
    /// Where the draft first cites it.
    public var line: Int

    /// The citations of a draft, each key once, with the references found for them (by reference id).
    public static func list(_ citations: [DraftCitation], resolution: CitationResolution, references: [String: Reference]) -> [CitedReference] {
        var seen: Set<String> = []
        return citations.compactMap { citation in
            guard seen.insert(citation.key).inserted else { return nil }
            let reference = resolution.reference(for: citation.key).flatMap { references[$0] }
            return CitedReference(key: citation.key, reference: reference?.id, title: reference?.metadata.title,
                                  identifier: reference?.metadata.identifiers.first?.description, line: citation.line)
        }
    }

    /// `[@doi:10.5555/x] ref-…  Title (doi:10.5555/x)`, or the key marked unknown.
    public var shown: String {
        guard let reference, let title else { return "[@\(key)] (line \(line)): unknown, not in the reference store" }
        return "[@\(key)] \(reference)  \(title)\(identifier.map { " (\($0))" } ?? "")"
    }
}

/// One submission to a call for evidence, with who sent it as they were registered then.
public struct EvidenceSubmission: Codable, Sendable, Equatable {
    /// `E001`, numbered per assessment.
    public var id: String
    public var stage: String
    public var submitter: String
    /// `government`, `industry`, `academia`, `civil-society`, or `expert` for the panel's own and its reviewers.
    public var sector: String
    /// ISO 3166-1 alpha-2 of the submitter's state or country.
    public var country: String
    public var group: RegionalGroup
    public var title: String
    /// The reference keys the submission points to (`doi:...`, `pmid:...`, `ref-...`).
    public var references: [String]
    /// SHA-256 of the file as received; its bytes are kept.
    public var file: String

    public init(id: String, stage: String, submitter: String, sector: String, country: String, group: RegionalGroup, title: String,
                references: [String], file: String) {
        self.id = id
        self.stage = stage
        self.submitter = submitter
        self.sector = sector
        self.country = country
        self.group = group
        self.title = title
        self.references = references
        self.file = file
    }
}

/// A received review, summarised for the requirements.
public struct ReviewSummary: Codable, Sendable, Equatable {
    public var id: String
    public var reviewer: String
    public var draft: Int
    public var stage: String
    public var substantive: Int
    public var answered: Int
    /// Government comments: the member state that sent them (nil for an expert review).
    public var state: String?

    public init(id: String, reviewer: String, draft: Int, stage: String, substantive: Int, answered: Int, state: String? = nil) {
        self.state = state
        self.id = id
        self.reviewer = reviewer
        self.draft = draft
        self.stage = stage
        self.substantive = substantive
        self.answered = answered
    }
}

public struct SignOff: Codable, Sendable, Equatable {
    public var editor: String
    public var stage: String
    /// SHA-256 of the review editor's report (Markdown, kept in the store), when one was given.
    public var report: String?

    public init(editor: String, stage: String, report: String? = nil) {
        self.editor = editor
        self.stage = stage
        self.report = report
    }
}

public enum VoteChoice: String, CaseIterable, Codable, Sendable {
    case approve, object, abstain
}

public struct Vote: Codable, Sendable, Equatable {
    public var member: String
    public var choice: VoteChoice
    public var stage: String

    public init(member: String, choice: VoteChoice, stage: String) {
        self.member = member
        self.choice = choice
        self.stage = stage
    }
}

public enum StatementDecision: String, CaseIterable, Codable, Sendable {
    case approved, bracketed, deleted
}

public struct DeadlineExtension: Codable, Sendable, Equatable {
    public var days: Int
    public var reason: String
    public var by: String
    public var at: String

    public init(days: Int, reason: String, by: String, at: String) {
        self.days = days
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// An assessment as the log has made it: the fold of its events.
public struct Assessment: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var kind: AssessmentKind
    public var domain: RiskDomain
    public var workflow: String
    public var stage: String
    public var stageEnteredAt: String
    public var openedAt: String
    public var authors: [AssessmentAuthor]
    public var ratings: Ratings
    public var drafts: [Draft] = []
    /// The summary statements of the latest draft. An outline has none to give: reading them
    /// stops the program rather than answer as if the draft had none.
    public var statements: [SummaryStatement] {
        get {
            precondition(!statementsOmitted, "the statements of \(id) were read, but it was read without them")
            return latestStatements
        }
        set {
            precondition(!statementsOmitted, "statements were set on \(id), read without them (restore(statements:) makes it whole)")
            latestStatements = newValue
        }
    }
    private var latestStatements: [SummaryStatement] = []
    /// Read without its summary statements: an outline, for what reads the rest (listing, blinding,
    /// stages whose requirements read no statements). Its statements are never read, evaluated by a
    /// requirement that reads them, nor written back: each stops the program.
    public private(set) var statementsOmitted = false
    public var extensions: [DeadlineExtension] = []
    /// Why the assessment was withdrawn (a final state), when it was.
    public var withdrawn: String?
    /// Stages whose review window a chair closed early.
    public var closedReviewStages: [String] = []
    // Review state: kept in tables of their own by the store, composed on read.
    public var assignments: [ReviewAssignment] = []
    public var reviews: [ReviewSummary] = []
    /// Comments received so far (they are numbered C00001, C00002, ... per assessment).
    public var commentCount = 0
    public var signOffs: [SignOff] = []
    public var votes: [Vote] = []
    public var statementDecisions: [String: StatementDecision] = [:]
    /// Submissions to its calls for evidence, in the order received.
    public var evidence: [EvidenceSubmission] = []

    /// Expert reviews (not government comments).
    public var expertReviews: [ReviewSummary] { reviews.filter { $0.state == nil } }
    /// Government comments, one entry per state's file.
    public var governmentReviews: [ReviewSummary] { reviews.filter { $0.state != nil } }

    enum CodingKeys: String, CodingKey {
        case id, title, kind, domain, workflow, stage, stageEnteredAt, openedAt, authors, ratings, drafts, statements, extensions
        case withdrawn, closedReviewStages, assignments, reviews, commentCount, signOffs, votes, statementDecisions, evidence
    }

    /// Fields added after the first logs were written are optional when read, so older logs still fold.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        id = try values.decode(String.self, forKey: .id)
        title = try values.decode(String.self, forKey: .title)
        kind = try values.decode(AssessmentKind.self, forKey: .kind)
        domain = try values.decode(RiskDomain.self, forKey: .domain)
        workflow = try values.decode(String.self, forKey: .workflow)
        stage = try values.decode(String.self, forKey: .stage)
        stageEnteredAt = try values.decode(String.self, forKey: .stageEnteredAt)
        openedAt = try values.decode(String.self, forKey: .openedAt)
        authors = try values.decode([AssessmentAuthor].self, forKey: .authors)
        ratings = try values.decode(Ratings.self, forKey: .ratings)
        drafts = try values.decode([Draft].self, forKey: .drafts)
        if decoder.userInfo[Self.omittingStatements] as? Bool == true {
            statementsOmitted = true
        } else {
            latestStatements = try values.decode([SummaryStatement].self, forKey: .statements)
        }
        extensions = try values.decode([DeadlineExtension].self, forKey: .extensions)
        withdrawn = try values.decodeIfPresent(String.self, forKey: .withdrawn)
        closedReviewStages = try values.decodeIfPresent([String].self, forKey: .closedReviewStages) ?? []
        assignments = try values.decode([ReviewAssignment].self, forKey: .assignments)
        reviews = try values.decode([ReviewSummary].self, forKey: .reviews)
        commentCount = try values.decode(Int.self, forKey: .commentCount)
        signOffs = try values.decode([SignOff].self, forKey: .signOffs)
        votes = try values.decode([Vote].self, forKey: .votes)
        statementDecisions = try values.decode([String: StatementDecision].self, forKey: .statementDecisions)
        evidence = try values.decodeIfPresent([EvidenceSubmission].self, forKey: .evidence) ?? []
    }

    /// A decoder whose user info sets this to `true` reads assessments without their statements;
    /// an encoder whose user info sets it writes them without (the store keeps them apart, so that
    /// what reads only the rest does not scan them).
    public static let omittingStatements: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "panel.assessment.omittingStatements") else {
            preconditionFailure("any string is a coding user info key")
        }
        return key
    }()

    /// Gives an outline its statements, read separately; it is then whole.
    public mutating func restore(statements: [SummaryStatement]) {
        latestStatements = statements
        statementsOmitted = false
    }

    public func encode(to encoder: any Encoder) throws {
        precondition(!statementsOmitted, "an assessment read without its statements was about to be written: \(id)")
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(id, forKey: .id)
        try values.encode(title, forKey: .title)
        try values.encode(kind, forKey: .kind)
        try values.encode(domain, forKey: .domain)
        try values.encode(workflow, forKey: .workflow)
        try values.encode(stage, forKey: .stage)
        try values.encode(stageEnteredAt, forKey: .stageEnteredAt)
        try values.encode(openedAt, forKey: .openedAt)
        try values.encode(authors, forKey: .authors)
        try values.encode(ratings, forKey: .ratings)
        try values.encode(drafts, forKey: .drafts)
        if encoder.userInfo[Self.omittingStatements] as? Bool != true { try values.encode(statements, forKey: .statements) }
        try values.encode(extensions, forKey: .extensions)
        try values.encodeIfPresent(withdrawn, forKey: .withdrawn)
        if !closedReviewStages.isEmpty { try values.encode(closedReviewStages, forKey: .closedReviewStages) }
        try values.encode(assignments, forKey: .assignments)
        try values.encode(reviews, forKey: .reviews)
        try values.encode(commentCount, forKey: .commentCount)
        try values.encode(signOffs, forKey: .signOffs)
        try values.encode(votes, forKey: .votes)
        try values.encode(statementDecisions, forKey: .statementDecisions)
        if !evidence.isEmpty { try values.encode(evidence, forKey: .evidence) }
    }

    /// The assessment as its own record keeps it: without its drafts and review state, which the
    /// store keeps in tables of their own.
    public var core: Assessment {
        var copy = self
        copy.drafts = []
        copy.assignments = []
        copy.reviews = []
        copy.commentCount = 0
        copy.signOffs = []
        copy.votes = []
        copy.statementDecisions = [:]
        return copy
    }

    public init(id: String, title: String, kind: AssessmentKind, domain: RiskDomain, workflow: String, stage: String,
                stageEnteredAt: String, openedAt: String, authors: [AssessmentAuthor], ratings: Ratings) {
        self.id = id
        self.title = title
        self.kind = kind
        self.domain = domain
        self.workflow = workflow
        self.stage = stage
        self.stageEnteredAt = stageEnteredAt
        self.openedAt = openedAt
        self.authors = authors
        self.ratings = ratings
    }

    public func members(with role: AssessmentRole) -> [String] {
        authors.filter { $0.role == role }.map(\.member)
    }

    public func roles(of member: String) -> [AssessmentRole] {
        authors.filter { $0.member == member }.map(\.role)
    }

    public var latestDraft: Draft? { drafts.last }

    /// Reviewers assigned in the current stage.
    public var currentAssignments: [ReviewAssignment] { assignments.filter { $0.stage == stage } }

    /// Whole days since the current stage began.
    public func daysInStage(at now: Date) -> Int {
        guard let entered = Timestamp.parse(stageEnteredAt) else { return 0 }
        return max(0, Int(now.timeIntervalSince(entered) / 86_400))
    }

    /// The current stage's deadline, if the stage has one, with extensions added.
    public func deadline(in stage: Stage) -> Date? {
        guard let days = stage.deadlineDays, let entered = Timestamp.parse(stageEnteredAt) else { return nil }
        let extra = extensions.reduce(0) { $0 + $1.days }
        return entered.addingTimeInterval(Double(days + extra) * 86_400)
    }
}
