import Foundation

/// What one participant owes: reviews to write, responses to give, sign-offs,
/// votes, flags to look at; each with its date and how to act on it.
public struct TodoItem: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case review, responses, signOff = "signoff", vote, flags, comment, evidence }
    public var kind: Kind
    public var assessment: String?
    public var text: String
    /// When it is due, if it has a date.
    public var due: String?
    public var overdue: Bool
    /// The command that helps.
    public var hint: String
}

public enum TodoList {
    public static func items(for actor: String, assessments: [Assessment], workflows: [String: Workflow], members: [Member],
                             flags: [Flag], now: Date) -> [TodoItem] {
        var items: [TodoItem] = []
        let member = members.first { $0.id == actor }
        for assessment in assessments where assessment.withdrawn == nil {
            guard let stage = workflows[assessment.workflow]?.stage(assessment.stage), !stage.final else { continue }
            let reviewsHere = assessment.reviews.filter { $0.stage == stage.id }
            // Reviews assigned and not yet received.
            if let assignment = assessment.currentAssignments.first(where: { $0.reviewer == actor }),
               !reviewsHere.contains(where: { $0.reviewer == actor }) {
                let draft = assessment.latestDraft.map { "draft \($0.version), \($0.lines) lines" } ?? "no draft yet"
                let due = Timestamp.parse(assignment.deadline)
                items.append(TodoItem(
                    kind: .review, assessment: assessment.id, text: "review \(assessment.id) (\(assessment.title)): \(draft)",
                    due: assignment.deadline, overdue: due.map { $0 < now } ?? false,
                    hint: "panel draft show \(assessment.id) --numbered; sign your file with ssh-keygen -Y sign -n panel-review"))
            }
            // A focal point: the draft is open to its government's comments.
            if let state = member?.state, stage.allows(.governmentReview), let days = stage.governmentReviewDays,
               let entered = Timestamp.parse(assessment.stageEnteredAt), let draft = assessment.latestDraft,
               !reviewsHere.contains(where: { $0.state == state }) {
                let closes = entered.addingTimeInterval(Double(days) * 86_400)
                if closes >= now {
                    items.append(TodoItem(
                        kind: .comment, assessment: assessment.id,
                        text: "comment for \(MemberStates.state(state)?.name ?? state) on \(assessment.id) (\(assessment.title)): draft \(draft.version), \(draft.lines) lines",
                        due: Timestamp.format(closes), overdue: false,
                        hint: "panel draft show \(assessment.id) --numbered; write a review file with reviewer: \(actor) and sign it"))
                }
            }
            // A call for evidence open to anyone registered.
            if member?.isStakeholder == true || member?.isFocalPoint == true, stage.allows(.evidence),
               !assessment.evidence.contains(where: { $0.submitter == actor }) {
                items.append(TodoItem(kind: .evidence, assessment: assessment.id,
                                      text: "call for evidence open on \(assessment.id) (\(assessment.title))",
                                      due: assessment.deadline(in: stage).map(Timestamp.format), overdue: false,
                                      hint: "panel evidence submit FILE (assessment, submitter, title, text, references)"))
            }
            let roles = assessment.roles(of: actor)
            // Responses owed by the authors.
            if roles.contains(where: \.isAuthor) {
                let open = reviewsHere.reduce(0) { $0 + max(0, $1.substantive - $1.answered) }
                if open > 0 {
                    items.append(TodoItem(kind: .responses, assessment: assessment.id,
                                          text: "respond to \(open) substantive comment\(open == 1 ? "" : "s") on \(assessment.id) in \(stage.id)",
                                          due: assessment.deadline(in: stage).map(Timestamp.format), overdue: false,
                                          hint: "panel comments export \(assessment.id) --out matrix.csv, fill in, panel comments import matrix.csv"))
                }
            }
            // Sign-offs by review editors.
            if roles.contains(.reviewEditor), !reviewsHere.isEmpty,
               !assessment.signOffs.contains(where: { $0.editor == actor && $0.stage == stage.id }) {
                let open = reviewsHere.reduce(0) { $0 + max(0, $1.substantive - $1.answered) }
                items.append(TodoItem(kind: .signOff, assessment: assessment.id,
                                      text: "sign off \(assessment.id) in \(stage.id)" + (open > 0 ? " once \(open) open comment\(open == 1 ? " is" : "s are") answered" : ""),
                                      due: assessment.deadline(in: stage).map(Timestamp.format), overdue: false,
                                      hint: "panel signoff \(assessment.id) --report report.md"))
            }
            // Votes open to members.
            if stage.allows(.voting), member?.isPanelMember == true,
               !assessment.votes.contains(where: { $0.member == actor && $0.stage == stage.id }) {
                items.append(TodoItem(kind: .vote, assessment: assessment.id, text: "vote on \(assessment.id) (\(assessment.title))",
                                      due: assessment.deadline(in: stage).map(Timestamp.format), overdue: false,
                                      hint: "panel vote \(assessment.id) approve|object|abstain"))
            }
        }
        if member?.isPanelMember == true {
            let open = flags.filter { $0.state == .open }
            if !open.isEmpty {
                items.append(TodoItem(kind: .flags, assessment: nil, text: "\(open.count) open early-warning flag\(open.count == 1 ? "" : "s") to look at",
                                      due: nil, overdue: false, hint: "panel flags list --state open"))
            }
        }
        return items
    }
}
