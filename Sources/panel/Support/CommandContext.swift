import ArgumentParser
import Foundation
import PanelCore

/// A loaded workspace with its store, clock and actor: what a command works with.
struct CommandContext {
    let workspace: Workspace
    let store: any PanelStore
    let clock: any PanelClock
    /// Who acts, as the workspace's identity policy establishes it.
    let identity: ActingIdentity
    var actor: String { identity.actor }
    /// Definitions read once per command, however many times they are asked for.
    var definitions = Definitions()

    final class Definitions {
        var workflows: [String: Workflow]?
        /// Workflow definitions being read on another thread (`prefetchWorkflows`).
        var pendingWorkflows: Prefetch<[String: Workflow]>?
        var rules: [Rule]?
        /// State read once for printing (and for the visibility policy), until the command writes.
        var members: [Member]?
        var assessments: [Assessment]?
        /// Assessments with at least what blinding reads (their statements may be left out).
        var outlines: [Assessment]?
    }

    /// The roster, read once per command until it writes.
    var members: [Member] {
        get throws {
            if let cached = definitions.members { return cached }
            let loaded = try store.members()
            definitions.members = loaded
            return loaded
        }
    }

    /// Every assessment, read once per command until it writes.
    var assessments: [Assessment] {
        get throws {
            if let cached = definitions.assessments { return cached }
            let loaded = try store.assessments()
            definitions.assessments = loaded
            return loaded
        }
    }

    /// Every assessment as the visibility policy reads it: without its summary statements,
    /// unless the whole of them was read already. Read once per command until it writes.
    var outlines: [Assessment] {
        get throws {
            if let cached = definitions.assessments ?? definitions.outlines { return cached }
            let loaded = try store.assessments(withStatements: { _ in false })
            definitions.outlines = loaded
            return loaded
        }
    }

    /// A write happened: what was read before no longer stands.
    func forgetReads() {
        definitions.members = nil
        definitions.assessments = nil
        definitions.outlines = nil
        Console.reconsider()
    }

    /// One environment variable's value. (`ProcessInfo.environment` copies every variable into a
    /// dictionary, a third of a millisecond each time it is asked.)
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// `--now`, else `PANEL_NOW`, else the system clock. An unreadable time is a
    /// usage error (checked in `WorkspaceOptions.validate`), never ignored.
    static func clock(_ options: WorkspaceOptions, policy: ClockPolicy) throws -> any PanelClock {
        guard let text = options.now ?? environment("PANEL_NOW"), !text.isEmpty else { return SystemClock() }
        let source = options.now == nil ? "PANEL_NOW" : "--now"
        guard policy == .settable else {
            throw CommandFailure.usage("\(source) is honoured only in workspaces whose panel.yaml says 'clock: settable'; this one keeps the system clock (unset \(source))")
        }
        guard let date = Timestamp.parse(text) else {
            throw CommandFailure.usage("\(source) must be an ISO 8601 time such as 2026-11-30T09:00:00Z, not '\(text)'")
        }
        return FixedClock(date)
    }

    /// `--as`, else `PANEL_ACTOR`: what the user asks to act as (believed only as the policy allows).
    static func requestedActor(_ options: WorkspaceOptions) -> String? {
        guard let actor = options.actor ?? environment("PANEL_ACTOR"), !actor.isEmpty else { return nil }
        return actor
    }

    /// Resolves who acts under the workspace's identity policy; a refusal exits 3. With the
    /// roster when it was read to decide (the command's first read of it, kept for what it prints).
    static func identity(_ options: WorkspaceOptions, workspace: Workspace,
                         store: any PanelStore) throws -> (identity: ActingIdentity, roster: [Member]?) {
        let config = workspace.config
        let requested = requestedActor(options)
        // Under `declared` with --as, nobody needs looking up: no read for the commands that must be fast.
        let members = config.identity == .declared && requested != nil ? nil : try store.members()
        let identity = try IdentityResolver.resolve(policy: config.identity, secretariat: config.secretariat, login: OSUser.effective,
                                                    requested: requested, members: members ?? []).get()
        return (identity, members)
    }

    /// The command's workspace, store, clock and actor. Commands that only read say `.readOnly`:
    /// their store then refuses writes (and opens faster). Commands that will need the workflow
    /// definitions may have them read on another core meanwhile (`prefetchingWorkflows`).
    /// The workspace the options name (or the environment, or the nearest panel.yaml upward).
    static func locate(_ options: WorkspaceOptions) throws -> Workspace {
        try Workspace.locate(
            explicit: options.workspace, environment: environment("PANEL_WORKSPACE").map { ["PANEL_WORKSPACE": $0] } ?? [:],
            currentDirectory: FileManager.default.currentDirectoryPath)
    }

