import Foundation

/// A rule firing on one subject or group, before it becomes (or updates) a flag.
public struct Firing: Sendable, Equatable {
    public var rule: Rule
    public var fingerprint: String
    public var subject: String
    public var message: String

    public var flagID: String { Flag.id(rule: rule.id, fingerprint: fingerprint) }
}

/// Evaluates rules on state and an injected time: firings as values, never errors.
public enum RuleEngine {
    /// Reference rules from their recorded matches: one firing per matching
    /// reference, or per group reaching the threshold within the window.
    public static func referenceFirings(_ rules: [Rule], matches: [RuleMatch], now: Date) -> [Firing] {
        let byRule = Dictionary(grouping: matches, by: \.rule)
        var firings: [Firing] = []
        for rule in rules {
            guard case .reference = rule.watch else { continue }
            let ruleMatches = byRule[rule.id] ?? []
            if let aggregation = rule.aggregation {
                firings += windowFirings(rule, counts: windowCounts(ruleMatches, aggregation: aggregation, now: now))
            } else {
                firings += ruleMatches.map { documentFiring(rule, $0) }
            }
        }
        return firings
    }

    /// One matching document of a rule without a window.
    public static func documentFiring(_ rule: Rule, _ match: RuleMatch) -> Firing {
        Firing(rule: rule, fingerprint: match.reference, subject: match.reference,
               message: rule.render(["reference": match.reference, "title": match.title, "count": "1", "group": "",
                                     "assessment": (match.assessments ?? []).joined(separator: ", ")]))
    }

    /// The groups of a windowed rule that reached its threshold, from their distinct-reference counts.
    public static func windowFirings(_ rule: Rule, counts: [String: Int]) -> [Firing] {
        guard let aggregation = rule.aggregation else { return [] }
        return counts.sorted { $0.key < $1.key }.filter { $0.value >= aggregation.threshold }.map { group, count in
            Firing(rule: rule, fingerprint: "group:\(group)", subject: group,
                   message: rule.render(["count": String(count), "window": "\(aggregation.windowDays) days", "group": group == "all" ? "" : group]))
        }
    }

    /// Distinct references per group within the window ending `now` (`all` when the rule does not group).
    public static func windowCounts(_ matches: [RuleMatch], aggregation: Aggregation, now: Date) -> [String: Int] {
        let start = now.addingTimeInterval(-Double(aggregation.windowDays) * 86_400)
        var groups: [String: Set<String>] = [:]
        for match in matches {
            guard let at = Timestamp.parse(match.at), at >= start, at <= now else { continue }
            let keys: [String]
            switch aggregation.groupBy {
            case nil: keys = ["all"]
            case .keyword: keys = match.keywords
            case .country: keys = match.country.map { [$0] } ?? []
            case .format: keys = [match.format.rawValue]
            }
            for key in keys { groups[key, default: []].insert(match.reference) }
        }
        return groups.mapValues(\.count)
    }

    /// Assessment and process rules on the assessments as they stand at `now`.
    public static func stateFirings(_ rules: [Rule], assessments: [Assessment], workflows: [String: Workflow], members: [Member],
                                    now: Date) -> [Firing] {
        // A withdrawn assessment raises nothing more (its open flags clear as their rules are evaluated).
        let assessments = assessments.filter { $0.withdrawn == nil }
        var firings: [Firing] = []
        for rule in rules {
            switch rule.watch {
            case .reference: continue
            case .assessment(let condition):
                for assessment in assessments where matches(condition, assessment) {
                    let values = [
                        "assessment": assessment.id, "title": assessment.title, "stage": assessment.stage,
                        "severity": assessment.ratings.severity.map(String.init) ?? "-",
                        "likelihood": assessment.ratings.likelihood?.rawValue ?? "-",
                    ]
                    guard let statementCondition = condition.statement else {
                        firings.append(Firing(rule: rule, fingerprint: assessment.id, subject: assessment.id, message: rule.render(values)))
                        continue
                    }
                    // A statement rule fires per summary statement of the latest draft, with its text.
                    for statement in assessment.statements where statementCondition.matches(statement)
                        && assessment.statementDecisions[statement.id] != .deleted {
                        firings.append(Firing(rule: rule, fingerprint: "\(assessment.id):\(statement.id)", subject: assessment.id,
                                              message: rule.render(values.merging([
                                                  "statement": statement.id, "text": statement.text,
                                                  "likelihood": statement.likelihood?.phrase ?? "-",
                                                  "confidence": statement.confidence?.phrase ?? "-",
                                              ]) { $1 })))
                    }
                }
            case .process(let condition):
                for assessment in assessments {
                    guard let workflow = workflows[assessment.workflow], let stage = workflow.stage(assessment.stage), !stage.final else { continue }
                    firings += process(condition, rule: rule, assessment: assessment, stage: stage, members: members, now: now)
                }
            }
        }
        return firings
    }

