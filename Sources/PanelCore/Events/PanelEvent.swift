import Foundation

/// Every event the log can hold, one case each. Decisions return these;
/// the store encodes them when it seals them into the chain, and decodes
/// them (or fails loudly) when it reads them back. Adding a payload type
/// without a case here does not compile: `EventPayload.event` needs one.
public enum PanelEvent: Sendable, Equatable {
    case workspaceInitialized(WorkspaceInitialized)
    case referencesIngested(ReferencesIngested)
    case memberRegistered(MemberRegistered)
    case memberUpdated(MemberUpdated)
    case rosterExceptionAccepted(RosterExceptionAccepted)
    case reviewerRegistered(ReviewerRegistered)
    case participantRegistered(ParticipantRegistered)
    case evidenceSubmitted(EvidenceSubmitted)
    case assessmentOpened(AssessmentOpened)
    case draftSubmitted(DraftSubmitted)
    case stageAdvanced(StageAdvanced)
    case deadlineExtended(DeadlineExtended)
    case teamChanged(TeamChanged)
    case assessmentWithdrawn(AssessmentWithdrawn)
    case reviewWindowClosed(ReviewWindowClosed)
    case reviewerExtended(ReviewerExtended)
    case signOffWithdrawn(SignOffWithdrawn)
    case reviewersAssigned(ReviewersAssigned)
    case reviewReceived(ReviewReceived)
    case responsesRecorded(ResponsesRecorded)
    case signOffRecorded(SignOffRecorded)
    case voteCast(VoteCast)
    case statementDecided(StatementDecided)
    case flagRaised(FlagRaised)
    case flagChanged(FlagChanged)
    case flagAcknowledged(FlagAcknowledged)
    case flagResolved(FlagResolved)
    case silenceCreated(SilenceCreated)
    case silenceEnded(SilenceEnded)
    case digestIssued(DigestIssued)

    /// Every payload type, for decoding by name. A test checks that each case round-trips.
    public static let payloadTypes: [any EventPayload.Type] = [
        WorkspaceInitialized.self, ReferencesIngested.self, MemberRegistered.self, MemberUpdated.self, RosterExceptionAccepted.self,
        ReviewerRegistered.self, AssessmentOpened.self, DraftSubmitted.self, StageAdvanced.self, DeadlineExtended.self,
        ReviewersAssigned.self, ReviewReceived.self, ResponsesRecorded.self, SignOffRecorded.self, VoteCast.self,
        StatementDecided.self, FlagRaised.self, FlagChanged.self, FlagAcknowledged.self, FlagResolved.self,
        SilenceCreated.self, DigestIssued.self, TeamChanged.self, AssessmentWithdrawn.self, ReviewWindowClosed.self,
        ReviewerExtended.self, SignOffWithdrawn.self, ParticipantRegistered.self, EvidenceSubmitted.self,
        SilenceEnded.self,
    ]

    private static let decoders: [String: any EventPayload.Type] = Dictionary(
        uniqueKeysWithValues: payloadTypes.map { ($0.type, $0) })

    /// The payload inside, as its protocol.
    public var payload: any EventPayload {
        switch self {
        case .workspaceInitialized(let p): p
        case .referencesIngested(let p): p
        case .memberRegistered(let p): p
        case .memberUpdated(let p): p
        case .rosterExceptionAccepted(let p): p
        case .reviewerRegistered(let p): p
        case .participantRegistered(let p): p
        case .evidenceSubmitted(let p): p
        case .assessmentOpened(let p): p
        case .draftSubmitted(let p): p
        case .stageAdvanced(let p): p
        case .deadlineExtended(let p): p
        case .teamChanged(let p): p
        case .assessmentWithdrawn(let p): p
        case .reviewWindowClosed(let p): p
        case .reviewerExtended(let p): p
        case .signOffWithdrawn(let p): p
        case .reviewersAssigned(let p): p
        case .reviewReceived(let p): p
        case .responsesRecorded(let p): p
        case .signOffRecorded(let p): p
        case .voteCast(let p): p
        case .statementDecided(let p): p
        case .flagRaised(let p): p
        case .flagChanged(let p): p
        case .flagAcknowledged(let p): p
        case .flagResolved(let p): p
        case .silenceCreated(let p): p
        case .silenceEnded(let p): p
        case .digestIssued(let p): p
        }
    }