    static func load(_ options: WorkspaceOptions, access: StoreAccess = .readWrite,
                     prefetchingWorkflows: Bool = false) throws -> CommandContext {
        let workspace = try locate(options)
        let definitions = Definitions()
        if prefetchingWorkflows { definitions.pendingWorkflows = Prefetch { try workspace.workflows() } }
        let store = try StoreFactory.open(workspace, access: access)
        let clock = try StoreFactory.clock(for: store, default: try clock(options, policy: workspace.config.clock))
        let (identity, roster) = try identity(options, workspace: workspace, store: store)
        let context = CommandContext(workspace: workspace, store: store, clock: clock, identity: identity, definitions: definitions)
        context.definitions.members = roster
        // Everything this command prints passes through the visibility policy, decided on first use.
        Console.use { try context.redactor() }
        return context
    }

    /// The visibility policy for what this actor reads across assessments: chairs and the
    /// secretariat see everything; others never see a blinded reviewer's identity.
    func redactor() throws -> Redactor {
        if Self.publishing { return try publicRedactor() }
        if identity.policy == .osUser && identity.isSecretariat { return Redactor(terms: []) }
        let members = try self.members
        if let member = members.first(where: { $0.id == identity.actor }), member.has(.coChair) || member.has(.viceChair) {
            return Redactor(terms: [])
        }
        return Visibility.redactor(for: identity, assessments: try outlines, workflows: try workflows, members: members)
    }
}

extension CommandContext {
    /// Set by commands whose output is published (cron's digest, feed and site): everything then
    /// passes through the policy as the public sees it, whoever runs them.
    nonisolated(unsafe) static var publishing = false

    /// The public's view: the authors' view of every assessment.
    func publicRedactor() throws -> Redactor {
        let reader = ActingIdentity(actor: "public", recordedBy: nil, policy: .declared, login: nil, isSecretariat: false)
        return Visibility.redactor(for: reader, assessments: try outlines, workflows: try workflows, members: try members)
    }
}

/// Printing lives here, in the shell; the library never prints.
enum Console {
    /// The visibility policy of the command being run (set when its context loads).
    nonisolated(unsafe) private static var visibility: (() throws -> Redactor)?
    /// The policy once worked out, or why it could not be; nil until first needed.
    nonisolated(unsafe) private static var worked: Result<Redactor, any Error>?
    /// Set while the policy is being worked out: what is said meanwhile is about the files it
    /// reads (the roster, the workflows), printed as it is and remembered.
    nonisolated(unsafe) private static var working = false
    nonisolated(unsafe) private static var saidWhileWorking: [String] = []
    /// Said once when the policy cannot be worked out and a message is withheld for it.
    nonisolated(unsafe) private static var withholdingSaid = false

    /// Sets the visibility policy for what follows (the demo runs several commands in one process).
    static func use(_ policy: @escaping () throws -> Redactor) {
        visibility = policy
        worked = nil
        saidWhileWorking = []
        withholdingSaid = false
    }

    /// The state changed: the policy is worked out again on the next output.
    static func reconsider() {
        worked = nil
        saidWhileWorking = []
        withholdingSaid = false
    }

    /// The policy of the command being run: nil before a command has loaded its workspace
    /// (nothing about reviewers is known then), else the redactor or why it cannot be worked out.
    private static func policy() -> Result<Redactor, any Error>? {
        guard let visibility, !working else { return nil }
        if let worked { return worked }
        working = true
        defer { working = false }
        do {
            worked = .success(try visibility())
        } catch {
            worked = .failure(error)
        }
        return worked
    }

    /// Text as the acting person may see it. If the policy cannot be worked out, nothing is shown.
    static func visible(_ text: String) -> String {
        switch policy() {
        case nil: return text
        case .success(let redactor): return redactor.apply(text)
        case .failure(let error):
            let messages = Failure.report(error)?.messages ?? ["\(error)"]
            for message in messages { emitError(message) }
            emitError("cannot work out what you may see, so nothing is shown")
            exit(Exit.failure.rawValue)
        }
    }

    /// `text` through the policy, except where it names one of `kept` verbatim.
    static func visible(_ text: String, keeping kept: [String]) -> String {
        guard let first = kept.first(where: { !$0.isEmpty && text.contains($0) }) else { return visible(text) }
        let rest = kept.filter { $0 != first }
        return text.components(separatedBy: first).map { visible($0, keeping: rest) }.joined(separator: first)
    }

