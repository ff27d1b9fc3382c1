import Foundation
import Testing
@testable import PanelCore

/// A folder on disk for one test, removed afterwards.
final class ScratchFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("panel-drop-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }  // cleanup only

    @discardableResult
    func file(_ name: String, _ text: String = "<a/>", age: TimeInterval = 3_600) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: file.path)
        return file
    }

    func pipe(_ name: String) throws {
        let path = url.appendingPathComponent(name).path
        guard mkfifo(path, 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func link(_ name: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: url.appendingPathComponent(name).path, withDestinationPath: destination)
    }

    func folder(_ name: String) throws {
        try FileManager.default.createDirectory(at: url.appendingPathComponent(name), withIntermediateDirectories: true)
    }
}

@Suite("Drop folders and folder walks: what is read, what is not, and why")
struct DropFolderTests {
    @Test func eachKindOfEntryIsTakenSetAsideOrLeftWithItsReason() throws {
        let scratch = try ScratchFolder()
        let outside = try ScratchFolder()
        try scratch.file("a.xml")
        try scratch.file("b.xml", age: 2)                 // still being written, perhaps
        try scratch.file("c.xml.part")                    // a copy tool's name for it
        try scratch.file("download.crdownload")
        try scratch.file(".hidden.xml")                   // the write-then-rename convention
        try scratch.folder(".stfolder")                   // a sync tool's own folder: passed over
        try scratch.pipe("pipe.xml")
        try scratch.link("passwd.xml", to: try outside.file("secret.txt", "root:x:0:0").path)
        try scratch.link("gone.xml", to: "/nonexistent/gone.xml")
        try scratch.folder("sub")
        try scratch.folder("references")
        try scratch.folder("processed")
        try scratch.folder("rejected")
        let entries = try DropFolder.scan(scratch.url, settle: 10, skipFolders: ["references"])
        let root = scratch.url.path
        #expect(entries == [
            .leave(name: ".hidden.xml", reason: "\(root)/.hidden.xml: left in place: hidden (the name starts with a dot), a file still being written or not meant to be read; rename it without the dot to have it read"),
            .take(name: "a.xml", url: scratch.url.appendingPathComponent("a.xml")),
            .leave(name: "b.xml", reason: "\(root)/b.xml: left for the next run: modified 2 s ago, less than 10 s (it may still be being written)"),
            .leave(name: "c.xml.part", reason: "\(root)/c.xml.part: left in place: a name ending in '.part' is a file still being written; rename it when it is complete"),
            .leave(name: "download.crdownload", reason: "\(root)/download.crdownload: left in place: a name ending in '.crdownload' is a file still being written; rename it when it is complete"),
            .setAside(name: "gone.xml", url: scratch.url.appendingPathComponent("gone.xml"),
                      reason: "\(root)/gone.xml: a symbolic link (to /nonexistent/gone.xml), not followed: put the file itself in the folder"),
            .setAside(name: "passwd.xml", url: scratch.url.appendingPathComponent("passwd.xml"),
                      reason: "\(root)/passwd.xml: a symbolic link (to \(outside.url.path)/secret.txt), not followed: put the file itself in the folder"),
            .setAside(name: "pipe.xml", url: scratch.url.appendingPathComponent("pipe.xml"), reason: "\(root)/pipe.xml: a named pipe, not a regular file; not read"),
            .leave(name: "sub", reason: "\(root)/sub/: a folder, not read (only files at the top level of \(root) are taken)"),
        ])
        // With no settling time, the fresh file is taken; names still being written are not.
        let eager = try DropFolder.scan(scratch.url, settle: 0, skipFolders: ["references"])
        #expect(eager.contains(.take(name: "b.xml", url: scratch.url.appendingPathComponent("b.xml"))))
        #expect(!eager.contains { if case .take(let name, _) = $0 { name.hasSuffix(".part") } else { false } })
    }

    @Test func aClashingNameKeepsItsExtensionLast() throws {
        let scratch = try ScratchFolder()
        #expect(DropFolder.freeName("bom.xml", in: scratch.url) == "bom.xml")
        try scratch.file("bom.xml")
        #expect(DropFolder.freeName("bom.xml", in: scratch.url) == "bom.1.xml")
        try scratch.file("bom.1.xml")
        #expect(DropFolder.freeName("bom.xml", in: scratch.url) == "bom.2.xml")
        try scratch.file("README")
        #expect(DropFolder.freeName("README", in: scratch.url) == "README.1")
        try scratch.file(".env")
        #expect(DropFolder.freeName(".env", in: scratch.url) == ".env.1")
    }

    /// A name is free only with the files written beside it: a rejected file's reason never lands
    /// on a file that was dropped as `NAME.reason.txt` and set aside there before (with its own
    /// reason). A reason alone is a stopped run's, for the same file, and is written again.
    @Test func aNameIsFreeOnlyWithItsCompanions() throws {
        let scratch = try ScratchFolder()
        try scratch.file("bad.xml.reason.txt", "a reason left by a run stopped before its move")
        #expect(DropFolder.freeName("bad.xml", in: scratch.url, companions: [".reason.txt"]) == "bad.xml")
        try scratch.file("bad.xml.reason.txt.reason.txt", "not an XML document")
        #expect(DropFolder.freeName("bad.xml", in: scratch.url) == "bad.xml")
        #expect(DropFolder.freeName("bad.xml", in: scratch.url, companions: [".reason.txt"]) == "bad.1.xml")
        try scratch.file("review.1.docx.sig")
        try scratch.file("review.1.docx.sig.reason.txt")
        #expect(DropFolder.freeName("review.docx", in: scratch.url, companions: [".reason.txt", ".sig"]) == "review.docx")
        try scratch.file("review.docx.sig")
        #expect(DropFolder.freeName("review.docx", in: scratch.url, companions: [".reason.txt", ".sig"]) == "review.docx")
        // A signature about to be moved beside the file must not land on one a stopped run left.
        #expect(DropFolder.freeName("review.docx", in: scratch.url, companions: [".reason.txt", ".sig"], strict: [".sig"]) == "review.2.docx")
        try scratch.file("review.docx.sig.reason.txt")
        #expect(DropFolder.freeName("review.docx", in: scratch.url, companions: [".reason.txt", ".sig"]) == "review.2.docx")
    }

    /// A name whose reason (or numbered twin) would be over the file system's 255 bytes is
    /// shortened before its number and extension, by whole characters, so the file can be set aside.
    @Test func aLongNameIsShortenedToFitWithItsCompanions() throws {
        let scratch = try ScratchFolder()
        let long = String(repeating: "é", count: 121) + ".xml"  // 246 bytes: with .reason.txt, 257
        let reasoned = DropFolder.freeName(long, in: scratch.url, companions: [".reason.txt"])
        #expect(reasoned.utf8.count + ".reason.txt".utf8.count <= 255 && reasoned.hasSuffix("é.xml"))
        #expect(reasoned == String(repeating: "é", count: 120) + ".xml")
        try scratch.file(reasoned)
        try scratch.file(reasoned + ".reason.txt")
        let second = DropFolder.freeName(long, in: scratch.url, companions: [".reason.txt"])
        #expect(second.hasSuffix(".1.xml") && second.utf8.count + 11 <= 255 && second != reasoned)
        // Without companions the name fits as it is; its numbered twin is shortened.
        let fits = String(repeating: "e", count: 251) + ".xml"
        #expect(DropFolder.freeName(fits, in: scratch.url) == fits)
        try scratch.file(fits)
        #expect(DropFolder.freeName(fits, in: scratch.url) == String(repeating: "e", count: 249) + ".1.xml")
    }

    /// The lock file a run holds in the folder is not a dropped file: not taken, not listed.
    @Test func theLockFileIsNotADroppedFile() throws {
        let scratch = try ScratchFolder()
        try scratch.file(DropFolder.lockName, "")
        try scratch.file("a.xml")
        #expect(try DropFolder.scan(scratch.url, settle: 0) == [.take(name: "a.xml", url: scratch.url.appendingPathComponent("a.xml"))])
    }

    @Test func aDropFoldersOwnFoldersMustBeFolders() throws {
        let scratch = try ScratchFolder()
        try scratch.file("processed", "not a folder")
        #expect(throws: DropFolderError(path: scratch.url.appendingPathComponent("processed").path,
                                        problem: "exists and is not a folder; the drop folder keeps its processed files there")) {
            try DropFolder.prepare(scratch.url)
        }
        let missing = scratch.url.appendingPathComponent("nowhere")
        #expect(throws: DropFolderError(path: missing.path, problem: "no such folder", missing: true)) { try DropFolder.prepare(missing) }
    }

    /// A folder walk reads XML by name and says what it passed over; a path given that cannot be
    /// read as a file is a rejection. Nothing blocks on a pipe.
    @Test(.timeLimit(.minutes(1))) func aFolderWalkListsWhatItPassesOver() throws {
        let scratch = try ScratchFolder()
        try scratch.file("one.xml")
        try scratch.file("nested/two.nxml")
        try scratch.file("export.txt")
        try scratch.file(".DS_Store")
        try scratch.pipe("pipe.xml")
        try scratch.link("gone.xml", to: "/nonexistent/gone.xml")
        try scratch.link("elsewhere", to: FileManager.default.temporaryDirectory.path)
        try scratch.link("alias.xml", to: scratch.url.appendingPathComponent("one.xml").path)
        // A set-aside file's reason is passed over (a reason alone is listed) ...
        try scratch.file("nested/bad.xml")
        try scratch.file("nested/bad.xml.reason.txt")
        try scratch.file("nested/stray.xml.reason.txt")
        // ... and a drop folder (its lock there) is read without its processed/ and rejected/.
        try scratch.file("drop/\(DropFolder.lockName)")
        try scratch.file("drop/new.xml")
        try scratch.file("drop/rejected/bad.xml")
        try scratch.file("drop/processed/done.xml")
        let root = scratch.url.path
        let (files, missing, skipped) = ReferenceIngester.expand([root, "\(root)/pipe.xml", "\(root)/gone.xml", "\(root)/absent.xml"])
        #expect(files.map(\.path) == ["\(root)/alias.xml", "\(root)/drop/new.xml", "\(root)/nested/bad.xml", "\(root)/nested/two.nxml", "\(root)/one.xml"])
        #expect(files.map(\.size) == [4, 4, 4, 4, 4])
        #expect(skipped.map(\.reason) == [
            "\(root)/.DS_Store: hidden (the name starts with a dot)",
            "\(root)/drop/processed/: a drop folder's own folder (its files were taken by a run already); name it to read it",
            "\(root)/drop/rejected/: a drop folder's own folder (its files were taken by a run already); name it to read it",
            "\(root)/elsewhere: a symbolic link to a folder, not followed",
            "\(root)/export.txt: not an XML file name (.akn .atom .jats .nxml .rdf .rss .xml); name it on the command line to read it",
            "\(root)/gone.xml: a symbolic link to /nonexistent/gone.xml, which does not exist",
            "\(root)/nested/stray.xml.reason.txt: not an XML file name (.akn .atom .jats .nxml .rdf .rss .xml); name it on the command line to read it",
            "\(root)/pipe.xml: a named pipe, not a regular file; not read",
        ])
        #expect(missing.map(\.message) == [
            "\(root)/pipe.xml: a named pipe, not a regular file; not read",
            "\(root)/gone.xml: a symbolic link to /nonexistent/gone.xml, which does not exist",
            "\(root)/absent.xml: no such file or directory",
        ])
    }
}
