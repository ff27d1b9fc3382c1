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
    public static func importRoster(_ incoming: [Member], current: [Member], actor: String,
                                    time: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = authorise(actor: actor, current: current) { return .failure(refusal) }
        let existing = Dictionary(uniqueKeysWithValues: current.map { ($0.id, $0) })
        // Ids are one namespace: members, external reviewers and the names the log uses itself.
        var reasons = incoming.compactMap { ReservedActors.refusal(for: $0.id) }
        for member in incoming where existing[member.id]?.external == true {
            reasons.append("'\(member.id)' is already an external reviewer's id; a member needs an id of their own")
        }
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        var events: [NewEvent] = []
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
        return changed
    }
}

/// Names the log uses for itself, which no person may take as an id.
public enum ReservedActors {
    public static let names: Set<String> = ["system", "secretariat", "panel", "cron", "anonymous", "nobody", "root"]

    public static func isReserved(_ id: String) -> Bool {
        names.contains(id.lowercased()) || id.lowercased().hasPrefix("system:")
    }

    public static func refusal(for id: String) -> String? {
        isReserved(id) ? "'\(id)' is reserved for the log's own use (\(names.sorted().joined(separator: ", "))); choose another id" : nil
    }
}
