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

    /// The bits of an RSA key line's modulus; nil for any other key, or one that cannot be read.
    static func rsaBits(_ line: String) -> Int? {
        guard let blob = SSHSignature.keyBlob(ofLine: line) else { return nil }
        var reader = SSHWireReader(blob)
        guard let type = reader.string(), String(decoding: type, as: UTF8.self) == "ssh-rsa",
              reader.string() != nil, let modulus = reader.string() else { return nil }
        let digits = modulus.drop { $0 == 0 }
        guard let first = digits.first else { return 0 }
        return (digits.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    /// Why a key line that looks right cannot sign for panel (an RSA key under 2048 bits, which
    /// verification refuses), said when it is put on the roster rather than at the first review.
    public static func unusable(_ line: String) -> String? {
        guard let bits = rsaBits(line), bits < 2048 else { return nil }
        return "an RSA key of \(bits) bits: panel accepts RSA keys of 2048 bits or more (or ssh-ed25519 keys: ssh-keygen -t ed25519)"
    }
}
