import ArgumentParser
import Foundation
import PanelCore

/// Documented exit codes (see `panel --help` and the README).
enum Exit {
    static let failure = ExitCode(1)
    static let badInput = ExitCode(2)
    static let refused = ExitCode(3)
    static let tampered = ExitCode(4)
    static let busy = ExitCode(5)
    static let usage = ExitCode(64)
}

/// A run that set files aside with their reasons (exit 2 rejected, 3 refused), having said so:
/// `cron` goes on to its next step, and ends with the code. Anything else stops it.
struct FilesSetAside: Error {
    var code: ExitCode
}

/// A failure a command reports: its messages and its documented exit code.
struct CommandFailure: Error {
    var messages: [String]
    var code: ExitCode

    /// A file or value was rejected (exit 2).
    static func badInput(_ messages: String...) -> CommandFailure { CommandFailure(messages: messages, code: Exit.badInput) }
    /// The store, a file or the system failed (exit 1).
    static func failure(_ messages: String...) -> CommandFailure { CommandFailure(messages: messages, code: Exit.failure) }
    /// The rules or the state refuse it (exit 3).
    static func refused(_ messages: String...) -> CommandFailure { CommandFailure(messages: messages, code: Exit.refused) }
    /// The command line itself is wrong (exit 64).
    static func usage(_ messages: String...) -> CommandFailure { CommandFailure(messages: messages, code: Exit.usage) }
}

/// The one place where errors become messages and exit codes. Library
/// errors are typed; nothing prints a raw Foundation or SQLite error.
enum Failure {
    /// What to print for `error` and the exit code, or nil for errors that
    /// belong to the argument parser (help, usage), which it reports itself.
    static func report(_ error: any Error) -> (messages: [String], code: ExitCode)? {
        switch error {
        case is CleanExit, is ValidationError:
            // The parser's own (help, --version, usage): first, so they are not cast through NSError.
            return nil
        case let exit as ExitCode:
            return ([], exit)
        case let setAside as FilesSetAside:
            return ([], setAside.code)
        case let failure as CommandFailure:
            return (failure.messages, failure.code)
        case let refusal as Refusal:
            return (refusal.reasons, Exit.refused)
        case let failure as ValidationFailure:
            return (failure.shown, Exit.badInput)
        case WorkspaceError.invalid(let failure):
            return (failure.shown, Exit.badInput)
        case let error as WorkspaceError:
            return ([error.description], Exit.badInput)
        case let error as StoreError:
            if case .backdated = error { return ([error.description], Exit.refused) }
            if case .dataRefused = error { return ([error.description], Exit.badInput) }
            return ([error.description], Exit.failure)
        case let error as EventCodingError:
            return ([error.description], Exit.failure)
        case IngestError.unknownAdapter:
            return ([String(describing: error)], Exit.usage)
        case let error as SignedFileError:
            // A signature that cannot be taken (too large, unreadable as one) is the input's fault.
            return ([error.description], Exit.badInput)
        case let error as DropFolderError:
            return ([error.description], error.missing ? Exit.badInput : Exit.failure)
        case let error as CocoaError:
            return ([describe(error)], Exit.failure)
        case let error as POSIXError:
            return ([error.localizedDescription], Exit.failure)
        case let error as CustomStringConvertible & Error where !(type(of: error) is NSError.Type):
            return ([error.description], Exit.failure)
        default:
            // Anything else from Foundation: the path it names and its one-line reason, not the whole dump.
            let error = error as NSError
            guard error.domain == NSCocoaErrorDomain || error.domain == NSPOSIXErrorDomain else { return nil }
            let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? (error.userInfo[NSURLErrorKey] as? URL)?.path ?? "a file"
            return (["\(path): \(error.localizedFailureReason ?? "cannot be read or written (\(error.domain) \(error.code))")"], Exit.failure)
        }
    }

    /// A Foundation file error as one line: the path and what went wrong.
    static func describe(_ error: CocoaError) -> String {
        let path = error.filePath ?? error.url?.path ?? "a file"
        let what: String
        switch error.code {
        case .fileWriteFileExists: what = "already exists"
        case .fileNoSuchFile, .fileReadNoSuchFile: what = "does not exist"
        case .fileReadNoPermission, .fileWriteNoPermission: what = "permission denied"
        case .fileWriteOutOfSpace: what = "no space left on the device"
        case .fileReadCorruptFile, .fileReadInapplicableStringEncoding: what = "cannot be read as text"
        default: what = "cannot be read or written (error \(error.code.rawValue))"
        }
        return "\(path): \(what)"
    }
}
