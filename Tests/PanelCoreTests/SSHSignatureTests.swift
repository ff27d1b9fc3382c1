import Foundation
import Testing
@testable import PanelCore

/// Keys and signatures made by the real `ssh-keygen` at test time.
enum SSHKeygen {
    static let path = ["/usr/bin/ssh-keygen", "/usr/local/bin/ssh-keygen", "/opt/homebrew/bin/ssh-keygen"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @discardableResult
    static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(path, "ssh-keygen is needed (apt-get install openssh-client)"))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A new key pair in `directory`; returns the private key's path and the public key line.
    static func key(_ type: String, in directory: URL, name: String) throws -> (path: String, publicLine: String) {
        let path = directory.appendingPathComponent(name).path
        var arguments = ["-q", "-t", type, "-N", "", "-C", name, "-f", path]
        if type == "rsa" { arguments += ["-b", "3072"] }
        try #require(try run(arguments) == 0)
        return (path, try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Signs `file` (writing `file.sig`).
    static func sign(_ file: String, key: String, namespace: String = "panel-review") throws {
        try? FileManager.default.removeItem(atPath: file + ".sig")
        try #require(try run(["-Y", "sign", "-f", key, "-n", namespace, file]) == 0)
    }
}

@Suite("SSH signatures")
struct SSHSignatureTests {
    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("panel-ssh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: ["ed25519", "ecdsa", "rsa"])
    func aSignatureMadeBySSHKeygenVerifies(type: String) throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try SSHKeygen.key(type, in: folder, name: "expert")
        let file = folder.appendingPathComponent("review.yaml")
        try Data("assessment: A-2026-002\nrecommendation: accept\n".utf8).write(to: file)
        try SSHKeygen.sign(file.path, key: key.path)
        let signature = try SSHSignature.parse(armored: try String(contentsOfFile: file.path + ".sig", encoding: .utf8))
        try signature.verify([UInt8](try Data(contentsOf: file)), namespace: "panel-review")
        #expect(signature.publicKey == SSHSignature.keyBlob(ofLine: key.publicLine))
        #expect(signature.fingerprint.hasPrefix("SHA256:"))
    }

    @Test func aTamperedFileDoesNotVerify() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try SSHKeygen.key("ed25519", in: folder, name: "expert")
        let file = folder.appendingPathComponent("review.yaml")
        try Data("recommendation: accept\n".utf8).write(to: file)
        try SSHKeygen.sign(file.path, key: key.path)
        let signature = try SSHSignature.parse(armored: try String(contentsOfFile: file.path + ".sig", encoding: .utf8))
        #expect(throws: SSHSignatureError.invalid) {
            try signature.verify(Array("recommendation: reject\n".utf8), namespace: "panel-review")
        }
    }

    @Test func theNamespaceMustBePanelReview() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = try SSHKeygen.key("ed25519", in: folder, name: "expert")
        let file = folder.appendingPathComponent("review.yaml")
        try Data("recommendation: accept\n".utf8).write(to: file)
        try SSHKeygen.sign(file.path, key: key.path, namespace: "git")
        let signature = try SSHSignature.parse(armored: try String(contentsOfFile: file.path + ".sig", encoding: .utf8))
        #expect(throws: SSHSignatureError.wrongNamespace(found: "git", expected: "panel-review")) {
            try signature.verify([UInt8](try Data(contentsOf: file)), namespace: "panel-review")
        }
    }

    @Test func garbageIsMalformed() {
        #expect(throws: SSHSignatureError.malformed("not an SSH signature (no -----BEGIN SSH SIGNATURE----- block)")) {
            try SSHSignature.parse(armored: "hello")
        }
    }
}
