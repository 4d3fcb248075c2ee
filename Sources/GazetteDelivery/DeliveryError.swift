public import GazetteCore
public import GazetteMail
public import GazetteStore
public import GazetteTemplates

/// Why a send run (or a preview) could not do its job, with the sentence the operator reads.
public enum DeliveryError: Error, Sendable, CustomStringConvertible {
    /// The edition's week ended more than the grace period ago: its digest would be last week's news.
    case editionClosed(edition: String, closedAt: String)
    case unknownSubscriber(String)
    /// A stored address that is not acceptable in an envelope (imports refuse them; an old row may hold one).
    case invalidAddress(EmailAddressError)
    case store(StoreError)
    case mail(MailError)
    case template(TemplateError)
    /// Anything else, named as what it is rather than guessed to be a database error.
    case unexpected(String)

    /// Wraps an error from the modules below at this module's boundary.
    public init(_ error: any Error) {
        switch error {
        case let error as DeliveryError: self = error
        case let error as StoreError: self = .store(error)
        case let error as MailError: self = .mail(error)
        case let error as TemplateError: self = .template(error)
        default: self = .unexpected(String(describing: error))
        }
    }

    public var description: String {
        switch self {
        case .editionClosed(let edition, let closedAt):
            "edition \(edition) closed at \(closedAt) (its week plus the grace period); it is not sent any more"
        case .unknownSubscriber(let email): "no subscriber with address \(email)"
        case .invalidAddress(let error): "cannot send: \(error)"
        case .store(let error): error.description
        case .mail(let error): error.description
        case .template(let error): error.description
        case .unexpected(let detail): "unexpected error: \(detail)"
        }
    }
}
