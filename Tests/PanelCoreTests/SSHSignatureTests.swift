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

    /// A key verification would refuse (RSA under 2048 bits) is refused when it is put on the
    /// roster, naming its size; keys that sign are let through.
    @Test func anRSAKeyTooShortToSignIsRefusedOnTheRoster() throws {
        let folder = try directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let short = folder.appendingPathComponent("short").path
        try #require(try SSHKeygen.run(["-q", "-t", "rsa", "-b", "1024", "-N", "", "-C", "short", "-f", short]) == 0)
        let shortLine = try String(contentsOfFile: short + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(SigningKey.unusable(shortLine) == "an RSA key of 1024 bits: panel accepts RSA keys of 2048 bits or more (or ssh-ed25519 keys: ssh-keygen -t ed25519)")
        for type in ["ed25519", "ecdsa", "rsa"] {
            #expect(SigningKey.unusable(try SSHKeygen.key(type, in: folder, name: type).publicLine) == nil, "\(type)")
        }
        let roster = """
            members:
              - id: exp-01
                name: A Member
                nationality: KE
                group: African
                gender: female
                affiliation: Somewhere
                roles: [co-chair]
                signing-keys: ["\(shortLine)"]
            """
        do {
            _ = try RosterFile.parse(roster, file: "members.yaml")
            Issue.record("a 1024-bit RSA key was taken onto the roster")
        } catch {
            #expect(error.shown.contains { $0.hasPrefix("members.yaml:9:5: signing key 'ssh-rsa ") && $0.contains("is an RSA key of 1024 bits") }, "\(error.shown)")
        }
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
