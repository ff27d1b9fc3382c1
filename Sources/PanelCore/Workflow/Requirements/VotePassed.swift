import Foundation
import Yams

/// `vote: {quorum: Q, threshold: T}`: enough members voted in this stage, and enough approved.
/// Quorum is a fraction of the roster (0.5) or a count (21); the threshold is
/// `consensus` (no objection), `two-thirds` or `majority` of approve + object.
public struct VotePassed: Requirement {
    public enum Threshold: String, CaseIterable, Sendable {
        case consensus
        case twoThirds = "two-thirds"
        case majority
    }

    public static let name = "vote"
    public static let summary = "a vote in the current stage reached its quorum and threshold (consensus, two-thirds or majority)"
    public static let parameter = "{quorum: FRACTION or N, threshold: consensus|two-thirds|majority}"
    public static let readsStatements = false
    public let quorum: Double
    public let threshold: Threshold

    public init(quorum: Double, threshold: Threshold) {
        self.quorum = quorum
        self.threshold = threshold
    }

    public init?(parameter: Node?, at node: Node, reader: YAMLReader) {
        guard let parameter, let map = reader.map(parameter, what: "'vote'") else {
            reader.report(at: node, "'vote' needs {quorum: FRACTION or N, threshold: consensus|two-thirds|majority}")
            return nil
        }
        let quorumNode = map.value("quorum")
        let threshold = map.word("threshold", as: Threshold.self, required: true)
        map.finish()
        guard let quorumNode, let value = quorumNode.float, value > 0 else {
            reader.report(at: quorumNode ?? parameter, "'quorum' must be a fraction of the roster (e.g. 0.5) or a number of members")
            return nil
        }
        guard let threshold else { return nil }
        quorum = value
        self.threshold = threshold
    }

    public var description: String {
        let quorumText = quorum < 1 ? "\(Int((quorum * 100).rounded()))% of members" : "\(Int(quorum)) members"
        return "vote passed (\(threshold.rawValue), quorum \(quorumText))"
    }

    public func evaluate(_ context: RequirementContext) -> RequirementStatus {
        // Quorum and votes count the panel's members only, never external reviewers.
        let panel = Set(context.members.filter(\.isPanelMember).map(\.id))
        var latest: [String: VoteChoice] = [:]
        for vote in context.assessment.votes where vote.stage == context.assessment.stage && panel.contains(vote.member) {
            latest[vote.member] = vote.choice
        }
        let cast = latest.count
        let needed = quorum < 1 ? Int((quorum * Double(panel.count)).rounded(.up)) : Int(quorum)
        let approve = latest.values.filter { $0 == .approve }.count
        let object = latest.values.filter { $0 == .object }.count
        let passes: Bool
        switch threshold {
        case .consensus: passes = object == 0 && approve > 0
        case .twoThirds: passes = approve * 3 >= (approve + object) * 2 && approve > 0
        case .majority: passes = approve > object
        }
        return status(
            met: cast >= needed && passes,
            current: "\(cast) voted: \(approve) approve, \(object) object, \(cast - approve - object) abstain",
            needed: "at least \(needed) votes and \(threshold.rawValue)")
    }
}
