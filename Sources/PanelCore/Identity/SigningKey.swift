import Foundation

/// An OpenSSH public key line (`ssh-ed25519 AAAA... comment`), as rosters carry them.
public enum SigningKey {
    public static let algorithms = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"]

    /// A key line's algorithm and base64 blob look right (the blob is checked when a signature is verified).
    public static func looksLikeOpenSSH(_ line: String) -> Bool {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2, algorithms.contains(String(parts[0])) else { return false }
        return Data(base64Encoded: String(parts[1])) != nil
    }
}
