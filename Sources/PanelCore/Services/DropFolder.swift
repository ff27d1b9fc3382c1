import Foundation

/// What kind of thing a path names, read without following a final symbolic link.
public enum FileKind: Sendable, Equatable {
    case regular(size: Int, modified: Date)
    case directory
    /// A symbolic link, with what it points to (nil when the link's target does not exist).
    case link(to: String, target: FileKindTarget?)
    /// A named pipe, socket or device: reading one may wait forever, so nothing here reads them.
    case special(String)

    public enum FileKindTarget: Sendable, Equatable { case regular, directory, special(String) }

    /// The kind of `path`, or nil when nothing is there.
    public static func of(_ path: String) -> FileKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            let modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            return .regular(size: Int(info.st_size), modified: modified)
        case S_IFDIR: return .directory
        case S_IFLNK:
            let destination: String
            do { destination = try FileManager.default.destinationOfSymbolicLink(atPath: path) } catch { destination = "an unreadable target" }
            var followed = stat()
            guard stat(path, &followed) == 0 else { return .link(to: destination, target: nil) }
            switch followed.st_mode & S_IFMT {
            case S_IFREG: return .link(to: destination, target: .regular)
            case S_IFDIR: return .link(to: destination, target: .directory)
            default: return .link(to: destination, target: .special(specialName(followed.st_mode)))
            }
        default: return .special(specialName(info.st_mode))
        }
    }

    /// What a link leads to, read as that kind (a link that leads nowhere stays a link); any
    /// other kind as it is.
    public func followed(at path: String) -> FileKind {
        guard case .link(_, let target?) = self else { return self }
        switch target {
        case .regular:
            var info = stat()
            guard stat(path, &info) == 0 else { return self }
            return .regular(size: Int(info.st_size), modified: Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec)))
        case .directory: return .directory
        case .special(let what): return .special(what)
        }
    }

    static func specialName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a named pipe"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "not a regular file"
        }
    }
}

/// A drop folder (the review inbox, the reference drop folder) entry by entry, and what a run does
/// with each: take it, set it aside in `rejected/` with a reason, or leave it where it is for a
/// later run and say why.
///
/// Only regular files at the top level are taken. A file is left (and listed) while it may still
/// be arriving: a name starting with a dot or ending in `.part`, `.partial`, `.tmp`, `.crdownload`,
/// `.download`, `.filepart` or `~` (what copy tools and browsers write before they rename), or one
/// modified less than `settle` seconds ago. A hidden folder is passed over. A symbolic link is set
/// aside, not followed: whoever can write to the folder must not be able to make the job read a
/// file elsewhere on the machine. A named pipe, socket or device is set aside too (reading one
/// would wait forever). A subfolder other than `processed/` and `rejected/` is left and reported.
public enum DropFolder {
    public enum Entry: Sendable, Equatable {
        case take(name: String, url: URL)
        case setAside(name: String, url: URL, reason: String)
        case leave(name: String, reason: String)
    }

    /// Endings of names that copy tools, browsers and editors give files they are still writing.
    public static let partialEndings = [".part", ".partial", ".tmp", ".crdownload", ".download", ".filepart", "~"]

    /// The names a file left in the folder may have once it is complete: its own, and, for a
    /// name of a file still being written, the name it is being written for (`.NAME`, rsync's
    /// `.NAME.XXXXXX`, `NAME.part` and the other partial endings).
    public static func arrivingNames(_ name: String) -> [String] {
        var names = [name]
        if name.hasPrefix(".") {
            let base = String(name.dropFirst())
            names.append(base)
            // rsync writes `.NAME.XXXXXX`: six characters after the last dot.
            if let dot = base.lastIndex(of: "."), base.distance(from: dot, to: base.endIndex) == 7, dot != base.startIndex {
                names.append(String(base[..<dot]))
            }
        }
        for candidate in names {
            if let ending = partialEndings.first(where: { candidate.lowercased().hasSuffix($0) }), candidate.count > ending.count {
                names.append(String(candidate.dropLast(ending.count)))
            }
        }
        return names
    }
    /// Folders a drop folder keeps for itself.
    public static let ownFolders: Set<String> = ["processed", "rejected"]
    /// The file a run locks, so that two runs (a slow cron job and the next) never take the same files.
    public static let lockName = ".panel.lock"
    /// What names the reason beside a file set aside in `rejected/`: `NAME.reason.txt`.
    public static let reasonSuffix = ".reason.txt"

