import Foundation

public enum RuleStatus: String, CaseIterable, Codable, Sendable {
    case experimental, stable, deprecated
}

public enum Severity: String, CaseIterable, Codable, Sendable, Comparable {
    case info, warning, critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What a reference rule looks for in one document. Every condition given must hold.
public struct ReferenceCondition: Sendable, Equatable {
    /// The parts of a reference a phrase may be found in (`in:`).
    public enum Field: String, CaseIterable, Sendable, Codable {
        case title, abstract, keywords, body
    }

    /// XPath 1.0, evaluated on the document (its boolean value).
    public var xpath: String?
    /// Prefixes the XPath uses.
    public var namespaces: [String: String]
    /// Any of these phrases, case-insensitive, from the start of a word (a phrase of up to
    /// three letters, such as "AI", only as a whole word), in the fields of `fields`.
    public var text: [String]
    /// Where `text` (and `near`) must occur: all four fields unless the rule says `in:`.
    public var fields: [Field] = Field.allCases
    /// When given, one of these phrases must occur within `within` words of a `text`
    /// phrase, in the same field ("pathogen" near "language model", not anywhere in the body).
    public var near: [String] = []
    /// Words between a `text` phrase and a `near` phrase, at most.
    public var within: Int = 12
    /// `cites-keywords-of: approved`: the reference shares a keyword with the references an
    /// approved assessment's latest draft cites, and is dated after that approval.
    public var citesKeywordsOfApproved = false
    public var formats: [ReferenceFormat]
    /// Any of these keywords (case-insensitive).
    public var keywords: [String]
    /// Any of these countries.
    public var countries: [String]
    /// Published on or after this date (`YYYY[-MM[-DD]]`); undated references do not match.
    public var publishedAfter: String?

    public init(xpath: String? = nil, namespaces: [String: String] = [:], text: [String] = [], formats: [ReferenceFormat] = [],
                keywords: [String] = [], countries: [String] = [], publishedAfter: String? = nil) {
        self.publishedAfter = publishedAfter
        self.xpath = xpath
        self.namespaces = namespaces
        self.text = text
        self.formats = formats
        self.keywords = keywords
        self.countries = countries
    }
}

/// Ratings and stage an assessment rule looks for.
public struct AssessmentCondition: Sendable, Equatable {
    public var kinds: [AssessmentKind] = []
    public var domains: [RiskDomain] = []
    public var stages: [String] = []
    public var severityAtLeast: Int?
    public var likelihoodAtLeast: Likelihood?
    /// `statement: {...}`: the rule fires per summary statement of the latest draft that meets it.
    public var statement: StatementCondition?

    public init(kinds: [AssessmentKind] = [], domains: [RiskDomain] = [], stages: [String] = [], severityAtLeast: Int? = nil,
                likelihoodAtLeast: Likelihood? = nil) {
        self.kinds = kinds
        self.domains = domains
        self.stages = stages
        self.severityAtLeast = severityAtLeast
        self.likelihoodAtLeast = likelihoodAtLeast
    }
}

/// An approved assessment's topics, as the keywords of the references its latest draft cites.
public struct ApprovedTopics: Sendable, Equatable {
    public var assessment: String
    /// When it was approved (`YYYY-MM-DD...`): only newer references are new evidence.
    public var approvedAt: String
    /// Lower-cased.
    public var keywords: Set<String>

    public init(assessment: String, approvedAt: String, keywords: Set<String>) {
        self.assessment = assessment
        self.approvedAt = approvedAt
        self.keywords = Set(keywords.map { $0.lowercased() })
    }

    /// The approved assessments whose cited references' keywords a reference shares, from
    /// those it is dated after (an undated reference counts as new).
    public static func matching(_ metadata: ReferenceMetadata, in topics: [ApprovedTopics]) -> [String] {
        let keywords = Set(metadata.keywords.map { $0.lowercased() })
        return topics.filter { topic in
            !topic.keywords.isDisjoint(with: keywords)
                && (metadata.published.map { $0 > String(topic.approvedAt.prefix(10)) } ?? true)
        }.map(\.assessment)
    }
}

/// What a summary statement's calibrated values must be for a statement rule to fire on it.
public struct StatementCondition: Sendable, Equatable {
    public var likelihoodAtLeast: Likelihood?
    public var confidenceAtLeast: ConfidenceLevel?

