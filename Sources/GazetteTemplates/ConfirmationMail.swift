public import Foundation
import GazetteCore
import Mustache

/// What the double opt-in e-mail shows. Stored properties only: swift-mustache cannot see computed ones.
public struct ConfirmationView: Sendable {
    public var listName: String
    public var greetingName: String
    public var email: String
    public var confirmURL: String
    /// e.g. `8 December 2026, 12:00 UTC`.
    public var expiresOn: String
    public var postalAddress: String

    public init(listName: String, name: String, email: String, confirmURL: String, expires: Date, postalAddress: String) {
        self.listName = listName
        self.greetingName = name.isEmpty ? "there" : name
        self.email = email
        self.confirmURL = confirmURL
        self.expiresOn = ConfirmationView.format(expires)
        self.postalAddress = postalAddress
    }

    static func format(_ date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                      "November", "December"]
        return "\(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970), "
            + "\((parts.hour ?? 0).zeroPadded(2)):\((parts.minute ?? 0).zeroPadded(2)) UTC"
    }
}

extension DigestTemplates {
    /// The confirmation templates: `confirm-subject.txt`, `confirm.txt`, `confirm.html`. Not required when the
    /// templates are loaded, so a directory made for an older Gazette still sends digests; signups fail clearly.
    public static let confirmation = ["confirm-subject.txt", "confirm.txt", "confirm.html"]

    public func renderConfirmation(_ view: ConfirmationView) throws(TemplateError) -> RenderedDigest {
        var parts: [String] = []
        for name in DigestTemplates.confirmation {
            guard library.getTemplate(named: name) != nil, let text = library.render(view, withTemplate: name) else {
                throw .renderFailed(name: name)
            }
            parts.append(text)
        }
        return DigestTemplates.finish(subject: parts[0], text: parts[1], html: parts[2])
    }
}
