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

    struct Report: Encodable {
        var file: String
        var signer: String
        var name: String
        var fingerprint: String
    }

    func run() throws {
        let context = try CommandContext.load(workspace)
        if file.hasSuffix(".sig"), FileManager.default.fileExists(atPath: String(file.dropLast(4))) {
            throw CommandFailure.badInput("\(file): this is the signature; give the signed file: panel verify-signature \(file.dropLast(4))")
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure.badInput("\(file): cannot read the file") }
        guard let signature = try SignedFile.signatureText(for: file) else {
            throw CommandFailure.badInput("\(file): no signature beside it (\(file).sig); sign it with: \(SignedFile.howToSign(file))")
        }
        switch SignedFile.signer(of: [UInt8](data), signature: signature, members: try context.members) {
        case .failure(let error):
            throw CommandFailure.badInput("\(file).sig: \(error)")
        case .success(let signer):
            // Judged as the inbox judges it: a good signature on a file the inbox would reject is no comfort.
            let problems = ReviewIntake.problems([UInt8](data), path: file, signer: signer, limits: context.workspace.config.reviewLimits)
            guard problems.isEmpty else {
                throw CommandFailure(messages: problems + ["\(file): the signature by \(signer.member.id) is good, but the inbox would reject the file for the above"],
                                     code: Exit.badInput)
            }
            if output.format == .json {
                Console.out(try Console.json(Report(file: file, signer: signer.member.id, name: signer.member.name, fingerprint: signer.fingerprint)),
                            keeping: try Console.json(file))
            } else {
                // The path stays as given (the person running this holds the file); the rest passes
                // through the visibility policy.
                Console.out("\(file): good signature by \(signer.member.id) (\(signer.member.name)), key \(signer.fingerprint)", keeping: file)
            }
        }
    }
}