    static func matches(_ condition: AssessmentCondition, _ assessment: Assessment) -> Bool {
        if !condition.kinds.isEmpty && !condition.kinds.contains(assessment.kind) { return false }
        if !condition.domains.isEmpty && !condition.domains.contains(assessment.domain) { return false }
        if !condition.stages.isEmpty && !condition.stages.contains(assessment.stage) { return false }
        if let minimum = condition.severityAtLeast, (assessment.ratings.severity ?? 0) < minimum { return false }
        if let minimum = condition.likelihoodAtLeast {
            guard let likelihood = assessment.ratings.likelihood, likelihood >= minimum else { return false }
        }
        return true
    }

    static func process(_ condition: ProcessCondition, rule: Rule, assessment: Assessment, stage: Stage, members: [Member],
                        now: Date) -> [Firing] {
        switch condition {
        case .reviewOverdue(let days):
            let received = Set(assessment.reviews.filter { $0.stage == stage.id }.map(\.reviewer))
            return assessment.assignments.enumerated().compactMap { position, assignment in
                guard assignment.stage == assessment.stage, !received.contains(assignment.reviewer),
                      let deadline = Timestamp.parse(assignment.deadline) else { return nil }
                let late = Int(now.timeIntervalSince(deadline) / 86_400)
                guard now > deadline, late >= days else { return nil }
                // The assignment by its place in the log, not the reviewer: a flag's id is a hash of
                // its fingerprint, which anyone who sees the id could test each member's id against.
                return Firing(rule: rule, fingerprint: "\(assessment.id):\(stage.id):assignment-\(position + 1)", subject: assessment.id,
                              message: rule.render(["assessment": assessment.id, "title": assessment.title, "stage": stage.id,
                                                    "reviewer": assignment.reviewer, "days": String(late)]))
            }
        case .stageStalled(let days):
            let stalled = assessment.daysInStage(at: now)
            guard stalled >= days else { return [] }
            return [Firing(rule: rule, fingerprint: "\(assessment.id):\(stage.id)", subject: assessment.id,
                           message: rule.render(["assessment": assessment.id, "title": assessment.title, "stage": stage.id, "days": String(stalled)]))]
        case .deadlineWithin(let days):
            guard let deadline = assessment.deadline(in: stage) else { return [] }
            let left = Int((deadline.timeIntervalSince(now) / 86_400).rounded(.down))
            guard left <= days else { return [] }
            // A phrase that reads as a sentence after "the deadline": "is in 3 days", "passed 25 days ago".
            let when = left >= 0 ? "is in \(left) day\(left == 1 ? "" : "s")" : "passed \(-left) day\(left == -1 ? "" : "s") ago"
            return [Firing(rule: rule, fingerprint: "\(assessment.id):\(stage.id):\(Timestamp.format(deadline))", subject: assessment.id,
                           message: rule.render(["assessment": assessment.id, "title": assessment.title, "stage": stage.id, "days": when]))]
        case .reviewerPoolShort:
            guard stage.allows(.review) else { return [] }
            let needed = stage.transitions.flatMap(\.requires).compactMap { ($0 as? MinRegionalGroups)?.count }.max() ?? 0
            let assigned = Set(assessment.currentAssignments.map(\.reviewer))
            let groups = Set(members.filter { assigned.contains($0.id) }.map(\.group))
            guard !assigned.isEmpty, groups.count < needed else { return [] }
            return [Firing(rule: rule, fingerprint: "\(assessment.id):\(stage.id)", subject: assessment.id,
                           message: rule.render(["assessment": assessment.id, "title": assessment.title, "stage": stage.id,
                                                 "count": String(groups.count), "days": String(needed)]))]
        case .participationBelow(let threshold):
            guard stage.allows(.review) || stage.allows(.governmentReview),
                  let figures = Participation.figures(assessment, comments: [], members: members).first(where: { $0.stage == stage.id }),
                  let share = figures.participants.developingShare, share < threshold else { return [] }
            let developing = figures.participants.byDevelopment?[DevelopmentStatus.developing.rawValue] ?? 0
            return [Firing(rule: rule, fingerprint: "\(assessment.id):\(stage.id)", subject: assessment.id,
                           message: rule.render(["assessment": assessment.id, "title": assessment.title, "stage": stage.id,
                                                 "count": "\(developing) of \(figures.participants.total)",
                                                 "share": "\(Int((share * 100).rounded()))%",
                                                 "threshold": "\(Int((threshold * 100).rounded()))%"]))]
        }
    }
}

