import Foundation

/// Evaluates the rules against the store at the clock's time and records what
/// changed: flags raised, updated, or resolved because their condition cleared.
public struct RuleRunner {
    public let store: any PanelStore
    public let rules: [Rule]
    public let workflows: [String: Workflow]
    public let clock: any PanelClock
    public let actor: String

    public init(store: any PanelStore, rules: [Rule], workflows: [String: Workflow], clock: any PanelClock, actor: String) {
        self.store = store
        self.rules = rules.filter { $0.status != .deprecated }
        self.workflows = workflows
        self.clock = clock
        self.actor = actor
    }

    public struct Outcome: Sendable, Equatable {
        public var raised = 0
        public var changed = 0
        public var resolved = 0
        public init() {}
    }

    /// Reference rules only (after an ingest), or every rule.
    @discardableResult
    public func evaluate(referencesOnly: Bool = false) throws -> Outcome {
        let now = clock.now()
        let inScope = referencesOnly ? rules.filter { if case .reference = $0.watch { true } else { false } } : rules
        var firings = RuleEngine.referenceFirings(inScope, matches: try store.ruleMatches(rule: nil), now: now)
        if !referencesOnly {
            firings += RuleEngine.stateFirings(inScope, assessments: try store.assessments(), workflows: workflows,
                                               members: try store.members(), now: now)
        }
        let evaluated = FlagDecisions.selfClearing(inScope)
        guard !firings.isEmpty || !evaluated.isEmpty else { return Outcome() }
        let actor = self.actor
        let ids = Set(firings.map(\.flagID))
        let records = try store.writeBatch { batch in
            try batch.file { session in
                // Only the flags that can change: those firing, and the open flags of self-clearing rules.
                let flags = try session.flags(ids: ids, openRules: evaluated)
                let events = FlagDecisions.reconcile(firings, evaluated: evaluated, flags: flags, actor: actor, now: now)
                return try events.map { try session.append($0) }
            }
        }
        var outcome = Outcome()
        for record in records {
            switch record.type {
            case FlagRaised.type: outcome.raised += 1
            case FlagChanged.type: outcome.changed += 1
            case FlagResolved.type: outcome.resolved += 1
            default: break
            }
        }
        return outcome
    }

    /// Composes and (unless `dryRun`) records a digest in one write
    /// transaction, so two digests can never issue the same thing twice.
    public func digest(since: Date?, dryRun: Bool) throws -> Digest {
        let now = clock.now()
        let assessments = try store.assessments()
        let workflows = self.workflows
        let actor = self.actor
        let previous = try store.digests(limit: 1).first
        return try store.writeBatch { batch in
            try batch.file { session in
                let pending = try session.pendingFlags(since: since.map(Timestamp.format))
                let (flags, resolved, reminders) = DigestComposer.candidates(
                    flags: pending, silences: try session.silences(), assessments: assessments, workflows: workflows, now: now)
                let keys = flags.map(DigestComposer.key) + resolved.map(DigestComposer.key) + reminders.map(DigestComposer.key)
                let number = (previous.flatMap { Int($0.id.dropFirst(2)) } ?? 0) + 1
                let digest = DigestComposer.compose(
                    id: String(format: "D-%04d", number), flags: flags, resolved: resolved, reminders: reminders,
                    issued: try session.issued(keys), since: since, now: now)
                if !dryRun && !digest.isEmpty {
                    try session.append(NewEvent(
                        DigestIssued(id: digest.id, keys: digest.keys, flags: digest.flags.count, resolved: digest.resolved.count,
                                     reminders: digest.reminders.count),
                        subject: digest.id, actor: actor, time: now))
                }
                return digest
            }
        }
    }
}
