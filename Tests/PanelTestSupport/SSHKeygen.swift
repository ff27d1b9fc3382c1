import Foundation

/// Keys and signatures made by the real `ssh-keygen` at test time.
public enum SSHKeygen {
    public static let path = ["/usr/bin/ssh-keygen", "/usr/local/bin/ssh-keygen", "/opt/homebrew/bin/ssh-keygen"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @discardableResult
    public static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try SSHKeygen.require(path))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A new key pair in `directory`; returns the private key's path and the public key line.
    public static func key(_ type: String, in directory: URL, name: String) throws -> (path: String, publicLine: String) {
        let path = directory.appendingPathComponent(name).path
        var arguments = ["-q", "-t", type, "-N", "", "-C", name, "-f", path]
        if type == "rsa" { arguments += ["-b", "3072"] }
        try SSHKeygen.check(try run(arguments) == 0, "ssh-keygen could not make a \(type) key")
        return (path, try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Signs `file` (writing `file.sig`).
    public static func sign(_ file: String, key: String, namespace: String = "panel-review") throws {
        try? FileManager.default.removeItem(atPath: file + ".sig")
        try SSHKeygen.check(try run(["-Y", "sign", "-f", key, "-n", namespace, file]) == 0, "ssh-keygen could not sign \(file)")
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func require(_ path: String?) throws -> String {
        guard let path else { throw Failure(description: "ssh-keygen is needed for these tests (apt-get install openssh-client)") }
        return path
    }

    static func check(_ condition: Bool, _ message: String) throws {
        if !condition { throw Failure(description: message) }
    }
}
