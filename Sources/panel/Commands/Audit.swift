import ArgumentParser
import Foundation
import PanelCore

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the integrity of the record.",
        subcommands: [Verify.self, CheckpointCommand.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Prove the event log's hash chain, and that every query table equals the fold of the log.",
            discussion: """
                Exits 4 and names the first bad event when a row was altered, removed or reordered, and \
                names each table and key whose contents differ from what the log makes them (a member \
                edited in the member table alone, a vote flipped in the vote table).
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .customLong("head"), help: ArgumentHelp(
            "A head recorded earlier, as a digest prints it: SEQUENCE:HASH (repeat).", valueName: "SEQ:HASH"))
        var heads: [String] = []

        @Option(name: .customLong("checkpoint"), help: ArgumentHelp(
            "A signed checkpoint written by 'panel audit checkpoint' (its FILE.sig beside it) (repeat).", valueName: "FILE"))
        var checkpoints: [String] = []

        @Option(help: ArgumentHelp("The public key (an OpenSSH .pub file) that must have signed the checkpoints.", valueName: "KEY.pub"))
        var signer: String?

        func validate() throws {
            for head in heads where Anchor.parse(head, source: "") == nil {
                throw ValidationError("--head must be SEQUENCE:HASH (a number and 64 hex digits, as a digest prints it), not '\(head)'")
            }
        }

        /// The anchors to check: each --head, and each checkpoint whose signature holds.
        func anchors() throws -> [Anchor] {
            var anchors = heads.compactMap { Anchor.parse($0, source: "--head \($0.prefix(12))…") }
            for path in checkpoints {
                guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure.badInput("\(path): cannot read the file") }
                guard let checkpoint = Checkpoint.parse(String(decoding: data, as: UTF8.self)) else {
                    throw CommandFailure.badInput("\(path): not a panel checkpoint")
                }
                guard let signature = try SignedFile.signatureText(for: path) else {
                    throw CommandFailure.badInput("\(path): no signature beside it (\(path).sig)")
                }
                let parsed: SSHSignature
                do {
                    parsed = try SSHSignature.parse(armored: signature)
                    try parsed.verify([UInt8](data), namespace: Checkpoint.namespace)
                } catch {
                    Console.out("FAILED: \(path).sig: \(error)")
                    throw Exit.tampered
                }
                if let signer {
                    guard let line = FileManager.default.contents(atPath: signer).map({ String(decoding: $0, as: UTF8.self) }),
                          let blob = SSHSignature.keyBlob(ofLine: line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                        throw CommandFailure.badInput("\(signer): not an OpenSSH public key file")
                    }
                    guard blob == parsed.publicKey else {
                        Console.out("FAILED: \(path).sig: signed with \(parsed.fingerprint), not with the key in \(signer) (\(SSHSignature.fingerprint(ofKeyBlob: blob)))")
                        throw Exit.tampered
                    }
                }
                Console.error("checkpoint \(path): event \(checkpoint.head.sequence) at \(checkpoint.time), signed with \(parsed.fingerprint)")
                anchors.append(Anchor(head: checkpoint.head, source: "checkpoint \(path)"))
            }
            return anchors
        }

        struct Report: Encodable {
            var ok: Bool
            var events: Int64
            var head: String
            var firstBad: Int64?
            var reason: String?
            var tables: [TableDifference]
        }

        struct TableDifference: Encodable {
            var table: String
            var key: String
            var detail: String
        }

        func run() throws {
            let context = try CommandContext.load(workspace)
            let anchors = try self.anchors()
            var verifier = try context.store.verifyChain()
            // Anchors kept outside the store catch a consistent rewrite of the whole chain.
            if verifier.firstBreak == nil, let broken = try Anchor.check(anchors, event: { sequence in
                try context.store.events(after: sequence - 1, limit: 1).first.flatMap { $0.sequence == sequence ? $0 : nil }
            }) {
                verifier.fail(broken)
            }
            // The tables are compared only with a log that is itself intact.
            let differences = verifier.firstBreak == nil ? try context.store.verifyState() : []
            // The head seals everything in the log, what the policy withholds from a reader too; so
            // does any hash, or part of one, a failure names (a wrong --head: "now 11feb69a…").
            let restricted = try !context.redactor().isEmpty
            let head = restricted ? Log.withheld : verifier.headHash
            let hexadecimal = try Regex("[0-9a-f]{12,}…?")
            func shown(_ text: String) -> String { restricted ? text.replacing(hexadecimal, with: "(withheld)") : text }
            let report = Report(
                ok: verifier.firstBreak == nil && differences.isEmpty, events: verifier.checked, head: head,
                firstBad: verifier.firstBreak?.sequence, reason: verifier.firstBreak.map { shown($0.reason) },
                tables: differences.map { TableDifference(table: $0.table, key: shown($0.key), detail: shown($0.detail)) })
            if output.format == .json {
                Console.out(try Console.json(report))
            } else if let broken = verifier.firstBreak {
                Console.out(shown("FAILED: \(broken)"))
            } else if !differences.isEmpty {
                Console.out("FAILED: the query tables disagree with the log (\(verifier.checked) events, chain intact):")
                for difference in differences { Console.out(shown("  \(difference)")) }
            } else {
                Console.out("OK: \(verifier.checked) events, chain head \(head); every query table equals the fold of the log")
            }
            if let broken = verifier.firstBreak {
                if output.format == .json { Console.error(shown("tampering detected at \(broken)")) }
                throw Exit.tampered
            }
            if !differences.isEmpty {
                if output.format == .json { Console.error(shown("the query tables disagree with the log: \(differences[0])")) }
                throw Exit.tampered
            }
        }
    }

    struct CheckpointCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Write a signed checkpoint of the log's head, to keep outside the workspace (the secretariat).",
            discussion: """
                Signs with ssh-keygen (namespace panel-checkpoint), writing FILE and FILE.sig. Keep them \
                where whoever can write the store cannot; later, 'panel audit verify --checkpoint FILE' \
                proves the log still holds exactly that head.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("The private key to sign with (e.g. ~/.ssh/id_ed25519).", valueName: "KEY")) var key: String
        @Option(help: ArgumentHelp("Where to write the checkpoint (default: checkpoint-SEQUENCE.txt here).", valueName: "FILE"))
        var out: String?

        func run() throws {
            let context = try CommandContext.load(workspace)
            let identity = context.identity
            if identity.policy == .osUser && !identity.isSecretariat {
                throw Refusal("only the secretariat's logins write checkpoints; you are OS user '\(identity.login ?? "?")'")
            }
            // A checkpoint carries the head, which seals every name in the log.
            if try !context.redactor().isEmpty {
                throw Refusal("\(identity.actor) may not see every reviewer's name, and a checkpoint seals them all; chairs and the secretariat write checkpoints")
            }
            let verifier = try context.store.verifyChain()
            if let broken = verifier.firstBreak {
                Console.out("FAILED: \(broken)")
                Console.error("the log is not intact, so no checkpoint was written")
                throw Exit.tampered
            }
            guard let head = try context.store.recordedHead() else { throw CommandFailure.badInput("the log is empty: nothing to checkpoint") }
            let checkpoint = Checkpoint(workspace: context.workspace.config.name, head: head, time: Timestamp.format(context.clock.now()))
            let path = out ?? "checkpoint-\(head.sequence).txt"
            try Data(checkpoint.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            try? FileManager.default.removeItem(atPath: path + ".sig")  // ssh-keygen will not overwrite a stale one
            let process = Process()
            guard let keygen = ["/usr/bin/ssh-keygen", "/usr/local/bin/ssh-keygen", "/opt/homebrew/bin/ssh-keygen"]
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                try? FileManager.default.removeItem(atPath: path)  // no half-made checkpoint is left behind
                throw CommandFailure.failure("ssh-keygen is needed to sign the checkpoint (install OpenSSH)")
            }
            process.executableURL = URL(fileURLWithPath: keygen)
            process.arguments = ["-Y", "sign", "-f", key, "-n", Checkpoint.namespace, path]
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                try? FileManager.default.removeItem(atPath: path)  // no unsigned checkpoint is left behind
                throw CommandFailure.failure("\(key): ssh-keygen could not sign: \(message.split(whereSeparator: \.isNewline).last ?? "")")
            }
            Console.out("checkpoint of event \(head.sequence) (\(head.hash)) written to \(path) and \(path).sig")
        }
    }
}
