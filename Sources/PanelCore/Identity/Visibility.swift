import Foundation

/// The one visibility policy: what an actor may see of reviewers' identities
/// and individual votes. Every command that prints asks it, through the
/// assessment-level audience (pseudonyms R1, R2 in review records) or, for
/// outputs that span assessments (the log, flags, digests), a `Redactor`.
public enum Visibility {
    /// Chairs, the assessment's review editors and the secretariat see identities; everyone else the authors' view.
    public static func audience(for identity: ActingIdentity, on assessment: Assessment, members: [Member]) -> Audience {
        if identity.policy == .osUser && identity.isSecretariat { return .chairs }
        return Audience.of(identity.actor, on: assessment, members: members)
    }

    /// The audience an output is made for: the one asked for, if the actor may have it.
    public static func resolve(_ requested: Audience?, for identity: ActingIdentity, on assessment: Assessment,
                               members: [Member]) -> Result<Audience, Refusal> {
        let allowed = audience(for: identity, on: assessment, members: members)
        guard let requested else { return .success(allowed) }
        if requested == .chairs && allowed != .chairs {
            return .failure(Refusal(
                "\(identity.actor) may not see the reviewers' identities of \(assessment.id): only chairs, its review editors and the secretariat may (--audience chairs is refused)"))
        }
        return .success(requested)
    }

    /// The assessment as an audience may see it: reviewers by their labels and, for the authors' view, votes as counts only.
    public static func shown(_ assessment: Assessment, names: ReviewerNames) -> Assessment {
        guard names.audience == .authors else { return assessment }
        var shown = assessment
        shown.assignments = assessment.assignments.map {
            ReviewAssignment(reviewer: names.label($0.reviewer, stage: $0.stage), stage: $0.stage, deadline: $0.deadline)
        }
        shown.reviews = assessment.reviews.map { review in
            var copy = review
            copy.reviewer = names.label(review.reviewer, stage: review.stage)
            copy.id = review.id.replacingOccurrences(of: ":" + review.reviewer, with: ":" + copy.reviewer)
            return copy
        }
        shown.votes = assessment.votes.map { Vote(member: "(withheld)", choice: $0.choice, stage: $0.stage) }
        return shown
    }

    /// What must not appear in anything this actor reads: the reviewers of every assessment
    /// where the actor has the authors' view and the workflow blinds reviewers.
    public static func redactor(for identity: ActingIdentity, assessments: [Assessment], workflows: [String: Workflow],
                                members: [Member]) -> Redactor {
        var hidden: [String: Member] = [:]
        var fingerprints = Set<String>()
        for assessment in assessments where audience(for: identity, on: assessment, members: members) == .authors {
            let blinded = (workflows[assessment.workflow]?.stages ?? []).contains { ($0.review?.blinding ?? .none) != .none }
            guard blinded || workflows[assessment.workflow] == nil else { continue }
            let reviewers = Set(assessment.assignments.map(\.reviewer) + assessment.reviews.map(\.reviewer))
            for reviewer in reviewers where reviewer != identity.actor {
                if let member = members.first(where: { $0.id == reviewer }) {
                    hidden[reviewer] = member
                    for line in member.signingKeys {
                        if let blob = SSHSignature.keyBlob(ofLine: line) { fingerprints.insert(SSHSignature.fingerprint(ofKeyBlob: blob)) }
                    }
                }
            }
        }
        // The reviewers' own fields, but never what the actor shares with them as an author (their own id, affiliation).
        let own = members.first { $0.id == identity.actor }
        var terms: [String] = []
        for member in hidden.values {
            terms += [member.id, member.name]
            if member.affiliation != own?.affiliation { terms.append(member.affiliation) }
            if let login = member.login { terms.append(login) }
        }
        return Redactor(terms: terms + fingerprints.sorted())
    }
}

/// Replaces hidden identities in text with `[reviewer]`: whole words only, longest first.
public struct Redactor: Sendable {
    private let expression: NSRegularExpression?
    public static let label = "[reviewer]"

    public init(terms: [String]) {
        let unique = Set(terms.filter { !$0.isEmpty }).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
        guard !unique.isEmpty else {
            expression = nil
            return
        }
        let alternatives = unique.map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|")
        // Not inside a longer id or word: exp-12 must not match in exp-120.
        do {
            expression = try NSRegularExpression(pattern: "(?<![\\p{L}\\p{N}_-])(?:\(alternatives))(?![\\p{L}\\p{N}_])")
        } catch {
            // Every term is escaped, so this cannot happen; if it did, showing identities would be the failure.
            preconditionFailure("the redaction pattern does not compile: \(error)")
        }
    }

    public var isEmpty: Bool { expression == nil }

    public func apply(_ text: String) -> String {
        guard let expression else { return text }
        let range = NSRange(text.startIndex..., in: text)
        return expression.stringByReplacingMatches(in: text, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: Self.label))
    }
}
