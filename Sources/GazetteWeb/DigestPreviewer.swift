public import GazetteCore

/// One subscriber's message for one edition, exactly as `send` would build it.
public struct DigestPreview: Sendable {
    public var subject: String
    public var text: String
    public var html: String
    /// The HTML part as a browser shows it: the charts drawn as SVG instead of table cells.
    public var webHTML: String
    public var eml: [UInt8]
    public var fileName: String

    public init(subject: String, text: String, html: String, webHTML: String? = nil, eml: [UInt8], fileName: String) {
        self.subject = subject
        self.text = text
        self.html = html
        self.webHTML = webHTML ?? html
        self.eml = eml
        self.fileName = fileName
    }
}

/// Builds previews. The composition root supplies the real message factory, so the web module needs
/// neither the MIME composer nor the delivery pipeline to show byte-identical messages.
public protocol DigestPreviewer: Sendable {
    func preview(subscriber: Subscriber, edition: Edition) async throws -> DigestPreview
}
