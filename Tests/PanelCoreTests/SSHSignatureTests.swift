import Foundation
import PanelTestSupport
import Testing
@testable import PanelCore

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
