import Foundation
import Hummingbird

/// Refuses cross-site form posts (CSRF) to pages that change or erase a subscriber's data.
///
/// The forms are served by Gazette itself, so a browser submitting them sends `Sec-Fetch-Site: same-origin`
/// (or `none` for a typed address) and an `Origin` of this site. A page elsewhere that posts to them gets
/// `cross-site` or `same-site` and a foreign `Origin`, and is refused. A client that sends neither header
/// (curl, old browsers) is not a browser being tricked, and still needs the secret token in the path.
enum SameOriginCheck {
    /// - Parameter baseURL: the public base URL; `Origin` may match it or the `Host` the request came to.
    static func allows(_ request: Request, baseURL: String) -> Bool {
        if let site = request.headers[HTTPFields.Element.Name("Sec-Fetch-Site")!]?.lowercased() {
            return site == "same-origin" || site == "none"
        }
        guard let origin = request.headers[.origin]?.lowercased() else { return true }
        if origin == Self.origin(of: baseURL) { return true }
        // HTTP/1's Host header arrives as the request's authority.
        guard let host = request.head.authority?.lowercased() else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    /// `scheme://host[:port]` of a URL, lower-cased, without a path.
    static func origin(of url: String) -> String {
        let lowered = url.lowercased()
        guard let schemeEnd = lowered.range(of: "://") else { return lowered }
        let rest = lowered[schemeEnd.upperBound...]
        return String(lowered[..<schemeEnd.upperBound]) + String(rest.prefix { $0 != "/" })
    }
}
