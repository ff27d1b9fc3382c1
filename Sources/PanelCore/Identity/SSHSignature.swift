import Crypto
import _CryptoExtras
import Foundation

/// An OpenSSH signature (`ssh-keygen -Y sign`, the SSHSIG format of
/// OpenSSH's PROTOCOL.sshsig), read and verified with swift-crypto.
/// Ed25519, ECDSA P-256 and RSA (rsa-sha2-256/512, 2048 bits or more).
public struct SSHSignature: Sendable, Equatable {
    /// The signer's public key blob (the wire form inside an OpenSSH key line).
    public var publicKey: [UInt8]
    public var namespace: String
    public var hashAlgorithm: String
    /// The signature blob: its format name and the signature bytes.
    public var signature: [UInt8]

    /// Reads an armored signature (`-----BEGIN SSH SIGNATURE-----` ...).
    public static func parse(armored text: String) throws(SSHSignatureError) -> SSHSignature {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN SSH SIGNATURE-----"),
              let end = lines.firstIndex(of: "-----END SSH SIGNATURE-----"), begin < end else {
            throw .malformed("not an SSH signature (no -----BEGIN SSH SIGNATURE----- block)")
        }
        guard let blob = Data(base64Encoded: lines[(begin + 1)..<end].joined()) else {
            throw .malformed("the signature block is not base64")
        }
        var reader = SSHWireReader([UInt8](blob))
        guard reader.take(6) == Array("SSHSIG".utf8) else { throw .malformed("the signature does not start with SSHSIG") }
        guard let version = reader.uint32(), version == 1 else { throw .malformed("unsupported SSHSIG version") }
        guard let key = reader.string(), let namespace = reader.string(), reader.string() != nil,
              let hash = reader.string(), let signature = reader.string(), reader.isAtEnd else {
            throw .malformed("the signature is truncated or has extra bytes")
        }
        return SSHSignature(publicKey: key, namespace: String(decoding: namespace, as: UTF8.self),
                            hashAlgorithm: String(decoding: hash, as: UTF8.self), signature: signature)
    }

    /// `SHA256:...` as `ssh-keygen -l` prints it.
    public var fingerprint: String { Self.fingerprint(ofKeyBlob: publicKey) }

    public static func fingerprint(ofKeyBlob blob: [UInt8]) -> String {
        "SHA256:" + Data(SHA256.hash(data: blob)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// The key blob of an OpenSSH public key line, or nil when it is not one.
    public static func keyBlob(ofLine line: String) -> [UInt8]? {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2, let data = Data(base64Encoded: String(parts[1])) else { return nil }
        return [UInt8](data)
    }

    /// Checks the namespace and the signature over `message`; throws why not.
    public func verify(_ message: [UInt8], namespace expected: String) throws(SSHSignatureError) {
        guard namespace == expected else { throw .wrongNamespace(found: namespace, expected: expected) }
        let digest: [UInt8]
        switch hashAlgorithm {
        case "sha512": digest = Array(SHA512.hash(data: message))
        case "sha256": digest = Array(SHA256.hash(data: message))
        default: throw .unsupported("hash algorithm '\(hashAlgorithm)'")
        }
        var signed = Array("SSHSIG".utf8)
        for field in [Array(namespace.utf8), [], Array(hashAlgorithm.utf8), digest] { SSHWire.appendString(field, to: &signed) }

        var keyReader = SSHWireReader(publicKey)
        var signatureReader = SSHWireReader(signature)
        guard let keyType = keyReader.string().map({ String(decoding: $0, as: UTF8.self) }),
              let signatureType = signatureReader.string().map({ String(decoding: $0, as: UTF8.self) }),
              let signatureBytes = signatureReader.string() else {
            throw .malformed("the key or signature blob is truncated")
        }
        let valid: Bool
        switch keyType {
        case "ssh-ed25519":
            guard signatureType == "ssh-ed25519", let raw = keyReader.string(),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { throw .malformed("a bad Ed25519 key") }
            valid = key.isValidSignature(signatureBytes, for: signed)
        case "ecdsa-sha2-nistp256":
            guard signatureType == "ecdsa-sha2-nistp256", keyReader.string() != nil, let point = keyReader.string(),
                  let key = try? P256.Signing.PublicKey(x963Representation: point) else { throw .malformed("a bad ECDSA P-256 key") }
            var numbers = SSHWireReader(signatureBytes)
            guard let r = numbers.string(), let s = numbers.string(),
                  let raw = Self.fixedWidth(r, 32).flatMap({ r in Self.fixedWidth(s, 32).map { r + $0 } }),
                  let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: raw) else {
                throw .malformed("a bad ECDSA signature")
            }
            valid = key.isValidSignature(ecdsa, for: signed)
        case "ssh-rsa":
            guard let e = keyReader.string(), let n = keyReader.string() else { throw .malformed("a bad RSA key") }
            let key: _RSA.Signing.PublicKey
            do {
                key = try _RSA.Signing.PublicKey(n: n, e: e)
            } catch {
                throw .unsupported("RSA keys shorter than 2048 bits")
            }
            let rsa = _RSA.Signing.RSASignature(rawRepresentation: signatureBytes)
            switch signatureType {
            case "rsa-sha2-512": valid = key.isValidSignature(rsa, for: SHA512.hash(data: signed), padding: .insecurePKCS1v1_5)
            case "rsa-sha2-256": valid = key.isValidSignature(rsa, for: SHA256.hash(data: signed), padding: .insecurePKCS1v1_5)
            default: throw .unsupported("RSA signature type '\(signatureType)' (SHA-1 signatures are refused)")
            }
        default:
            throw .unsupported("key type '\(keyType)'")
        }
        guard valid else { throw .invalid }
    }

    /// An SSH mpint as exactly `width` bytes (a leading zero dropped, short ones padded).
    static func fixedWidth(_ bytes: [UInt8], _ width: Int) -> [UInt8]? {
        let trimmed = Array(bytes.drop { $0 == 0 })
        guard trimmed.count <= width else { return nil }
        return Array(repeating: 0, count: width - trimmed.count) + trimmed
    }
}

/// Why a signature is not accepted.
public enum SSHSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupported(String)
    case wrongNamespace(found: String, expected: String)
    /// The signature does not match the file's bytes (the file changed after signing, or another key).
    case invalid

    public var description: String {
        switch self {
        case .malformed(let what): "the signature cannot be read: \(what)"
        case .unsupported(let what): "the signature uses \(what), which panel does not accept"
        case .wrongNamespace(let found, let expected):
            "the signature is for namespace '\(found)', not '\(expected)' (sign with: ssh-keygen -Y sign -f KEY -n \(expected) FILE)"
        case .invalid: "the signature does not match the file: it was changed after signing, or signed by another key"
        }
    }
}

/// The SSH wire format's strings and integers.
enum SSHWire {
    static func appendString(_ bytes: [UInt8], to output: inout [UInt8]) {
        let count = UInt32(bytes.count)
        output += [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
        output += bytes
    }
}

struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func uint32() -> UInt32? {
        guard let four = take(4) else { return nil }
        return four.reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func string() -> [UInt8]? {
        guard let count = uint32(), count <= 16 << 20 else { return nil }
        return take(Int(count))
    }
}
