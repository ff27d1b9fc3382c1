import Foundation

/// Registering the people who take part from outside the panel: national focal points,
/// who comment for their member state in government review, and stakeholders, who answer
/// calls for evidence. Chairs (the secretariat acting for them) register both.
public enum ParticipantDecisions {
    /// `gov-ke` for Kenya's focal point.
    public static func focalPointID(for state: String) -> String { "gov-" + state.lowercased() }

    public static func registerFocalPoint(state code: String, name: String, login: String?, signingKeys: [String],
                                          members: [Member], actor: String, now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = ReviewDecisions.chair(actor, in: members) {
            return .failure(Refusal(refusal.reasons.map { $0 + "; only chairs (or the secretariat for them) register focal points" }))
        }
        guard let state = MemberStates.state(code) else { return .failure(Refusal(MemberStates.unknown(code))) }
        var reasons: [String] = []
        if let existing = members.first(where: { $0.state == state.code }) {
            reasons.append("\(state.name) already has a focal point: \(existing.id) (\(existing.name))")
        } else if let taken = members.first(where: { $0.id == focalPointID(for: state.code) }) {
            reasons.append("the id \(taken.id) is already \(taken.name)'s; it is needed for \(state.name)'s focal point")
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { reasons.append("--name must not be empty") }
        reasons += loginTaken(login, members: members)
        reasons += keysTaken(signingKeys, members: members)
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        let participant = Member(
            id: focalPointID(for: state.code), name: name, nationality: state.code, group: state.group, gender: .unstated,
            affiliation: "Government of \(state.name)", roles: [], external: true, login: login, signingKeys: signingKeys,
            state: state.code)
        return .success([NewEvent(ParticipantRegistered(participant: participant), subject: participant.id, actor: actor, time: now)])
    }

    public static func registerStakeholder(id: String, name: String, organisation: String, sector: StakeholderSector, country code: String,
                                           login: String?, signingKeys: [String], members: [Member], actor: String,
                                           now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = ReviewDecisions.chair(actor, in: members) {
            return .failure(Refusal(refusal.reasons.map { $0 + "; only chairs (or the secretariat for them) register stakeholders" }))
        }
        var reasons: [String] = []
        if let reserved = ReservedActors.refusal(for: id) { reasons.append(reserved) }
        if !TextPatterns.isSlug(id) {
            reasons.append("id '\(id)' must be lower-case letters, digits and dashes")
        }
        if let taken = members.first(where: { $0.id == id }) { reasons.append("'\(id)' is already registered (\(taken.name))") }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { reasons.append("--name must not be empty") }
        let state = MemberStates.state(code)
        if state == nil { reasons.append(MemberStates.unknown(code)) }
        reasons += loginTaken(login, members: members)
        reasons += keysTaken(signingKeys, members: members)
        guard reasons.isEmpty, let state else { return .failure(Refusal(reasons)) }
        let participant = Member(
            id: id, name: name, nationality: state.code, group: state.group, gender: .unstated, affiliation: organisation,
            roles: [], external: true, login: login, signingKeys: signingKeys, sector: sector)
        return .success([NewEvent(ParticipantRegistered(participant: participant), subject: participant.id, actor: actor, time: now)])
    }

    /// A signing key is one person's: a file it signs is recorded as theirs.
    private static func keysTaken(_ keys: [String], members: [Member]) -> [String] {
        keys.compactMap { key in
            guard let blob = SSHSignature.keyBlob(ofLine: key),
                  let holder = members.first(where: { $0.signingKeys.contains { SSHSignature.keyBlob(ofLine: $0) == blob } }) else { return nil }
            return "the signing key \(SSHSignature.fingerprint(ofKeyBlob: blob)) is already \(holder.id)'s; a key is one person's"
        }
    }

    private static func loginTaken(_ login: String?, members: [Member]) -> [String] {
        guard let login, let holder = members.first(where: { $0.login == login }) else { return [] }
        return ["the login '\(login)' is already \(holder.id)'s"]
    }
}
