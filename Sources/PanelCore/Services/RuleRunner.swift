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

        mutating func add(_ other: Outcome) {
            raised += other.raised
            changed += other.changed
            resolved += other.resolved
        }
    }

    /// Reference rules only (after an ingest), or every rule. Memory stays
    /// bounded however many references matched: windows are counted by the
    /// store, and per-document matches are turned into flags a page at a time.
    @discardableResult
    public func evaluate(referencesOnly: Bool = false) throws -> Outcome {
        let now = clock.now()
        let inScope = referencesOnly ? rules.filter { if case .reference = $0.watch { true } else { false } } : rules
        var outcome = Outcome()
        // Per-document reference rules: only matches that have no flag yet.
        let perDocument = inScope.filter { if case .reference = $0.watch { $0.aggregation == nil } else { false } }
        let byID = Dictionary(uniqueKeysWithValues: perDocument.map { ($0.id, $0) })
        var after: Int64 = 0
        while true {
            let page = try store.unflaggedMatches(rules: perDocument.map(\.id), after: after, limit: 2_000)
            guard let last = page.last else { break }
            after = last.position
            let firings = page.compactMap { entry in byID[entry.match.rule].map { RuleEngine.documentFiring($0, entry.match) } }
            outcome.add(try reconcile(firings, evaluated: [], now: now))
        }
        // Windowed reference rules, assessment and process rules: all their current firings.
        var firings: [Firing] = []
        for rule in inScope {
            guard case .reference = rule.watch, let aggregation = rule.aggregation else { continue }
            let from = now.addingTimeInterval(-Double(aggregation.windowDays) * 86_400)
            let counts = try store.windowCounts(rule: rule.id, from: from, to: now, groupBy: aggregation.groupBy)
            firings += RuleEngine.windowFirings(rule, counts: counts)
        }
        if !referencesOnly {
            firings += RuleEngine.stateFirings(inScope, assessments: try store.assessments(), workflows: workflows,
                                               members: try store.members(), now: now)
        }
        outcome.add(try reconcile(firings, evaluated: FlagDecisions.selfClearing(inScope), now: now))
        return outcome
    }

    private func reconcile(_ firings: [Firing], evaluated: Set<String>, now: Date) throws -> Outcome {
        guard !firings.isEmpty || !evaluated.isEmpty else { return Outcome() }
        let actor = self.actor
        let ids = Set(firings.map(\.flagID))
        let records = try store.write { writer in
            // Only the flags that can change: those firing, and the open flags of self-clearing rules.
            let flags = try writer.flags(ids: ids, openRules: evaluated)
            let events = FlagDecisions.reconcile(firings, evaluated: evaluated, flags: flags, actor: actor, now: now)
            return try events.map { try writer.append($0) }
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
        try digest(since: since, dryRun: dryRun, publish: { _ in })
    }

    /// The same, with `publish` called inside the transaction after the digest is composed and
    /// before it is recorded: if writing its page or feed fails, nothing is recorded, and the
    /// next run issues the same flags again (nothing is lost from what people read).
    public func digest(since: Date?, dryRun: Bool, publish: (Digest) throws -> Void) throws -> Digest {
        let now = clock.now()
        let workflows = self.workflows
        let actor = self.actor
        // Everything the digest is composed from, and its number, is read inside the write.
        let rulesByID = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let repeating = Set(rules.filter { $0.repeatAfterDays != nil }.map(\.id))
        return try store.write { writer in
            let assessments = try writer.assessments()
            let previous = try writer.digests(limit: 1).first
            var pending = try writer.pendingFlags(since: since)
            // Open flags of repeat-after rules come back when their repeat is due, issued or not.
            if !repeating.isEmpty {
                for (id, flag) in try writer.flags(ids: [], openRules: repeating) where flag.state != .resolved { pending[id] = flag }
            }
            let (flags, resolved, reminders) = DigestComposer.candidates(
                flags: pending, silences: try writer.silences(), assessments: assessments, workflows: workflows, now: now, rules: rulesByID)
            let keys = flags.map { DigestComposer.key($0, repeatAfterDays: rulesByID[$0.rule]?.repeatAfterDays, now: now) }
                + resolved.map(DigestComposer.key) + reminders.map(DigestComposer.key)
            let number = (previous.flatMap { Int($0.id.dropFirst(2)) } ?? 0) + 1
            var digest = DigestComposer.compose(
                id: String(format: "D-%04d", number), flags: flags, resolved: resolved, reminders: reminders,
                issued: try writer.issued(keys), since: since, now: now, head: try writer.head(), rules: rulesByID, previous: previous?.id)
            // An empty digest takes no number.
            if digest.isEmpty { digest.id = "" }
            try publish(digest)
            if !dryRun && !digest.isEmpty {
                try writer.append(NewEvent(
                    DigestIssued(id: digest.id, keys: digest.keys, flags: digest.flags.count, resolved: digest.resolved.count,
                                 reminders: digest.reminders.count),
                    subject: digest.id, actor: actor, time: now))
            }
            return digest
        }
    }
}
