import Foundation

/// Review, response and government-comment files signed with OpenSSH
/// (`ssh-keygen -Y sign -n panel-review FILE` writes `FILE.sig`): a file is
/// its signer's, and the signer is whoever holds a key on the roster.
public enum SignedFile {
    public static let namespace = "panel-review"

    public struct Signer: Sendable, Equatable {
        public var member: Member
        /// `SHA256:...` of the key that signed.
        public var fingerprint: String
    }

    /// Verifies the armored signature over `bytes` and names the roster member whose key made it.
    public static func signer(of bytes: [UInt8], signature text: String, members: [Member]) -> Result<Signer, SignedFileError> {
        let signature: SSHSignature
        do {
            signature = try SSHSignature.parse(armored: text)
            try signature.verify(bytes, namespace: namespace)
        } catch {
            return .failure(.signature(error))
        }
        for member in members where member.signingKeys.contains(where: { SSHSignature.keyBlob(ofLine: $0) == signature.publicKey }) {
            return .success(Signer(member: member, fingerprint: signature.fingerprint))
        }
        return .failure(.unknownKey(fingerprint: signature.fingerprint))
    }

    /// The signature beside a file (`FILE.sig`), if there is one.
    public static func signatureText(for path: String) throws -> String? {
        let sig = path + ".sig"
        guard FileManager.default.fileExists(atPath: sig) else { return nil }
        // Checked before it is read: whoever can write to an inbox cannot make a run read gigabytes.
        var info = stat()
        if stat(sig, &info) == 0, Int(info.st_size) > signatureLimit {
            throw SignedFileError.tooLarge(path: sig, bytes: Int(info.st_size))
        }
        guard let data = FileManager.default.contents(atPath: sig) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: sig])
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The largest signature file read (an OpenSSH signature is a few kilobytes, even with a
    /// 16,384-bit RSA key).
    public static let signatureLimit = 64 << 10

    /// How to sign, for messages.
    public static func howToSign(_ file: String) -> String {
        "ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n \(namespace) \(file)"
    }
}

public enum SignedFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case signature(SSHSignatureError)
    /// A valid signature by a key nobody on the roster holds.
    case unknownKey(fingerprint: String)
    /// A signature file too large to be one (not read).
    case tooLarge(path: String, bytes: Int)

    public var description: String {
        switch self {
        case .signature(let error): error.description
        case .unknownKey(let fingerprint): "signed with key \(fingerprint), which is no one's on the roster (signing-keys)"
        case .tooLarge(let path, let bytes): "\(path): \(bytes) bytes, too large for an SSH signature (at most \(SignedFile.signatureLimit) bytes); not read"
        }
    }
}