    /// Prints a line through the visibility policy. Printed with `redacting: false` are only the
    /// roster itself (public: who serves on the panel, not who reviews what), so that which names
    /// are withheld elsewhere does not single out the reviewers, a draft's text (the authors' own
    /// words), and lines already passed through the policy.
    static func out(_ text: String, redacting: Bool = true) {
        emit((redacting ? visible(text, keeping: Given.paths + Given.quoted) : text) + "\n", to: STDOUT_FILENO)
    }

    /// Writes the whole of `text` to a stream, unbuffered as FileHandle did, without building a
    /// `Data` (whose first use is a search of the runtime's conformance tables). Output that
    /// cannot be written (a closed pipe, a full disk) ends the command with exit 1, said on
    /// standard error, rather than go on as if it had been shown.
    static func emit(_ text: String, to descriptor: Int32) {
        var text = text
        let failure: Int32? = text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        guard let failure, descriptor == STDOUT_FILENO else { return }
        error("cannot write the output: \(String(cString: strerror(failure)))")
        exit(Exit.failure.rawValue)
    }

    /// Redacts `text` except where it names `kept` (a path the person running the command gave
    /// or holds, such as an inbox file): a path must stay usable, and it tells them nothing new.
    static func out(_ text: String, keeping kept: String) {
        out(visible(text, keeping: [kept] + Given.paths + Given.quoted), redacting: false)
    }

    /// Writes output to a file or standard output, through the visibility policy.
    static func write(_ text: String, to path: String?) throws {
        let shown = visible(text)
        if let path {
            try Data(shown.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } else {
            emit(shown, to: STDOUT_FILENO)
        }
    }

    /// One line on standard error, through the visibility policy like standard output: a refusal
    /// or a file's reason must not name the reviewer that the same command's report hides. The
    /// files the person named on the command line, and `kept` (a path they hold), stay as given.
    /// If the policy cannot be worked out, the message is withheld and that is said instead.
    static func error(_ text: String, keeping kept: [String] = []) {
        switch policy() {
        case nil:
            if working { saidWhileWorking.append(text) }
            emitError(text)
        case .success:
            // A message that begins with what was typed ("exp-12: cannot read the file", or its
            // signature "exp-12.sig: ...") keeps it there, and only there.
            if let given = Given.values.first(where: { text.hasPrefix($0 + ":") || text.hasPrefix($0 + ".sig:") }) {
                emitError(given + visible(String(text.dropFirst(given.count)), keeping: kept + Given.echoes))
            } else {
                emitError(visible(text, keeping: kept + Given.echoes))
            }
        case .failure(let error):
            // Mostly the failure that stopped the command is the one that stopped the policy, and
            // was said while it was worked out: then nothing is withheld.
            guard !withholdingSaid, !saidWhileWorking.contains(text) else { return }
            withholdingSaid = true
            for message in Failure.report(error)?.messages ?? ["\(error)"] { emitError(message) }
            emitError("cannot work out what you may see, so the messages of this error are withheld")
        }
    }

    /// What the person typed stays as typed where it is echoed back: were it redacted, whether it
    /// was would tell them which names are hidden (a path `/tmp/exp-12.md` shown as `[reviewer].md`).
    enum Given {
        /// The values given on the command line (an option's too), longest first.
        static let values: [String] = CommandLine.arguments.dropFirst().compactMap { argument -> String? in
            guard argument.hasPrefix("-") else { return argument }
            return argument.firstIndex(of: "=").map { String(argument[argument.index(after: $0)...]) }
        }.filter { !$0.isEmpty }.sorted { $0.count > $1.count }

        /// Values that are paths: with a folder in them. Kept on standard output too.
        static let paths: [String] = values.filter { $0.contains("/") }

        /// Each value where a message quotes it ('exp-12 '). Kept on standard output too.
        static let quoted: [String] = values.map { "'\($0)'" }

        /// What errors echo: paths (a folder or a file's extension in them) and quoted values. A
        /// bare word is kept only where a message begins with it: kept anywhere, a file named
        /// `exp-12` would keep a signer's `exp-12` too.
        static let echoes: [String] = values.filter { $0.contains("/") || $0.dropLast().contains(".") } + quoted

        /// The values a file's reasons quote from the file itself ('maybe', an unknown column):
        /// the sender wrote them. A file's reasons come before anything about the state is
        /// looked at for anyone who may not see its reviewers, so every quoted fragment is theirs.
        static func quotes(in reason: String) -> [String] {
            reason.split(separator: "'", omittingEmptySubsequences: false).enumerated()
                .compactMap { $0.offset % 2 == 1 && !$0.element.isEmpty ? "'\($0.element)'" : nil }
        }
    }

    /// A reason given about a file (an inbox's, verify-signature's): through the policy, keeping
    /// the file's path and name where they read as such (a folder or an extension in them: a bare
    /// `exp-12` would be kept wherever the reason says it, a signer's name too), and what the
    /// reason quotes from the file.
    static func visible(reason: String, about file: String) -> String {
        visible(reason, keeping: kept(in: reason, about: file) + Given.paths)
    }

    /// What a reason about `file` keeps as written (see `visible(reason:about:)`).
    static func kept(in reason: String, about file: String) -> [String] {
        [file, (file as NSString).lastPathComponent].filter { $0.contains("/") || $0.dropLast().contains(".") } + Given.quotes(in: reason)
    }

    /// One line on standard error as it is. A control character in it (a newline in a file's name,
    /// in a path given on the command line) is printed escaped, so a message cannot split or forge
    /// a line of a cron log.
    private static func emitError(_ text: String) {
        emit("panel: " + text.oneLine + "\n", to: STDERR_FILENO)
    }

    /// Both output streams are a terminal: only then is progress drawn.
    static var interactive: Bool { isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 }

    /// Runs `body`; a library error becomes its one-line messages and exit code, printed here.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            guard let (messages, code) = Failure.report(error) else { throw error }
            for message in messages { self.error(message) }
            throw code
        }
    }

    /// Pretty, sorted JSON; a value that cannot be encoded is a failure, never `null`.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw CommandFailure.failure("cannot encode the output as JSON: \(EventCoding.describe(error))")
        }
    }
}

