import Foundation

/// Original bytes, kept by content. Small objects (most documents) go into
/// the store's own object table, in the same transaction as what refers to
/// them: creating one file per document costs more than parsing it. Large
/// ones (collections) go to `objects/sha256/ab/abcdef...`, written to a
/// temporary file first and renamed into place, so an object exists whole or
/// not at all.
public struct ObjectStore: Sendable {
    public let root: URL
    /// Objects up to this size stay in memory and go into the store's table.
    public var inlineLimit: Int
    /// Larger ones go into the store too, streamed from their temporary file (a database
    /// shared by many machines, with no shared folder), instead of into `objects/`.
    public var largeObjectsInStore = false

    public init(root: URL, inlineLimit: Int = 4 << 20) {
        self.root = root
        self.inlineLimit = inlineLimit
    }

    public func url(for hash: String) -> URL {
        root.appendingPathComponent("sha256").appendingPathComponent(String(hash.prefix(2)))
            .appendingPathComponent(hash)
    }

    public func beginWrite() -> ObjectWriter {
        ObjectWriter(store: self)
    }

    /// The bytes of a file object (inline objects are read from the store).
    public func read(_ hash: String) throws -> Data {
        try Data(contentsOf: url(for: hash))
    }

    fileprivate func temporaryFile() throws -> (URL, FileHandle) {
        let directory = root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Named for this process, so a sweep after a kill knows whose it was (see Debris).
        let url = directory.appendingPathComponent(Debris.temporaryName())
        // Created directly under its own name (FileManager.createFile writes through a temporary file
        // of Foundation's naming, which a process killed at that moment would leave unswept).
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
        }
        return (url, FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
    }
}

/// Where an object ended up.
public enum StoredObject: Equatable {
    /// Small: the caller puts these bytes into the store's object table.
    case inline([UInt8])
    /// Large: already in place in the object folder.
    case file
    /// Large, for a store that keeps them itself: the caller streams this file into the
    /// store (`StoreWriter.putObject(_:contentsOf:)`) and then calls `ObjectWriter.abandon`.
    case spilled(URL)
}

/// One object being written: in memory until it outgrows the inline limit,
/// then in a temporary file.
public final class ObjectWriter {
    private let store: ObjectStore
    private var memory: [UInt8] = []
    private var spill: (url: URL, handle: FileHandle)?
    private var failure: (any Error)?
    private var finished = false

    init(store: ObjectStore) {
        self.store = store
    }

    deinit {
        if !finished { abandon() }
    }

    public func write(_ chunk: UnsafeRawBufferPointer) {
        guard failure == nil, chunk.count > 0 else { return }
        do {
            if spill == nil, memory.count + chunk.count <= store.inlineLimit {
                memory.append(contentsOf: chunk)
                return
            }
            if spill == nil {
                spill = try store.temporaryFile()
                try spill!.handle.write(contentsOf: memory)
                memory = []
            }
            try spill!.handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: chunk.baseAddress!),
                                                    count: chunk.count, deallocator: .none))
        } catch {
            failure = error
        }
    }

    /// Finishes the object under `hash`: small ones come back to be stored
    /// inline; large ones are moved into place (an identical copy is kept).
    public func commit(as hash: String) throws -> StoredObject {
        finished = true
        if let failure {
            abandon()
            throw failure
        }
        guard let (temporary, handle) = spill else { return .inline(memory) }
        if store.largeObjectsInStore {
            finished = false
            return .spilled(temporary)
        }
        try handle.close()
        let target = store.url(for: hash)
        if FileManager.default.fileExists(atPath: target.path) {
            try? FileManager.default.removeItem(at: temporary)
            return .file
        }
        // Its folder (one of 256) is made when the rename finds it missing, not asked for every object.
        var renamed = rename(temporary.path, target.path) == 0
        if !renamed && errno == ENOENT {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            renamed = rename(temporary.path, target.path) == 0
        }
        if !renamed {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path, NSLocalizedDescriptionKey: reason])
        }
        return .file
    }

    public func abandon() {
        finished = true
        memory = []
        if let (temporary, handle) = spill {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            spill = nil
        }
    }
}
