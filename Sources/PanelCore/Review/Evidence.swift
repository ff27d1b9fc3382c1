import Foundation

/// A submission to a call for evidence, as its file says it: YAML with the assessment,
/// who submits, a title, the text, and optionally the references it rests on.
public struct EvidenceFile: Sendable, Equatable {
    public var assessment: String
    public var submitter: String
    public var title: String
    public var text: String
    public var references: [String]

    /// Longest text one submission may carry.
    public static let maxCharacters = 200_000

    public static func parse(_ source: String, file: String) throws(ValidationFailure) -> EvidenceFile {
        let reader = YAMLReader(file: file)
        guard let root = reader.root(of: source) else { throw reader.failure()! }
        let assessment = root.string("assessment", required: true)
        let submitter = root.string("submitter", required: true)
        let title = root.string("title", required: true)
        let textNode = root.peek("text")
        let text = root.string("text", required: true)
        let references = root.strings("references") ?? []
        root.finish()
        if let text, text.count > maxCharacters {
            reader.report(at: textNode, "the text has \(text.count) characters, over the limit of \(maxCharacters) for one submission")
        }
        if let failure = reader.failure() { throw failure }
        return EvidenceFile(assessment: assessment!, submitter: submitter!, title: title!, text: text!, references: references)
    }
}

/// Calls for evidence: during a stage that allows `evidence`, anyone registered (members,
/// external reviewers, focal points, stakeholders) may submit.
public enum EvidenceDecisions {
    /// The sector a submission counts under.
    public static func sector(of person: Member) -> String {
        if let sector = person.sector { return sector.rawValue }
        if person.state != nil { return StakeholderSector.government.rawValue }
        return "expert"
    }

    public static func submit(_ submission: EvidenceFile, fileHash: String, assessment: Assessment, workflow: Workflow?,
                              members: [Member], actor: String, now: Date) -> Result<[NewEvent], Refusal> {
        if let refusal = ProcedureDecisions.notWithdrawn(assessment) { return .failure(refusal) }
        guard let person = members.first(where: { $0.id == submission.submitter }) else {
            return .failure(Refusal("'\(submission.submitter)' is not registered: register stakeholders with 'panel stakeholders add', focal points with 'panel governments add'"))
        }
        var reasons: [String] = []
        if let stage = workflow?.stage(assessment.stage), !stage.allows(.evidence) {
            reasons.append("\(assessment.id) is in \(stage.id), which has no open call for evidence")
        }
        let actorIsChair = members.first { $0.id == actor }.map { $0.has(.coChair) || $0.has(.viceChair) } ?? false
        if actor != person.id && !actorIsChair {
            reasons.append("\(actor) may not submit evidence for \(person.id): submitters send their own (or a chair records it for them)")
        }
        if assessment.evidence.contains(where: { $0.file == fileHash }) {
            reasons.append("this file was already submitted to \(assessment.id)")
        }
        guard reasons.isEmpty else { return .failure(Refusal(reasons)) }
        let recorded = EvidenceSubmission(
            id: String(format: "E%03d", assessment.evidence.count + 1), stage: assessment.stage, submitter: person.id,
            sector: sector(of: person), country: person.nationality, group: person.group, title: submission.title,
            references: submission.references, file: fileHash)
        return .success([NewEvent(EvidenceSubmitted(assessment: assessment.id, submission: recorded), subject: assessment.id,
                                  actor: person.id, time: now)])
    }
}
