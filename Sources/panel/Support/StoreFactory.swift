import Foundation
import PanelCore
import PanelPostgres
import PanelSQLite

/// The one place that knows which store a workspace uses. `panel.yaml`'s
/// `store:` names the embedded SQLite file or a PostgreSQL database; every
/// command above this sees `any PanelStore`.
enum StoreFactory {
    /// `access: .readOnly` for commands that only read: SQLite then keeps them from writing, and
    /// opens one connection instead of a pool (a PostgreSQL store is opened as for any command).
    static func open(_ workspace: Workspace, access: StoreAccess = .readWrite) throws -> any PanelStore {
        if workspace.storeLocation.isPostgres { return try openPostgres(workspace.config.store, config: workspace.configURL.path) }
        let path = workspace.storeURL.path
        guard SQLiteStore.exists(at: path) else {
            throw CommandFailure.failure("\(path): the workspace has no store; run 'panel init' again in a fresh folder or restore it")
        }
        // A device or a folder: SQLite would fail later with a bare "disk I/O error". (A path that
        // cannot be read is left to opening the store, which reports its own typed error.)
        switch FileKind.of(path) {
        case .directory?, .special?:
            throw CommandFailure.failure("\(workspace.configURL.path): 'store: \(workspace.config.store)' is \(path), which is not a regular file; point it at the workspace's .panel/panel.sqlite")
        case .regular?, .link?, nil: break
        }
        return try SQLiteStore(path: path, access: access)
    }

    /// A store location given on the command line (`--store`, `--to`), checked before anything is made:
    /// a mistyped scheme is not taken for a file name, a PostgreSQL URL must parse and carry no password.
    static func check(location text: String, option: String) throws {
        if let problem = StoreLocation(text).problem { throw CommandFailure.badInput("\(option): \(problem)") }
        if StoreLocation(text).isPostgres {
            do {
                _ = try PostgresLocation(url: text)
            } catch let error as PostgresStoreError {
                throw CommandFailure.badInput("\(option): \(error.description)")
            }
        }
    }

    /// A store named by a path or URL on the command line (`panel store copy --to`).
    static func open(location text: String, relativeTo root: URL) throws -> any PanelStore {
        try check(location: text, option: "--to")
        if StoreLocation(text).isPostgres { return try openPostgres(text, config: "--to") }
        return try SQLiteStore(path: URL(fileURLWithPath: text, relativeTo: root).standardizedFileURL.path)
    }

    private static func openPostgres(_ url: String, config: String) throws -> PostgresStore {
        do {
            return try PostgresStore(location: PostgresLocation(url: url))
        } catch let error as PostgresStoreError {
            throw CommandFailure.badInput("\(config): \(error.description)")
        }
    }

    /// A new, empty store for `panel init`; an existing PostgreSQL panel with events is refused.
    static func create(_ workspace: Workspace, option: String) throws -> any PanelStore {
        let store: any PanelStore = workspace.storeLocation.isPostgres ? try openPostgres(workspace.config.store, config: option)
            : try SQLiteStore(path: workspace.storeURL.path)
        if let head = try store.recordedHead() {
            throw CommandFailure.badInput("\(workspace.config.store): this database already holds a panel (\(head.sequence) events); point a workspace at it with its panel.yaml, or choose another schema (?schema=NAME)")
        }
        return store
    }

    /// The clock events are stamped with: the database's on PostgreSQL (many machines, one clock), else the given one.
    static func clock(for store: any PanelStore, default clock: any PanelClock) throws -> any PanelClock {
        guard clock is SystemClock, let postgres = store as? PostgresStore else { return clock }
        return try postgres.clock()
    }

    /// The lock two digests must not run under at once: a file beside the SQLite store, or
    /// a PostgreSQL advisory lock (so two cron jobs on two machines never digest together).
    static func digestLock(_ workspace: Workspace, store: any PanelStore) throws -> any ExclusiveLock {
        if let postgres = store as? PostgresStore { return AdvisoryLock(store: postgres, name: "digest") }
        return try FileLock(path: workspace.storeURL.deletingLastPathComponent().appendingPathComponent("digest.lock").path)
    }
}

/// A lock held by one command at a time, on this machine or any other that shares the store.
protocol ExclusiveLock: AnyObject {
    /// What holds it, for the "another digest is running" message.
    var name: String { get }
    /// Takes it, trying for up to `seconds`; false when another holder kept it.
    func acquire(waiting seconds: Int) throws -> Bool
    func release()
}

extension ExclusiveLock {
    /// Polls `attempt` every 100 ms until it succeeds or `seconds` pass.
    func poll(waiting seconds: Int, _ attempt: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(Double(seconds))
        while true {
            if try attempt() { return true }
            if Date() >= deadline { return false }
            usleep(100_000)
        }
    }
}

/// An exclusive lock file (flock), released when the process ends in any way.
final class FileLock: ExclusiveLock {
    let name: String
    private let descriptor: Int32

    init(path: String) throws {
        name = path
        // Never through a link (whoever can write to a drop folder must not make a run create or
        // lock a file elsewhere). Another user's lock file is opened to read, which flock allows:
        // a workspace run by several people (identity: os-user) shares its locks.
        var descriptor = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if descriptor < 0 && errno == EACCES { descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        if descriptor < 0 {
            let reason = errno == ELOOP ? "it is a symbolic link, which is not followed; remove it" : String(cString: strerror(errno))
            throw CommandFailure.failure("\(path): cannot open the lock file: \(reason)")
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    func acquire(waiting seconds: Int) -> Bool {
        poll(waiting: seconds) { flock(descriptor, LOCK_EX | LOCK_NB) == 0 }
    }

    func release() { flock(descriptor, LOCK_UN) }
}

/// A PostgreSQL session-level advisory lock, released when the command's connection closes in any way.
final class AdvisoryLock: ExclusiveLock {
    let store: PostgresStore
    let lock: String
    var name: String { "advisory lock '\(lock)' on \(store.location)" }

    init(store: PostgresStore, name: String) {
        self.store = store
        self.lock = name
    }

    func acquire(waiting seconds: Int) throws -> Bool {
        try poll(waiting: seconds) { try store.tryLock(lock) }
    }

    func release() {
        // Closing the connection at exit releases it too; an unlock that fails changes nothing else.
        _ = try? store.unlock(lock)
    }
}

extension FileLock {
    /// The lock of a drop folder (`DropFolder.lockName` in it), taken for this run; the command ends
    /// with exit 5 when another run holds it (a slow cron job and the next), having done nothing.
    /// Nil when the folder is not there: the command says so itself.
    static func dropFolder(_ folder: URL) throws -> FileLock? {
        guard FileKind.of(folder.path)?.followed(at: folder.path) == .directory else { return nil }
        let lock = try FileLock(path: folder.appendingPathComponent(DropFolder.lockName).path)
        guard lock.acquire(waiting: 0) else {
            Console.error("\(folder.path): another run is taking files from this folder (it holds \(DropFolder.lockName)); this run did nothing, and the next takes whatever that one leaves")
            throw Exit.busy
        }
        return lock
    }
}