    /// `processed/` and `rejected/` in `folder`, made when missing.
    public static func prepare(_ folder: URL) throws -> (processed: URL, rejected: URL) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DropFolderError(path: folder.path, problem: FileKind.of(folder.path) == nil ? "no such folder" : "not a folder", missing: true)
        }
        func own(_ name: String) throws -> URL {
            let url = folder.appendingPathComponent(name)
            switch FileKind.of(url.path) {
            case nil:
                do {
                    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
                } catch where FileKind.of(url.path) == .directory {
                    // Made meanwhile by another process: what was wanted.
                } catch {
                    throw DropFolderError(path: url.path, problem: "cannot be made (\(describe(error))); the drop folder keeps its \(name) files there")
                }
            case .directory?: break
            default: throw DropFolderError(path: url.path, problem: "exists and is not a folder; the drop folder keeps its \(name) files there")
            }
            return url
        }
        return (try own("processed"), try own("rejected"))
    }

    /// `name`, or `stem.1.ext`, `stem.2.ext`, ... when taken (in `directory`, or among `reserved`):
    /// nothing is overwritten, and the extension that says what the file is stays last.
    ///
    /// A name is free only with its `companions` (`NAME.reason.txt`, `NAME.sig`), the files written
    /// beside it, where one of them is a file set aside itself (with its own `.reason.txt`: say a
    /// file dropped as `bad.xml.reason.txt`). A companion alone, its file not there, is what a run
    /// stopped before its move left (the reason is written first): the same file's, written again.
    /// A `strict` companion takes the name whenever it is there (a signature about to be moved
    /// beside the file must not land on one a stopped run left).
    ///
    /// The name and each companion's fit the file system's limit of 255 bytes a name: a longer
    /// one is shortened before its number and extension (else a file with a long name could never
    /// be set aside with its reason, and every run would meet it again).
    public static func freeName(_ name: String, in directory: URL, avoiding reserved: Set<String> = [],
                                companions: [String] = [], strict: [String] = []) -> String {
        let room = nameLimit - ((companions + strict).map(\.utf8.count).max() ?? 0)
        let manager = FileManager.default
        func exists(_ candidate: String) -> Bool { manager.fileExists(atPath: directory.appendingPathComponent(candidate).path) }
        func taken(_ candidate: String) -> Bool {
            reserved.contains(candidate) || exists(candidate)
                || companions.contains { exists(candidate + $0) && exists(candidate + $0 + reasonSuffix) }
                || strict.contains { exists(candidate + $0) }
        }
        if name.utf8.count <= room, !taken(name) { return name }
        let dot = name.lastIndex(of: ".").flatMap { $0 == name.startIndex ? nil : $0 }
        let stem = dot.map { String(name[..<$0]) } ?? name
        let ext = dot.map { String(name[$0...]) } ?? ""
        /// The stem, shortened (by whole characters) as far as `tail` needs to fit.
        func fitted(_ tail: String) -> String {
            var head = stem
            while head.utf8.count + tail.utf8.count > room, !head.isEmpty { head.removeLast() }
            var candidate = head + tail
            while candidate.utf8.count > room { candidate.removeLast() }
            return candidate
        }
        if name.utf8.count > room, !taken(fitted(ext)) { return fitted(ext) }
        var index = 1
        while taken(fitted(".\(index)\(ext)")) { index += 1 }
        return fitted(".\(index)\(ext)")
    }

    /// The longest name (in bytes) of a file in a folder, on Linux's file systems and macOS's alike.
    static let nameLimit = 255

    /// Runs `body`, which puts the file `name` (or its reason) into `folder`; a failure names the
    /// folder, which is usually what needs fixing, and the file it met first.
    public static func placing(_ name: String, in folder: URL, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            throw DropFolderError(path: folder.path, problem: "cannot take \(name) (\(describe(error))); the files it refuses stay in the drop folder, and the next run moves them (what was recorded stays recorded)")
        }
    }

    /// The operating system's reason, where Foundation wraps one.
    static func describe(_ error: any Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return (error as NSError).localizedDescription
    }

    /// The folder's entries in name order. `now` is the machine's time (file times are the
    /// machine's too, whatever clock the workspace's events use).
    public static func scan(_ folder: URL, settle: TimeInterval, now: Date = Date(),
                            skipFolders: Set<String> = []) throws -> [Entry] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: folder.path])
        }
        var entries: [Entry] = []
        for name in names {
            let url = folder.appendingPathComponent(name)
            guard let kind = FileKind.of(url.path) else { continue }  // gone since the listing
            if name == lockName { continue }
            if name.hasPrefix(".") {
                // A copy tool's name for a file still arriving (rsync's `.name.XXXXXX`), or one not meant
                // to be read: left either way, and said, so that a file dropped under such a name is not
                // waited for in silence. Folders of sync tools (`.stfolder`) are nobody's drop.
                if case .regular = kind {
                    entries.append(.leave(name: name, reason: "\(url.path): left in place: hidden (the name starts with a dot), a file still being written or not meant to be read; rename it without the dot to have it read"))
                }
                continue
            }
            switch kind {
            case .regular(_, let modified):
                if let ending = partialEndings.first(where: { name.lowercased().hasSuffix($0) }) {
                    entries.append(.leave(name: name, reason: "\(url.path): left in place: a name ending in '\(ending)' is a file still being written; rename it when it is complete"))
                } else if case let age = now.timeIntervalSince(modified), age < settle, age > -3600 {
                    entries.append(.leave(name: name, reason: "\(url.path): left for the next run: modified \(max(0, Int(age))) s ago, less than \(Int(settle)) s (it may still be being written)"))
                } else {
                    entries.append(.take(name: name, url: url))
                }
            case .directory:
                if ownFolders.contains(name) || skipFolders.contains(name) { continue }
                entries.append(.leave(name: name, reason: "\(url.path)/: a folder, not read (only files at the top level of \(folder.path) are taken)"))
            case .link(let destination, _):
                entries.append(.setAside(name: name, url: url, reason: "\(url.path): a symbolic link (to \(destination)), not followed: put the file itself in the folder"))
            case .special(let what):
                entries.append(.setAside(name: name, url: url, reason: "\(url.path): \(what), not a regular file; not read"))
            }
        }
        return entries
    }
}

/// A drop folder, or one of its own folders, that cannot be used: names the folder.
public struct DropFolderError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var problem: String
    /// The drop folder itself is not there (bad input, rather than a failure to write).
    public var missing = false
    public var description: String { "\(path): \(problem)" }
}

extension [DropFolderError] {
    /// Keeps the first error of each folder: a run says once that a folder refuses its files.
    mutating func noteOnce(_ error: DropFolderError) {
        if !contains(where: { $0.path == error.path }) { append(error) }
    }
}
