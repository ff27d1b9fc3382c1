import Foundation
import Testing
@testable import PanelCore

@Suite("Workflow definitions")
struct WorkflowTests {
    static let repository = Fixtures.root.deletingLastPathComponent()

    func load(_ relative: String) throws -> Workflow {
        let text = try String(contentsOf: Self.repository.appendingPathComponent(relative), encoding: .utf8)
        return try WorkflowFile.parse(text, file: relative)
    }

    func problems(_ relative: String) -> [String] {
        do {
            _ = try load(relative)
            return []
        } catch let failure as ValidationFailure {
            return failure.problems.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func annualReportValidates() throws {
        let workflow = try load("workflows/annual-report.yaml")
        #expect(workflow.id == "annual-report")
        #expect(workflow.stages.map(\.id) == ["scoping", "first-order-draft", "second-order-draft", "final-draft", "summary-approval", "approved"])
        #expect(workflow.initial == "scoping")
        #expect(workflow.stage("approved")?.final == true)
        #expect(workflow.stage("first-order-draft")?.review == ReviewSettings(windowDays: 56, blinding: .single, late: .reject))
        let toSecond = try #require(workflow.stage("first-order-draft")?.transitions.first)
        #expect(toSecond.requires.map(\.name) == ["role-filled", "min-reviews", "min-regional-groups", "all-substantive-answered", "review-editor-signoff", "no-open-conflict"])
    }

    @Test func rapidAssessmentValidates() throws {
        let workflow = try load("workflows/rapid-assessment.yaml")
        #expect(workflow.stages.map(\.id) == ["draft", "expert-review", "approval", "approved"])
        #expect(workflow.stage("expert-review")?.review?.blinding == .double)
    }

    @Test(arguments: [
        ("fixtures/workflows/bad/unknown-names.yaml", [
            "4:5: stage 'draft' has no path to a final stage",
            "5:13: unknown activity 'dancing' (one of: drafting, review, voting)",
            "7:9: transition to unknown stage 'reviw'",
            "8:13: unknown role 'president' (one of: co-chair, vice-chair, member, coordinating-lead-author, lead-author, contributing-author, review-editor, reviewer)",
            "11:13: unknown requirement 'quorum-of-cats' (known: min-drafts, min-days-in-stage, role-filled, deadline-not-passed, min-reviews, min-regional-groups, all-substantive-answered, review-editor-signoff, no-open-conflict, vote, no-bracketed-statements, all-statements-decided)",
            "12:5: stage 'done' cannot be reached from the initial stage 'draft'",
        ]),
        ("fixtures/workflows/bad/unreachable.yaml", [
            "8:5: stage 'orphan' cannot be reached from the initial stage 'draft'",
        ]),
        ("fixtures/workflows/bad/no-final.yaml", [
            "1:1: no final stage: mark the last stage 'final: true'",
        ]),
        ("fixtures/workflows/bad/dead-end.yaml", [
            "10:5: stage 'limbo' is not final and has no transitions: assessments would be stuck there",
            "12:5: stage 'loop-a' cannot be reached from the initial stage 'draft'",
            "12:5: stage 'loop-a' has no path to a final stage",
            "16:5: stage 'loop-b' cannot be reached from the initial stage 'draft'",
            "16:5: stage 'loop-b' has no path to a final stage",
        ]),
        ("fixtures/workflows/bad/bad-keys-and-values.yaml", [
            "1:5: workflow id 'Bad_Id' must be lower-case letters, digits and dashes",
            "2:1: unknown key 'colour'",
            "4:5: stage allows 'review' but has no 'review' settings (window-days, blinding)",
            "6:20: 'deadline-days' must be between 1 and 3650, not 0",
            "11:26: 'min-reviews' must be a whole number of at least 1",
            "12:44: 'threshold' must be one of consensus, two-thirds, majority, not 'unanimity'",
            "13:33: 'role' must be one of coordinating-lead-author, lead-author, contributing-author, review-editor, reviewer, not 'janitor'",
            "14:31: 'no-open-conflict' takes no value",
            "15:5: duplicate stage id 'draft' (first at line 4)",
            "19:5: final stage 'done' cannot have transitions",
        ]),
        ("fixtures/workflows/bad/not-yaml.yaml", [
            "3:3: not valid YAML: did not find expected node content",
        ]),
    ])
    func brokenDefinitionsReportEveryProblem(file: String, expected: [String]) {
        #expect(problems(file) == expected.map { "\(file):\($0)" })
    }

    @Test func graphsCarryRequirementsOnTheEdges() throws {
        let workflow = try load("workflows/rapid-assessment.yaml")
        let dot = WorkflowGraph.dot(workflow)
        #expect(dot.hasPrefix("digraph \"rapid-assessment\" {"))
        #expect(dot.contains("\"expert-review\" -> \"approval\" [label=\"by coordinating-lead-author, co-chair\\nat least 2 reviews\\nreviewers from at least 2 regional groups"))
        #expect(dot.contains("\"approved\" [label=\"Approved\", peripheries=2];"))
        let mermaid = WorkflowGraph.mermaid(workflow)
        #expect(mermaid.hasPrefix("flowchart LR"))
        #expect(mermaid.contains("approval -->|\"by co-chair, vice-chair<br/>no bracketed summary statements<br/>every summary statement decided<br/>vote passed (two-thirds, quorum 50% of members)\"| approved"))
        #expect(mermaid.contains("approved([\"Approved\"])"))
    }

    @Test func everyRequirementHasANameSummaryAndIsUnique() {
        let names = RequirementRegistry.names
        #expect(Set(names).count == names.count)
        #expect(names.count == 12)
        #expect(RequirementRegistry.all.allSatisfy { !$0.summary.isEmpty })
    }
}

@Suite("Typos in declarative files")
struct TypoTests {
    @Test func anUnknownKeyNamesTheKeyThatWasMeant() {
        let text = """
            id: typo
            title: Typo
            inital: draft
            stages:
              - id: draft
                title: Draft
                allows: [drafting]
                transitons:
                  - to: done
                    by: [co-chair]
                    requires: []
              - id: done
                title: Done
                final: true
            """
        #expect(throws: ValidationFailure.self) { try WorkflowFile.parse(text, file: "typo.yaml") }
        do {
            _ = try WorkflowFile.parse(text, file: "typo.yaml")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.contains("typo.yaml:3:1: unknown key 'inital' (did you mean 'initial'?)"), "\(lines)")
            #expect(lines.contains("typo.yaml:8:5: unknown key 'transitons' (did you mean 'transitions'?)"), "\(lines)")
        }
    }
}