    /// The event's name in the log, e.g. `assessment.opened`.
    public var type: String { Swift.type(of: payload).type }

    /// Canonical JSON (sorted keys); throws rather than seal something else.
    public func encoded() throws(EventCodingError) -> String {
        try EventCoding.encode(payload, type: type)
    }

    /// The event a stored row holds, or an error that says why it cannot be read.
    public static func decode(type: String, payload: String, sequence: Int64) throws(EventCodingError) -> PanelEvent {
        guard let payloadType = decoders[type] else {
            throw .unknownType(sequence: sequence, type: type)
        }
        do {
            return try payloadType.decodeEvent(from: payload)
        } catch {
            throw .undecodable(sequence: sequence, type: type, detail: EventCoding.describe(error))
        }
    }
}

/// A typed event payload; `type` is its name in the log.
public protocol EventPayload: Codable, Sendable, Equatable {
    static var type: String { get }
    /// This payload as the one event type.
    var event: PanelEvent { get }
}

extension EventPayload {
    /// Read as `JSONDecoder` reads it (`RecordDecoder` hands it whatever it does not read the same way).
    static func decodeEvent(from payload: String) throws -> PanelEvent {
        try RecordDecoder().decode(Self.self, from: payload).event
    }
}

/// Why an event could not be written or read.
public enum EventCodingError: Error, Sendable, Equatable, CustomStringConvertible {
    case unencodable(type: String, detail: String)
    case unknownType(sequence: Int64, type: String)
    case undecodable(sequence: Int64, type: String, detail: String)

    public var description: String {
        switch self {
        case .unencodable(let type, let detail):
            "cannot encode a '\(type)' event: \(detail); nothing was recorded"
        case .unknownType(let sequence, let type):
            "event \(sequence) has type '\(type)', which this version of panel does not know (was the log written by a newer version?)"
        case .undecodable(let sequence, let type, let detail):
            "event \(sequence) ('\(type)') cannot be read: \(detail)"
        }
    }
}

extension WorkspaceInitialized { public var event: PanelEvent { .workspaceInitialized(self) } }
extension ReferencesIngested { public var event: PanelEvent { .referencesIngested(self) } }
extension MemberRegistered { public var event: PanelEvent { .memberRegistered(self) } }
extension MemberUpdated { public var event: PanelEvent { .memberUpdated(self) } }
extension RosterExceptionAccepted { public var event: PanelEvent { .rosterExceptionAccepted(self) } }
extension ReviewerRegistered { public var event: PanelEvent { .reviewerRegistered(self) } }
extension ParticipantRegistered { public var event: PanelEvent { .participantRegistered(self) } }
extension EvidenceSubmitted { public var event: PanelEvent { .evidenceSubmitted(self) } }
extension AssessmentOpened { public var event: PanelEvent { .assessmentOpened(self) } }
extension DraftSubmitted { public var event: PanelEvent { .draftSubmitted(self) } }
extension StageAdvanced { public var event: PanelEvent { .stageAdvanced(self) } }
extension DeadlineExtended { public var event: PanelEvent { .deadlineExtended(self) } }
extension ReviewersAssigned { public var event: PanelEvent { .reviewersAssigned(self) } }
extension ReviewReceived { public var event: PanelEvent { .reviewReceived(self) } }
extension ResponsesRecorded { public var event: PanelEvent { .responsesRecorded(self) } }
extension SignOffRecorded { public var event: PanelEvent { .signOffRecorded(self) } }
extension VoteCast { public var event: PanelEvent { .voteCast(self) } }
extension StatementDecided { public var event: PanelEvent { .statementDecided(self) } }
extension FlagRaised { public var event: PanelEvent { .flagRaised(self) } }
extension FlagChanged { public var event: PanelEvent { .flagChanged(self) } }
extension FlagAcknowledged { public var event: PanelEvent { .flagAcknowledged(self) } }
extension FlagResolved { public var event: PanelEvent { .flagResolved(self) } }
extension SilenceCreated { public var event: PanelEvent { .silenceCreated(self) } }
extension SilenceEnded { public var event: PanelEvent { .silenceEnded(self) } }
extension DigestIssued { public var event: PanelEvent { .digestIssued(self) } }
