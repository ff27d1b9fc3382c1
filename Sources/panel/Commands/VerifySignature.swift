import ArgumentParser
import Foundation
import PanelCore

struct VerifySignature: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-signature",
        abstract: "Check, before sending, that the secretariat will accept a signed review or response file.",
        discussion: """
            Sign a file with the key the roster lists for you: \(SignedFile.howToSign("review.yaml")) \
            (writes review.yaml.sig), then run 'panel verify-signature review.yaml'. Exit 0 when the \
            signature is good, the key is a roster member's, and the file is one the inbox reads (a \
            review signed by its own reviewer, or a response matrix, within panel.yaml's 'reviews:' \
            limits); 2 otherwise, with what the \
            inbox would say. What depends on the assessment (its stage, who may respond) is decided \
            when the file arrives.
            """)

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The signed file (its signature is FILE.sig beside it).") var file: String

    /// `--format json`: printed whether or not the file would be accepted.
    struct Report: Encodable {
        var file: String
        var accepted: Bool
        /// Who signed it, when the signature is good (the signer's id, name and key).
        var signer: String?
        var name: String?
        var fingerprint: String?
        /// Why the inbox would not accept it; empty when it would.
        var problems: [String]
    }

    func run() throws {
        let context = try CommandContext.load(workspace)
        let signed: SignedFile.Signer
        let data: Data
        do {
            if file.hasSuffix(".sig"), FileManager.default.fileExists(atPath: String(file.dropLast(4))) {
                throw CommandFailure.badInput("\(file): this is the signature; give the signed file: panel verify-signature \(file.dropLast(4))")
            }
            guard let read = FileManager.default.contents(atPath: file) else { throw CommandFailure.badInput("\(file): cannot read the file") }
            data = read
            guard let signature = try SignedFile.signatureText(for: file) else {
                throw CommandFailure.badInput("\(file): no signature beside it (\(file).sig); sign it with: \(SignedFile.howToSign(file))")
            }
            signed = try SignedFile.signer(of: [UInt8](data), signature: signature, members: try context.members)
                .mapError { CommandFailure.badInput("\(file).sig: \($0)") }.get()
        } catch {
            try refuse(Failure.report(error)?.messages ?? ["\(error)"], signer: nil)
            throw error
        }
        // Judged as the inbox judges it: a good signature on a file the inbox would reject is no comfort.
        let problems = ReviewIntake.problems([UInt8](data), path: file, signer: signed, limits: context.workspace.config.reviewLimits)
        guard problems.isEmpty else {
            try refuse(problems, signer: signed)
            // What the reasons quote from the file stays as the sender wrote it.
            for problem in problems { Console.error(problem, keeping: Console.kept(in: problem, about: file)) }
            Console.error("\(file): the signature by \(signed.member.id) is good, but the inbox would reject the file for the above")
            throw Exit.badInput
        }
        if output.format == .json {
            Console.out(try Console.json(Report(file: file, accepted: true, signer: signed.member.id, name: signed.member.name,
                                                fingerprint: signed.fingerprint, problems: [])),
                        keeping: try escaped)
        } else {
            // The path stays as given (the person running this holds the file); the rest passes
            // through the visibility policy.
            Console.out("\(file): good signature by \(signed.member.id) (\(signed.member.name)), key \(signed.fingerprint)", keeping: file)
        }
    }

    /// With `--format json`, the answer on standard output too: not accepted, and why (the same
    /// lines standard error gives).
    private func refuse(_ problems: [String], signer: SignedFile.Signer?) throws {
        guard output.format == .json else { return }
        let json = try Console.json(Report(file: file, accepted: false, signer: signer?.member.id, name: signer?.member.name,
                                           fingerprint: signer?.fingerprint, problems: problems))
        Console.out(Console.visible(json, keeping: [try escaped] + problems.flatMap(Console.Given.quotes(in:)) + Console.Given.paths),
                    redacting: false)
    }

    /// The path as it appears inside the JSON's strings (its own and the problems'), kept as given.
    private var escaped: String {
        get throws { String(try Console.json(file).dropFirst().dropLast()) }
    }
}
