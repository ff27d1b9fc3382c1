import Foundation

/// A command that was understood but is not allowed now, with every reason.
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var reasons: [String]

    public init(_ reasons: [String]) { self.reasons = reasons }
    public init(_ reason: String) { self.reasons = [reason] }

    public var description: String { reasons.joined(separator: "\n") }
}

/// Decisions about the roster: pure functions from the current roster and a
/// command to events, or a refusal.
public enum RosterDecisions {
    /// Who may change the roster: anyone while it is empty (the secretariat
    /// bootstraps it), afterwards only a co-chair or vice-chair on it.
    public static func authorise(actor: String, current: [Member]) -> Refusal? {
        guard !current.isEmpty else { return nil }
        guard let member = current.first(where: { $0.id == actor }) else {
            return Refusal("'\(actor)' is not on the roster; only a co-chair or vice-chair may change it (use --as MEMBER)")
        }
        guard member.has(.coChair) || member.has(.viceChair) else {
            return Refusal("\(actor) is not a co-chair or vice-chair; only they may change the roster")
        }
        return nil
    }

    /// Registers new members and updates changed ones; unchanged ones yield no event.
    /// - Parameters:
    ///   - bySecretariat: the workspace's secretariat is importing (under `identity: os-user`, only it may).
    ///   - acceptingViolations: a reason to import even though the result breaks a rule of the resolution.
    public static func importRoster(_ incoming: [Member], current: [Member], actor: String, time: Date,
                                    bySecretariat: Bool = false, acceptingViolations reason: String? = nil) -> Result<[NewEvent], Refusal> {
        if !bySecretariat, let refusal = authorise(actor: actor, current: current) { return .failure(refusal) }
        let existing = Dictionary(uniqueKeysWithValues: current.map { ($0.id, $0) })
        // Ids are one namespace: members, external reviewers and the names the log uses itself.
        var reasons = incoming.compactMap { ReservedActors.refusal(for: $0.id) }
        for member in incoming where existing[member.id]?.external == true {
            reasons.append("'\(member.id)' is already an external reviewer's id; a member needs an id of their own")
        }
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        var logins: [String: String] = [:]
        for member in mergedRoster(incoming, into: current) {
            guard let login = member.login else { continue }
            if let other = logins[login] {
                reasons.append("login '\(login)' is given to both \(other) and \(member.id); a login is one person's")
            }
            logins[login] = member.id
        }
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        let broken = newViolations(of: mergedRoster(incoming, into: current), before: current)
        if !broken.isEmpty && reason == nil {
            return .failure(Refusal(broken.map { "the roster would break the resolution's rule '\($0.rule)': \($0.detail)" }
                + ["nothing was imported; to import it all the same, give --accept-violations --reason WHY (recorded in the log)"]))
        }
        var events: [NewEvent] = []
        if let reason, !broken.isEmpty {
            events.append(NewEvent(RosterExceptionAccepted(violations: broken.map { "\($0.rule): \($0.detail)" }, reason: reason),
                                   subject: "roster", actor: actor, time: time))
        }
        for member in incoming {
            if let old = existing[member.id] {
                let changed = differences(old, member)
                if !changed.isEmpty {
                    events.append(NewEvent(MemberUpdated(member: member, changed: changed), subject: member.id, actor: actor, time: time))
                }
            } else {
                events.append(NewEvent(MemberRegistered(member: member), subject: member.id, actor: actor, time: time))
            }
        }
        return .success(events)
    }

    /// The roster as it would be after the import.
    static func mergedRoster(_ incoming: [Member], into current: [Member]) -> [Member] {
        var roster = current
        for member in incoming {
            if let index = roster.firstIndex(where: { $0.id == member.id }) { roster[index] = member } else { roster.append(member) }
        }
        return roster
    }

    /// Rules of the resolution the new roster breaks and the current one did not. Fewer than
    /// 40 members is a vacancy while the roster is being filled, not a breach.
    static func newViolations(of roster: [Member], before current: [Member]) -> [RosterRuleResult] {
        let failingBefore = Set(RosterCheck.evaluate(current).filter { !$0.passed }.map(\.rule))
        let size = roster.filter(\.isPanelMember).count
        return RosterCheck.evaluate(roster).filter { result in
            !result.passed && !failingBefore.contains(result.rule) && !(result.rule == "size" && size < RosterCheck.panelSize)
        }
    }

    static func differences(_ old: Member, _ new: Member) -> [String] {
        var changed: [String] = []
        if old.name != new.name { changed.append("name") }
        if old.nationality != new.nationality { changed.append("nationality") }
        if old.group != new.group { changed.append("group") }
        if old.gender != new.gender { changed.append("gender") }
        if old.affiliation != new.affiliation { changed.append("affiliation") }
        if old.expertise != new.expertise { changed.append("expertise") }
        if old.roles != new.roles { changed.append("roles") }
        if old.conflicts != new.conflicts { changed.append("conflicts") }
        if old.login != new.login { changed.append("login") }
        if old.signingKeys != new.signingKeys { changed.append("signing-keys") }
        return changed
    }
}

/// Names the log uses for itself, which no person may take as an id.
public enum ReservedActors {
    public static let names: Set<String> = ["system", "secretariat", "panel", "cron", "anonymous", "nobody", "root"]

    public static func isReserved(_ id: String) -> Bool {
        let lowered = id.lowercased()
        return names.contains(lowered) || ["system:", "secretariat:", "login:"].contains { lowered.hasPrefix($0) }
    }

    public static func refusal(for id: String) -> String? {
        if id.lowercased().hasPrefix("gov-") {
            return "'\(id)': ids beginning 'gov-' belong to member states' focal points (panel governments add --state CC); choose another id"
        }
        return isReserved(id) ? "'\(id)' is reserved for the log's own use (\(names.sorted().joined(separator: ", "))); choose another id" : nil
    }
}

/// The roster was imported although it breaks a rule of the resolution, for a recorded reason.
public struct RosterExceptionAccepted: EventPayload {
    public static let type = "roster.exception-accepted"
    public var violations: [String]
    public var reason: String
    public init(violations: [String], reason: String) {
        self.violations = violations
        self.reason = reason
    }
}