/// What a decision reads, inside the write transaction it is taken in.
struct DecisionState {
    let reader: any StoreReader
    let context: CommandContext

    func members() throws -> [Member] { try reader.members() }
    func assessments() throws -> [Assessment] { try reader.assessments() }
    func comments(of id: String) throws -> [CommentRecord] { try reader.comments(of: id) }
    func flags() throws -> [String: PanelCore.Flag] { try reader.flags() }
    func silences() throws -> [Silence] { try reader.silences() }

    /// The assessment, or a bad-input failure that says how to find one.
    func assessment(_ id: String) throws -> Assessment {
        guard let assessment = try reader.assessment(id) else {
            throw CommandFailure.badInput("no assessment '\(id)' (see: panel assessment list)")
        }
        return assessment
    }
}

extension CommandContext {
    /// Every writing command starts by removing what killed runs left behind
    /// (partial objects, temporaries in the inbox); live runs' files are kept.
    func sweepDebris() {
        Debris.sweep(workspace)
    }

    /// Decides and appends in one write transaction: `decide` reads the state
    /// it decides on through `DecisionState`, so no other writer can change
    /// it in between. A refusal appends nothing and exits 3.
    @discardableResult
    func decide(objects: [String: [UInt8]] = [:],
                _ decide: (DecisionState) throws -> Result<[NewEvent], Refusal>) throws -> [EventRecord] {
        sweepDebris()
        forgetReads()
        defer { forgetReads() }
        let recordedBy = identity.recordedBy
        let result = try store.decide(objects: objects) { reader in
            // Every event records who really ran the command when it is not the actor.
            try decide(DecisionState(reader: reader, context: self)).map { events in
                events.map { event in
                    var stamped = event
                    stamped.recordedBy = recordedBy
                    return stamped
                }
            }
        }
        switch result {
        case .failure(let refusal): throw refusal
        case .success(let records): return records
        }
    }
}

/// The effective OS user: the only identity a process can show for itself.
enum OSUser {
    static var effective: String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}

extension CommandContext {
    /// Review and response intake under this workspace's identity and signature policy.
    func intake(workflows: [String: Workflow], unattended: Bool = false) -> ReviewIntake {
        forgetReads()  // the intake writes; what is printed afterwards is read afresh
        let intake = ReviewIntake(store: store, workflows: workflows, clock: clock, actor: actor, submitter: identity,
                                  requireSignature: workspace.config.requireSignature, limits: workspace.config.reviewLimits)
        intake.unattended = unattended
        // Reasons written beside rejected files are outputs too. The policy is worked out now,
        // before any file moves: if it cannot be, the run stops here rather than halfway.
        _ = Console.visible("")
        intake.shown = { reason, path in Console.visible(reason: reason, about: path) }
        return intake
    }
}

/// Work begun on another thread, its result (or error) taken later, waiting for it if need be.
final class Prefetch<Value: Sendable>: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    /// Written once by the worker before it signals; read only after the wait (the semaphore orders them).
    private var result: Result<Value, any Error>?

    init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { try work() }
            self.finished.signal()
        }
    }

    /// The result, once the work has finished; its error if it failed.
    func value() throws -> Value {
        finished.wait()
        defer { finished.signal() }
        guard let result else { preconditionFailure("a finished prefetch has its result") }
        return try result.get()
    }
}
