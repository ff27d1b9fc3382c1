import ArgumentParser

@main
struct Panel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "panel",
        abstract: "Workflow engine of the Independent International Scientific Panel on AI.",
        discussion: """
            Workspace: --workspace DIR, else $PANEL_WORKSPACE, else the nearest panel.yaml upward.
            Actor: --as MEMBER, else $PANEL_ACTOR. Clock: --now TIME, else $PANEL_NOW, else the system clock.

            Exit codes: 0 success; 1 failure (store, I/O); 2 bad input (a file or value was rejected);
            3 refused (the request was understood but is not allowed now); 4 tampering found by
            'audit verify'; 5 another digest is running; 64 usage error.
            """,
        version: "0.3.0",
        subcommands: [
            Init.self, Demo.self, Members.self, WorkflowCommand.self, AssessmentCommand.self, DraftCommand.self,
            StatusCommand.self, ExplainCommand.self, AdvanceCommand.self, ExtendCommand.self,
            Reviewers.self, ReviewCommand.self, Inbox.self, Comments.self, Respond.self, SignOffCommand.self,
            VoteCommand.self, StatementCommand.self, ExportCommand.self,
            RulesCommand.self, FlagsCommand.self, DigestCommand.self,
            Refs.self, Log.self, Audit.self,
        ]
    )
}
