import ArgumentParser
import Foundation
import PanelCore

extension CommandContext {
    /// The workflow definitions, read once per command (or taken from `prefetchWorkflows`).
    var workflows: [String: Workflow] {
        get throws {
            if let loaded = definitions.workflows { return loaded }
            let pending = definitions.pendingWorkflows
            definitions.pendingWorkflows = nil
            let loaded = try Console.run { try pending?.value() ?? workspace.workflows() }
            definitions.workflows = loaded
            return loaded
        }
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

extension AssessmentAuthor {
    /// `MEMBER:ROLE`, e.g. `exp-03:coordinating-lead-author`; a bad one says what the roles are.
    static func parse(_ argument: String) throws -> AssessmentAuthor {
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        let roles = AssessmentRole.allCases.filter { $0 != .reviewer }.map(\.rawValue)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ValidationError("'\(argument)' must be MEMBER:ROLE, e.g. exp-03:coordinating-lead-author")
        }
        guard let role = AssessmentRole(rawValue: parts[1]) else {
            throw ValidationError("'\(parts[1])' in '\(argument)' is not a role; use one of: \(roles.joined(separator: ", "))")
        }
        return AssessmentAuthor(member: parts[0], role: role)
    }
}

extension AssessmentKind: ExpressibleByArgument {}

extension RiskDomain: ExpressibleByArgument {}

extension Likelihood: ExpressibleByArgument {}

extension TimeHorizon: ExpressibleByArgument {}
