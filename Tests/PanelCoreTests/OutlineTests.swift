import Foundation
import Testing
@testable import PanelCore

/// `status` reads an assessment without its summary statements where no requirement of its stage
/// reads them; these tests hold each requirement to what it says it reads.
@Suite("Assessments read without their statements")
struct OutlineTests {
    /// A sample parameter for each requirement that takes one; a new requirement with a parameter
    /// fails the first test below until it has one here.
    static let parameters = [
        "min-days-in-stage": "2", "min-drafts": "1", "min-governments": "1", "min-regional-groups": "2", "min-reviews": "1",
        "review-editor-signoff": "1", "role-filled": "{role: lead-author, min: 1}", "vote": "{quorum: 0.5, threshold: majority}",
    ]

    /// A workflow with one stage for each requirement there is, each stage's only transition (to the
    /// next) requiring it.
    static func everyRequirement() throws -> Workflow {
        var yaml = "id: every\ntitle: Every requirement\ninitial: s-\(RequirementRegistry.all[0].name)\nstages:\n"
        let all = RequirementRegistry.all
        for (index, type) in all.enumerated() {
            let parameter = type.parameter.isEmpty ? "" : try #require(parameters[type.name], "no sample parameter for \(type.name)")
            let next = index + 1 < all.count ? "s-\(all[index + 1].name)" : "done"
            yaml += """
                  - id: s-\(type.name)
                    title: \(type.name)
                    allows: [drafting, voting]
                    transitions:
                      - to: \(next)
                        by: [co-chair]
                        requires:
                          - \(type.name)\(parameter.isEmpty ? "" : ": \(parameter)")

                """
        }
        yaml += "  - id: done\n    title: Done\n    final: true\n"
        return try WorkflowFile.parse(yaml, file: "every.yaml")
    }

    /// An assessment whose statements change every statement-reading requirement's answer: one
    /// statement off the calibrated scale, one bracketed, one not yet decided.
    static func assessment(in stage: String) throws -> Assessment {
        var assessment = Assessment(id: "A-2026-001", title: "T", kind: .risk, domain: .misinformation, workflow: "every", stage: stage,
                                    stageEnteredAt: "2026-01-01T00:00:00.000Z", openedAt: "2026-01-01T00:00:00.000Z",
                                    authors: [AssessmentAuthor(member: "exp-03", role: .leadAuthor)], ratings: Ratings(likelihood: .likely))
        assessment.drafts = [Draft(version: 1, hash: "h", lines: 3, statementCount: 3, stage: stage, submittedAt: "2026-01-02T00:00:00.000Z",
                                   submittedBy: "exp-03")]
        let text = "- It is highly likely that X. {#S1}\n- It is *likely* that Y (high confidence). {#S2}\n- It is *likely* that Z (medium confidence). {#S3}\n"
        assessment.statements = try DraftText.read(Array(text.utf8), file: "d.md").get().statements
        assessment.statementDecisions = ["S2": .bracketed, "S1": .approved]
        return assessment
    }

    @Test func eachRequirementSaysTrulyWhetherItReadsStatements() throws {
        let workflow = try Self.everyRequirement()
        let members = try Fixtures.members()
        let now = try #require(Timestamp.parse("2026-02-01T00:00:00Z"))
        for type in RequirementRegistry.all {
            let stage = try #require(workflow.stage("s-\(type.name)"))
            let requirement = try #require(stage.transitions.first?.requires.first)
            let whole = try Self.assessment(in: stage.id)
            var without = whole
            without.statements = []
            let withStatements = requirement.evaluate(RequirementContext(assessment: whole, stage: stage, members: members, now: now))
            let withoutStatements = requirement.evaluate(RequirementContext(assessment: without, stage: stage, members: members, now: now))
            if type.readsStatements {
                #expect(withStatements != withoutStatements, "\(type.name) reads statements, yet the sample's statements change nothing")
            } else {
                #expect(withStatements == withoutStatements, "\(type.name) says it does not read statements, but they change its answer")
            }
            #expect(workflow.readsStatements(at: stage.id) == type.readsStatements)
        }
    }

