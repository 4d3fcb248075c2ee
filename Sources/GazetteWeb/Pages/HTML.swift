import Foundation
import GazetteTemplates

/// The small HTML toolkit of the web pages: every piece of data goes through `escape`.
enum HTML {
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// Every IANA zone the system knows, as `<option>`s: a list instead of free text, so nobody has to know
    /// how to spell `America/Argentina/Buenos_Aires`.
    static func timeZoneOptions(selected: String) -> String {
        let zones = zoneIdentifiers.contains(selected) || selected.isEmpty ? zoneIdentifiers : [selected] + zoneIdentifiers
        return zones.map { zone in
            "<option value=\"\(escape(zone))\"\(zone == selected ? " selected" : "")>\(escape(zone.replacingOccurrences(of: "_", with: " ")))</option>"
        }.joined()
    }

    private static let zoneIdentifiers: [String] = {
        var zones = TimeZone.knownTimeZoneIdentifiers.filter { $0.contains("/") || $0 == "UTC" }
        if !zones.contains("Etc/UTC") { zones.append("Etc/UTC") }
        return zones.sorted()
    }()

    /// A whole page: static layout around `body` (already escaped by its builder).
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>\(escape(title))</title>
        <style>
        body { font-family: system-ui, Helvetica, Arial, sans-serif; max-width: 960px; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #8884; }
        iframe { width: 100%; height: 900px; border: 1px solid #8886; }
        pre { white-space: pre-wrap; background: #8881; padding: 1rem; }
        .error { color: #b91c1c; }
        .ok { color: #047857; }
        button { font-size: 1rem; padding: .6rem 1.2rem; }
        label { display: block; margin: .6rem 0 .2rem; font-weight: 600; }
        input[type=text], input[type=number], select { width: 100%; max-width: 28rem; padding: .3rem; }
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>
        """
    }
}