/// Flags from firings: raise what is new, update what changed, resolve what
/// no longer fires (for the self-clearing rules that were evaluated), and
/// nothing else. A condition that fires again after it cleared raises its
/// flag again (a new version); a per-document flag, once resolved, stays so.
public enum FlagDecisions {
    public static func reconcile(_ firings: [Firing], evaluated rules: Set<String>, flags: [String: Flag], actor: String,
                                 now: Date) -> [NewEvent] {
        var events: [NewEvent] = []
        var firing = Set<String>()
        let time = Timestamp.format(now)
        for fire in firings {
            let id = fire.flagID
            guard firing.insert(id).inserted else { continue }
            if let flag = flags[id], flag.state == .resolved, !rules.contains(flag.rule) {
                // A per-document flag ends when it is resolved: the same document does not raise it again.
                continue
            }
            if let flag = flags[id], flag.state != .resolved {
                // As Alertmanager keys alerts by labels: a new version (issued again) only when the
                // severity changes; a message whose counter ticks ("for 144 days") is updated in place.
                if flag.severity != fire.rule.severity {
                    events.append(NewEvent(FlagChanged(id: id, severity: fire.rule.severity, message: fire.message, version: flag.version + 1),
                                           subject: id, actor: actor, time: now))
                } else if flag.message != fire.message {
                    events.append(NewEvent(FlagChanged(id: id, severity: flag.severity, message: fire.message, version: flag.version),
                                           subject: id, actor: actor, time: now))
                }
                continue
            }
            let flag = Flag(id: id, rule: fire.rule.id, fingerprint: fire.fingerprint, title: fire.rule.title, severity: fire.rule.severity,
                            message: fire.message, labels: fire.rule.labels, subject: fire.subject, state: .open,
                            version: (flags[id]?.version ?? 0) + 1, raisedAt: time, changedAt: time)
            events.append(NewEvent(FlagRaised(flag: flag), subject: id, actor: actor, time: now))
        }
        for flag in flags.values.sorted(by: { $0.id < $1.id }) where flag.state != .resolved && rules.contains(flag.rule) && !firing.contains(flag.id) {
            events.append(NewEvent(FlagResolved(id: flag.id, resolution: "cleared"), subject: flag.id, actor: actor, time: now))
        }
        return events
    }