    @Test func theShippedWorkflowsReadStatementsOnlyAtTheEnd() throws {
        let workflows = try Fixtures.workflows()
        let annual = try #require(workflows["annual-report"])
        #expect(annual.stages.filter { annual.readsStatements(at: $0.id) }.map(\.id) == ["final-draft", "summary-approval"])
        let rapid = try #require(workflows["rapid-assessment"])
        #expect(rapid.stages.filter { rapid.readsStatements(at: $0.id) }.map(\.id) == ["approval"])
        #expect(annual.readsStatements(at: "no-such-stage"), "a stage the workflow no longer defines is taken to read them")
    }

    @Test func anOutlineIsTheAssessmentLessItsStatementsAndIsWholeAgainWithThem() throws {
        let whole = try Self.assessment(in: "s-min-drafts")
        let text = try JSONEncoder().encode(whole)
        let decoder = JSONDecoder()
        decoder.userInfo = [Assessment.omittingStatements: true]
        var outline = try decoder.decode(Assessment.self, from: text)
        #expect(outline.statementsOmitted)
        #expect(outline.drafts == whole.drafts && outline.statementDecisions == whole.statementDecisions)
        outline.restore(statements: whole.statements)
        #expect(outline == whole)
        #expect(try JSONDecoder().decode(Assessment.self, from: text) == whole)
    }

    @Test func whereStatementsAreNotReadTheOutlineExplainsAsTheWholeDoes() throws {
        let workflow = try Self.everyRequirement()
        let decoder = JSONDecoder()
        decoder.userInfo = [Assessment.omittingStatements: true]
        let now = try #require(Timestamp.parse("2026-02-01T00:00:00Z"))
        for stage in workflow.stages where !workflow.readsStatements(at: stage.id) {
            let whole = try Self.assessment(in: stage.id)
            let outline = try decoder.decode(Assessment.self, from: try JSONEncoder().encode(whole))
            #expect(AssessmentDecisions.explain(outline, workflow: workflow, members: try Fixtures.members(), actor: "exp-03", now: now)
                    == AssessmentDecisions.explain(whole, workflow: workflow, members: try Fixtures.members(), actor: "exp-03", now: now))
        }
    }

    /// Misuse of an outline is a bug to stop at, not an answer to give: reading its statements (there
    /// are none to read, not an empty list), evaluating a stage that reads them, or writing it back
    /// (which would store an assessment without them).
    @Test func anOutlineIsNeverJudgedOnStatementsNorWrittenBack() async throws {
        await #expect(processExitsWith: .signal(SIGILL)) {
            let decoder = JSONDecoder()
            decoder.userInfo = [Assessment.omittingStatements: true]
            let outline = try decoder.decode(Assessment.self, from: try JSONEncoder().encode(try OutlineTests.assessment(in: "s")))
            _ = outline.statements.count
        }
        await #expect(processExitsWith: .signal(SIGILL)) {
            let workflow = try OutlineTests.everyRequirement()
            let decoder = JSONDecoder()
            decoder.userInfo = [Assessment.omittingStatements: true]
            let whole = try OutlineTests.assessment(in: "s-calibrated-statements")
            let outline = try decoder.decode(Assessment.self, from: try JSONEncoder().encode(whole))
            _ = AssessmentDecisions.explain(outline, workflow: workflow, members: [], actor: nil, now: Date())
        }
        await #expect(processExitsWith: .signal(SIGILL)) {
            let decoder = JSONDecoder()
            decoder.userInfo = [Assessment.omittingStatements: true]
            let outline = try decoder.decode(Assessment.self, from: try JSONEncoder().encode(try OutlineTests.assessment(in: "s")))
            _ = try JSONEncoder().encode(outline)
        }
    }
}
