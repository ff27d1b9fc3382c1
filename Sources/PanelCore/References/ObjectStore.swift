import Foundation

/// Original bytes, kept by content: `objects/sha256/ab/abcdef...`. Writes go
/// to a temporary file first and are renamed into place, so an object either
/// exists whole or not at all.
public struct ObjectStore: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    public func url(for hash: String) -> URL {
        root.appendingPathComponent("sha256").appendingPathComponent(String(hash.prefix(2)))
            .appendingPathComponent(hash)
    }

    public func contains(_ hash: String) -> Bool {
        FileManager.default.fileExists(atPath: url(for: hash).path)
    }

    public func beginWrite() throws -> ObjectWriter {
        let temporary = root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        return try ObjectWriter(store: self, temporary: temporary.appendingPathComponent(UUID().uuidString))
    }

    /// Stores `bytes` and returns their hash.
    public func put(_ bytes: [UInt8], hash: String) throws {
        let writer = try beginWrite()
        bytes.withUnsafeBytes { writer.write($0) }
        try writer.commit(as: hash)
    }

    public func read(_ hash: String) throws -> Data {
        try Data(contentsOf: url(for: hash))
    }
}

/// One object being written.
public final class ObjectWriter {
    private let store: ObjectStore
    private let temporary: URL
    private let handle: FileHandle
    private var failure: (any Error)?
    private var finished = false

    init(store: ObjectStore, temporary: URL) throws {
        self.store = store
        self.temporary = temporary
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        handle = try FileHandle(forWritingTo: temporary)
    }

    deinit {
        if !finished { abandon() }
    }

    public func write(_ chunk: UnsafeRawBufferPointer) {
        guard failure == nil, chunk.count > 0 else { return }
        do {
            try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: chunk.baseAddress!),
                                              count: chunk.count, deallocator: .none))
        } catch {
            failure = error
        }
    }

    /// Moves the bytes into place under `hash` (keeping an identical existing copy).
    public func commit(as hash: String) throws {
        finished = true
        try handle.close()
        if let failure {
            try? FileManager.default.removeItem(at: temporary)
            throw failure
        }
        let target = store.url(for: hash)
        if FileManager.default.fileExists(atPath: target.path) {
            try? FileManager.default.removeItem(at: temporary)
            return
        }
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path, NSLocalizedDescriptionKey: reason])
        }
    }

    public func abandon() {
        finished = true
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}
