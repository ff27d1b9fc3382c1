import ArgumentParser
import Foundation
import PanelCore

extension CommandContext {
    var workflows: [String: Workflow] {
        get throws {
            if let loaded = definitions.workflows { return loaded }
            let loaded = try Console.run { try workspace.workflows() }
            definitions.workflows = loaded
            return loaded
        }
    }

    var members: [Member] {
        get throws { try store.members() }
    }

    func assessment(_ id: String) throws -> Assessment {
        guard let assessment = try store.assessment(id) else {
            throw CommandFailure.badInput("no assessment '\(id)' (see: panel assessment list)")
        }
        return assessment
    }

    func workflow(for assessment: Assessment) throws -> Workflow {
        guard let workflow = try workflows[assessment.workflow] else {
            throw CommandFailure.failure("\(assessment.id) follows workflow '\(assessment.workflow)', which is not in \(workspace.workflowsURL.path)")
        }
        return workflow
    }
}

extension AssessmentAuthor: ExpressibleByArgument {
    /// `MEMBER:ROLE`, e.g. `exp-03:coordinating-lead-author`.
    public init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let role = AssessmentRole(rawValue: parts[1]) else { return nil }
        self.init(member: parts[0], role: role)
    }
}

extension AssessmentKind: ExpressibleByArgument {}

extension RiskDomain: ExpressibleByArgument {}

extension Likelihood: ExpressibleByArgument {}

extension TimeHorizon: ExpressibleByArgument {}