    /// Rules whose flags clear on their own when they stop firing (per-document reference rules never do).
    public static func selfClearing(_ rules: [Rule]) -> Set<String> {
        Set(rules.filter { rule in
            if case .reference = rule.watch { return rule.aggregation != nil }
            return true
        }.map(\.id))
    }

    /// Flags are the panel's to act on: a refusal for anyone who is not one of its members.
    static func notPanelMember(_ actor: String, members: [Member], may action: String) -> Refusal? {
        members.contains(where: { $0.id == actor && $0.isPanelMember }) ? nil
            : Refusal("'\(actor)' is not a member of the panel; members \(action)")
    }

    public static func acknowledge(_ id: String, note: String, flags: [String: Flag], members: [Member], actor: String,
                                   now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = notPanelMember(actor, members: members, may: "acknowledge flags") { return .failure(refusal) }
        guard let flag = flags[id] else { return .failure(Refusal("no flag '\(id)' (see: panel flags list)")) }
        guard flag.state == .open else { return .failure(Refusal("\(id) is \(flag.state.rawValue), not open")) }
        guard !note.trimmingCharacters(in: .whitespaces).isEmpty else { return .failure(Refusal("acknowledging needs a --note")) }
        return .success([NewEvent(FlagAcknowledged(id: id, note: note), subject: id, actor: actor, time: now)])
    }

    public static func resolve(_ id: String, note: String, flags: [String: Flag], members: [Member], actor: String,
                               now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = notPanelMember(actor, members: members, may: "resolve flags") { return .failure(refusal) }
        guard let flag = flags[id] else { return .failure(Refusal("no flag '\(id)' (see: panel flags list)")) }
        guard flag.state != .resolved else { return .failure(Refusal("\(id) is already resolved")) }
        guard !note.trimmingCharacters(in: .whitespaces).isEmpty else { return .failure(Refusal("resolving by hand needs a --note")) }
        return .success([NewEvent(FlagResolved(id: id, resolution: "\(actor): \(note)"), subject: id, actor: actor, time: now)])
    }

    public static func unsilence(_ id: String, reason: String, silences: [Silence], members: [Member], actor: String,
                                 now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = notPanelMember(actor, members: members, may: "end silences") { return .failure(refusal) }
        guard let silence = silences.first(where: { $0.id == id }) else {
            return .failure(Refusal("no silence '\(id)' (see: panel flags silences)"))
        }
        guard silence.isActive(at: now) else { return .failure(Refusal("\(id) already ended at \(silence.until)")) }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { return .failure(Refusal("ending a silence needs a --reason")) }
        return .success([NewEvent(SilenceEnded(id: id, reason: reason), subject: id, actor: actor, time: now)])
    }

    public static func silence(flag: String?, rule: String?, labels: [String: String], until: Date, reason: String,
                               existing: [Silence], flags: [String: Flag], rules: [Rule], members: [Member], actor: String,
                               now: Date) -> Result<[NewEvent], Refusal> {
        var reasons: [String] = []
        if let refusal = notPanelMember(actor, members: members, may: "silence flags") { reasons += refusal.reasons }
        if flag == nil && rule == nil && labels.isEmpty { reasons.append("say what to silence: a flag id, --rule or --label") }
        if let flag, flags[flag] == nil { reasons.append("no flag '\(flag)'") }
        if let rule, !rules.contains(where: { $0.id == rule }) { reasons.append("no rule '\(rule)'") }
        if until <= now { reasons.append("--until must be in the future") }
        if until > now.addingTimeInterval(366 * 86_400) { reasons.append("--until may be at most a year ahead (\(Timestamp.format(now.addingTimeInterval(366 * 86_400)))); silence again when it ends") }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { reasons.append("a --reason is required") }
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        let silence = Silence(id: "S-\(existing.count + 1)", rule: rule, flag: flag, labels: labels, until: Timestamp.format(until),
                              reason: reason, by: actor)
        return .success([NewEvent(SilenceCreated(silence: silence), subject: silence.id, actor: actor, time: now)])
    }
}