    public init(likelihoodAtLeast: Likelihood? = nil, confidenceAtLeast: ConfidenceLevel? = nil) {
        self.likelihoodAtLeast = likelihoodAtLeast
        self.confidenceAtLeast = confidenceAtLeast
    }

    /// A statement without the value a bound asks for does not meet it.
    public func matches(_ statement: SummaryStatement) -> Bool {
        if let minimum = likelihoodAtLeast {
            guard let likelihood = statement.likelihood, likelihood >= minimum else { return false }
        }
        if let minimum = confidenceAtLeast {
            guard let confidence = statement.confidence, confidence >= minimum else { return false }
        }
        return true
    }
}

/// The panel's own work going wrong.
public enum ProcessCondition: Sendable, Equatable {
    /// An assigned review N days past its deadline and not received.
    case reviewOverdue(days: Int)
    /// An assessment N days in the same (non-final) stage.
    case stageStalled(days: Int)
    /// A stage deadline within N days (or passed).
    case deadlineWithin(days: Int)
    /// The reviewers assigned in a review stage cover fewer regional groups than the stage requires.
    case reviewerPoolShort
    /// In a review stage, developing countries' share of those who took part (expert
    /// reviewers who sent reviews, member states that commented) is below this fraction.
    case participationBelow(developingShare: Double)
}

extension Rule {
    /// A reference rule that watches approved assessments' cited topics.
    public var citesApproved: Bool {
        if case .reference(let condition) = watch { return condition.citesKeywordsOfApproved }
        return false
    }
}

public enum RuleWatch: Sendable, Equatable {
    case reference(ReferenceCondition)
    case assessment(AssessmentCondition)
    case process(ProcessCondition)

    public var name: String {
        switch self {
        case .reference: "reference"
        case .assessment: "assessment"
        case .process: "process"
        }
    }
}

/// Aggregation of reference matches: N or more in a window, optionally per group.
public struct Aggregation: Sendable, Equatable {
    public enum GroupBy: String, CaseIterable, Sendable {
        case keyword, country, format
    }

    public var windowDays: Int
    public var threshold: Int
    public var groupBy: GroupBy?

    public init(windowDays: Int, threshold: Int, groupBy: GroupBy? = nil) {
        self.windowDays = windowDays
        self.threshold = threshold
        self.groupBy = groupBy
    }
}

/// An early-warning rule, as written in `workflows/rules/*.yaml`.
public struct Rule: Sendable, Equatable {
    public var id: String
    public var title: String
    public var status: RuleStatus
    public var severity: Severity
    public var labels: [String: String]
    public var watch: RuleWatch
    public var aggregation: Aggregation?
    /// Placeholders: {{count}}, {{window}}, {{group}}, {{title}}, {{reference}}, {{assessment}}, {{stage}}, {{reviewer}}, {{days}}.
    public var message: String
    public var location: SourceLocation
    /// `repeat-after: 7d`: an unchanged open flag is issued again after this many days.
    public var repeatAfterDays: Int? = nil
    /// Flags about an approved (final-stage) or withdrawn assessment are withheld from digests,
    /// as Alertmanager inhibits, unless the rule says `inhibit: false`.
    public var inhibit = true

    public init(id: String, title: String, status: RuleStatus = .stable, severity: Severity, labels: [String: String] = [:],
                watch: RuleWatch, aggregation: Aggregation? = nil, message: String,
                location: SourceLocation = SourceLocation(file: "-", line: 1, column: 1)) {
        self.id = id
        self.title = title
        self.status = status
        self.severity = severity
        self.labels = labels
        self.watch = watch
        self.aggregation = aggregation
        self.message = message
        self.location = location
    }

    /// Fills the message template.
    public func render(_ values: [String: String]) -> String {
        var text = message
        for (key, value) in values { text = text.replacingOccurrences(of: "{{\(key)}}", with: value) }
        return text
    }
}
