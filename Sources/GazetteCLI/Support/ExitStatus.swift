import ArgumentParser
import Foundation
import GazetteDelivery
import GazetteMail
import GazetteStore
import GazetteTemplates

/// Exit statuses (sysexits, as mail tools use).
enum ExitStatus {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    /// EX_NOINPUT: a file to read (the database of a read-only command) does not exist.
    static let noInput: Int32 = 66
    static let unavailable: Int32 = 69
    /// EX_CANTCREAT: an output file that must be new exists already (`dkim keygen`).
    static let cannotCreate: Int32 = 73
    static let temporaryFailure: Int32 = 75
    static let failure: Int32 = 1

    /// Prints the error the way an operator reads it and returns the matching exit code.
    static func report(_ error: any Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        FileHandle.standardError.write(Data("gazette: \(error)\n".utf8))
        return ExitCode(code(for: error))
    }

    static func code(for error: any Error) -> Int32 {
        switch error {
        case let error as DeliveryError:
            switch error {
            case .editionClosed: return usage
            case .unknownSubscriber, .invalidAddress: return dataError
            case .store(let store): return code(for: store)
            case .mail(let mail): return code(for: mail)
            case .template, .unexpected: return failure
            }
        case let error as StoreError:
            switch error {
            case .invalidInput, .unknownSubscriber: return dataError
            case .claimsLost: return temporaryFailure
            case .noDatabase: return noInput
            // Only `bounces process` answers 75 for a busy database (Postfix retries its pipe); elsewhere it stays 1.
            case .busy: return failure
            default: return failure
            }
        case let error as MailError:
            switch error {
            case .serverUnavailable: return unavailable
            case .outboxUnwritable, .configuration: return failure
            }
        case is SettingsError: return usage
        default: return failure
        }
    }
}

extension AsyncParsableCommand {
    /// Runs a command body, turning any error into its message and exit status.
    func reporting(_ body: () async throws -> Void) async throws {
        do { try await body() } catch { throw ExitStatus.report(error) }
    }
}
