import Foundation
import Testing
@testable import PanelCore

@Suite("Citations in drafts")
struct CitationTests {
    @Test func citationsAreReadWithTheirLineAndColumn() throws {
        let text = """
            # T
            As shown [@doi:10.5555/x], and [@pmid:123; @ref-886d3b41ddf5].
            See [see @doi:10.5555/y, p. 3]. Write to [ops@example.org] or [@].
            """
        let draft = try DraftText.read(Array(text.utf8), file: "d.md").get()
        #expect(draft.citations == [
            DraftCitation(key: "doi:10.5555/x", line: 2, column: 12),
            DraftCitation(key: "pmid:123", line: 2, column: 34),
            DraftCitation(key: "ref-886d3b41ddf5", line: 2, column: 45),
            DraftCitation(key: "doi:10.5555/y", line: 3, column: 11),
        ])
    }

    @Test func theFixtureDraftCitesFiveReferences() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("drafts/compute-concentration-v2.md")))
        let draft = try DraftText.read([UInt8](bytes), file: "v2.md").get()
        #expect(draft.citations.map { "\($0.line):\($0.column) \($0.key)" } == [
            "16:64 pmid:99000004", "17:70 ref-98b192bbe032", "17:89 doi:10.5555/CIRS.2025.1893",
            "18:50 doi:10.5555/JAIGS.2025.0142", "19:76 doi:10.5555/missing.2026.1",
        ])
        #expect(CalibratedLanguage.lint(draft.statements, rating: .likely).isEmpty)
    }

    func workflow(requiringCitations: Bool) throws -> Workflow {
        try WorkflowFile.parse("""
            id: w
            title: W
            initial: draft
            stages:
              - id: draft
                title: Draft
                allows: [drafting]
                transitions:
                  - to: done
                    by: [co-chair]
                    requires: [\(requiringCitations ? "citations-resolved" : "min-drafts: 1")]
              - id: done
                title: Done
                final: true
            """, file: "w.yaml")
    }

    func assessment() -> Assessment {
        Assessment(id: "A-1", title: "t", kind: .risk, domain: .misinformation, workflow: "w", stage: "draft",
                   stageEnteredAt: "2026-01-01T00:00:00Z", openedAt: "2026-01-01T00:00:00Z",
                   authors: [AssessmentAuthor(member: "exp-03", role: .coordinatingLeadAuthor)], ratings: Ratings())
    }

    /// Unknown citations are a warning (the caller prints them) unless the stage's way out
    /// requires citations-resolved; then the draft is refused, each unknown key at its line.
    @Test func anUnknownCitationIsRefusedWhereTheStageRequiresResolution() throws {
        let members = try Fixtures.members()
        let text = try DraftText.read(Array("- X (high confidence) {#S1}\nSee [@doi:10.5555/known] and [@pmid:404].\n".utf8), file: "d.md").get()
        let resolution = CitationResolution(["doi:10.5555/known": "ref-1"])
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        #expect(throws: Never.self) {
            try AssessmentDecisions.submitDraft(text, to: assessment(), workflow: try workflow(requiringCitations: false), members: members,
                                                actor: "exp-03", now: now, citations: resolution).get()
        }
        let refused = AssessmentDecisions.submitDraft(text, to: assessment(), workflow: try workflow(requiringCitations: true), members: members,
                                                      actor: "exp-03", now: now, citations: resolution)
        #expect(refused == .failure(Refusal(
            "line 2:32: [@pmid:404] cites no reference in the store, and stage 'draft' requires citations-resolved; ingest it with 'panel refs ingest' or correct the key")))
        let accepted = try AssessmentDecisions.submitDraft(text, to: assessment(), workflow: try workflow(requiringCitations: true), members: members,
                                                           actor: "exp-03", now: now,
                                                           citations: CitationResolution(["doi:10.5555/known": "ref-1", "pmid:404": "ref-2"])).get()
        let submitted = try #require(accepted.first?.event)
        guard case .draftSubmitted(let payload) = submitted else { Issue.record("not a draft"); return }
        #expect(payload.draft.citations?.map(\.key) == ["doi:10.5555/known", "pmid:404"])
    }

    @Test func theRequirementResolvesAtEvaluation() throws {
        var assessment = assessment()
        assessment.drafts = [Draft(version: 1, hash: "h", lines: 2, statementCount: 0, stage: "draft", submittedAt: "t", submittedBy: "exp-03",
                                   citations: [DraftCitation(key: "pmid:404", line: 2, column: 5)])]
        let stage = try workflow(requiringCitations: true).stage("draft")!
        func evaluate(_ resolution: CitationResolution) -> RequirementStatus {
            CitationsResolved().evaluate(RequirementContext(assessment: assessment, stage: stage, members: [], now: Date(), citations: resolution))
        }
        #expect(evaluate(CitationResolution()) == RequirementStatus(requirement: "citations-resolved", met: false,
                                                                    current: "1 of 1 citation unknown ([@pmid:404] line 2)", needed: "every citation resolved"))
        // Ingested since the draft was submitted: the same draft now passes.
        #expect(evaluate(CitationResolution(["pmid:404": "ref-9"])).met)
    }
}
