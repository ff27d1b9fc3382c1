/// Who is acting, as the workspace's identity policy establishes it.
public struct ActingIdentity: Sendable, Equatable {
    /// The member (or external reviewer) the events are recorded for.
    public var actor: String
    /// Who actually ran the command when it differs from the actor: the
    /// secretariat login acting on a member's behalf, or `declared` when
    /// the workspace believes `--as` without checking.
    public var recordedBy: String?
    public var policy: IdentityPolicy
    /// The effective OS user, when known.
    public var login: String?
    /// The login is one of the workspace's `secretariat:` logins.
    public var isSecretariat: Bool

    public init(actor: String, recordedBy: String?, policy: IdentityPolicy, login: String?, isSecretariat: Bool) {
        self.actor = actor
        self.recordedBy = recordedBy
        self.policy = policy
        self.login = login
        self.isSecretariat = isSecretariat
    }

    /// What `recordedBy` says when the workspace believes `--as`.
    public static let declaredMarker = "declared"

    /// The actor of a run under `declared` identity that names nobody (`system`, `system:LOGIN`).
    public static func declaresNobody(_ actor: String) -> Bool { actor == "system" || actor.hasPrefix("system:") }
}

/// Establishes who acts: from the OS user and the roster under `os-user`,
/// from `--as` under `declared`. A flag alone never makes anyone a chair.
public enum IdentityResolver {
    public static func resolve(policy: IdentityPolicy, secretariat: [String], login: String?, requested: String?,
                               members: [Member]) -> Result<ActingIdentity, Refusal> {
        let isSecretariat = login.map(secretariat.contains) ?? false
        let own = login.flatMap { login in members.first { $0.login == login } }
        switch policy {
        case .declared:
            let actor = requested ?? own?.id ?? login.map { "system:" + $0 } ?? "system"
            return .success(ActingIdentity(actor: actor, recordedBy: ActingIdentity.declaredMarker, policy: policy,
                                           login: login, isSecretariat: isSecretariat))
        case .osUser:
            guard let login else {
                return .failure(Refusal("cannot tell which OS user is running panel, and this workspace knows people by their login (identity: os-user)"))
            }
            let yourself = own.map { "\($0.id) on the roster" } ?? "not on the roster"
            guard let requested, requested != own?.id else {
                let actor = own?.id ?? (isSecretariat ? "secretariat:" + login : "login:" + login)
                return .success(ActingIdentity(actor: actor, recordedBy: nil, policy: policy, login: login, isSecretariat: isSecretariat))
            }
            guard isSecretariat else {
                let who = secretariat.isEmpty ? "none is listed in panel.yaml" : secretariat.joined(separator: ", ")
                return .failure(Refusal(
                    "you are OS user '\(login)' (\(yourself)); only the secretariat's logins (\(who)) may act --as another member, so '--as \(requested)' is refused"))
            }
            return .success(ActingIdentity(actor: requested, recordedBy: login, policy: policy, login: login, isSecretariat: true))
        }
    }
}
