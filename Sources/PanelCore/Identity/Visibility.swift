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
            // Government comments are published by state: their focal points are not hidden.
            let reviewers = Set(assessment.assignments.map(\.reviewer) + assessment.expertReviews.map(\.reviewer))
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

/// Replaces hidden identities in text with `[reviewer]`: whole words only (exp-12 never matches
/// inside exp-120), longest first, ASCII case folded. One pass over the text with a dictionary of
/// first words, so thousands of hidden reviewers cost little even on an 80,000-comment matrix.
public struct Redactor: Sendable {
    public static let label = "[reviewer]"
    /// Terms by their first word (lower-cased), longest first; slices, so a lookup allocates nothing.
    private let byFirstWord: [ArraySlice<UInt8>: [[UInt8]]]
    /// The bytes a first word can start with: most words are skipped on their first byte.
    private let firstBytes: [Bool]

    public init(terms: [String]) {
        var index: [ArraySlice<UInt8>: [[UInt8]]] = [:]
        var first = [Bool](repeating: false, count: 256)
        for term in Set(terms.filter { !$0.isEmpty }) {
            let bytes = Self.folded(Array(term.utf8))
            var end = 0
            while end < bytes.count, Self.isWordByte(bytes[end]) { end += 1 }
            guard end > 0 else { continue }
            index[ArraySlice(Array(bytes[..<end])), default: []].append(bytes)
            first[Int(bytes[0])] = true
        }
        byFirstWord = index.mapValues { $0.sorted { $0.count > $1.count } }
        firstBytes = first
    }

    public var isEmpty: Bool { byFirstWord.isEmpty }

    /// Letters, digits, '_', '-' and every byte of a non-ASCII character are word bytes.
    static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F || byte == 0x2D
    }

    static func folded(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    public func apply(_ text: String) -> String {
        guard !byFirstWord.isEmpty else { return text }
        let bytes = Array(text.utf8)
        let lower = Self.folded(bytes)
        let label = Array(Self.label.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var i = 0
        var changed = false
        while i < bytes.count {
            guard Self.isWordByte(bytes[i]) else {
                output.append(bytes[i])
                i += 1
                continue
            }
            var end = i
            while end < bytes.count, Self.isWordByte(bytes[end]) { end += 1 }
            guard firstBytes[Int(lower[i])] else {
                output += bytes[i..<end]
                i = end
                continue
            }
            // The whole word, or a part of it ending before a '-' (exp-12 in exp-12-replication).
            var matched = 0
            var cut = end
            while cut > i, matched == 0 {
                if let candidates = byFirstWord[lower[i..<cut]] {
                    for term in candidates where i + term.count <= lower.count && lower[i..<(i + term.count)].elementsEqual(term) {
                        let after = i + term.count
                        let boundary = after == bytes.count || !Self.isWordByte(bytes[after]) || bytes[after] == 0x2D
                        if boundary { matched = term.count; break }
                    }
                }
                guard let dash = lower[i..<cut].lastIndex(of: 0x2D) else { break }
                cut = dash
            }
            if matched > 0 {
                output += label
                i += matched
                changed = true
            } else {
                output += bytes[i..<end]
                i = end
            }
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }
}
