import Foundation
import Yams

/// Where one requirement stands for one assessment: met or not, with the
/// current and the needed value, so a refusal can say what would satisfy it.
public struct RequirementStatus: Sendable, Equatable, Codable {
    public var requirement: String
    public var met: Bool
    public var current: String
    public var needed: String

    public init(requirement: String, met: Bool, current: String, needed: String) {
        self.requirement = requirement
        self.met = met
        self.current = current
        self.needed = needed
    }
}

/// Everything a requirement may look at. Built by the caller; evaluation is pure.
public struct RequirementContext: Sendable {
    public var assessment: Assessment
    public var stage: Stage
    public var members: [Member]
    public var now: Date
    /// Which of the latest draft's citations the reference store resolves (read by the caller).
    public var citations: CitationResolution

    public init(assessment: Assessment, stage: Stage, members: [Member], now: Date, citations: CitationResolution = CitationResolution()) {
        self.citations = citations
        self.assessment = assessment
        self.stage = stage
        self.members = members
        self.now = now
    }
}

/// One condition a transition can require. Each lives in its own file and is
/// listed in `RequirementRegistry`; its `name` is how workflow files write it.
public protocol Requirement: Sendable {
    /// The key in workflow files, e.g. `min-reviews`.
    static var name: String { get }
    /// One line for the documentation.
    static var summary: String { get }
    /// How the parameter is written, e.g. `N` or `{role: ROLE, min: N}`; empty when none.
    static var parameter: String { get }
    /// Reads the parameter (nil when absent); reports problems and returns nil when invalid.
    init?(parameter: Node?, at node: Node, reader: YAMLReader)
    /// The condition in words, e.g. "at least 3 reviews".
    var description: String { get }
    /// Whether evaluating it reads the assessment's summary statements. A command that evaluates
    /// every assessment (`status`) leaves the statements out where no requirement of the stage
    /// reads them; a requirement that does not say so is taken to read them.
    static var readsStatements: Bool { get }
    func evaluate(_ context: RequirementContext) -> RequirementStatus
}

extension Requirement {
    public var name: String { Self.name }
    public static var readsStatements: Bool { true }

    func status(met: Bool, current: String, needed: String) -> RequirementStatus {
        RequirementStatus(requirement: Self.name, met: met, current: current, needed: needed)
    }

    /// A whole number at least `minimum`, written as the parameter itself.
    static func count(_ parameter: Node?, at node: Node, reader: YAMLReader, minimum: Int = 1) -> Int? {
        guard let parameter else {
            reader.report(at: node, "'\(name)' needs a number, e.g. '\(name): 3'")
            return nil
        }
        guard let value = parameter.int, value >= minimum else {
            reader.report(at: parameter, "'\(name)' must be a whole number of at least \(minimum)")
            return nil
        }
        return value
    }

    /// Refuses a parameter on a requirement that takes none.
    static func none(_ parameter: Node?, reader: YAMLReader) -> Bool {
        if let parameter, parameter.null == nil {
            reader.report(at: parameter, "'\(name)' takes no value")
            return false
        }
        return true
    }
}

/// The fixed vocabulary of requirements: an explicit list, no reflection.
public enum RequirementRegistry {
    public static let all: [any Requirement.Type] = [
        MinDrafts.self,
        MinDaysInStage.self,
        RoleFilled.self,
        DeadlineNotPassed.self,
        MinReviews.self,
        MinRegionalGroups.self,
        AllSubstantiveAnswered.self,
        ReviewEditorSignOff.self,
        NoOpenConflict.self,
        VotePassed.self,
        NoBracketedStatements.self,
        AllStatementsDecided.self,
        CalibratedStatements.self,
        CitationsResolved.self,
        MinGovernments.self,
    ]

    public static func named(_ name: String) -> (any Requirement.Type)? {
        all.first { $0.name == name }
    }

    public static var names: [String] { all.map { $0.name } }
}
