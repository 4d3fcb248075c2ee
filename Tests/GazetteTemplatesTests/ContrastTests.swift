import Foundation
import GazetteCore
@testable import GazetteTemplates
import Testing

/// WCAG 2 contrast of every text colour the digest uses, on the card it sits on, in light mode (the
/// inline styles) and in dark mode (the `prefers-color-scheme: dark` rules that replace them by class).
/// AA asks 4.5:1 for body text.
struct ContrastTests {
    static let minimum = 4.5

    /// `#rgb` or `#rrggbb` to the relative luminance of WCAG 2.
    static func luminance(_ hex: String) throws -> Double {
        var digits = hex.dropFirst().lowercased()
        if digits.count == 3 { digits = digits.map { "\($0)\($0)" }.joined() }
        let value = try #require(UInt32(digits, radix: 16), "\(hex) is not a colour")
        func channel(_ shift: UInt32) -> Double {
            let c = Double((value >> shift) & 0xFF) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
    }

    static func ratio(_ a: String, _ b: String) throws -> Double {
        let (la, lb) = (try luminance(a), try luminance(b))
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    @Test func ratioMatchesKnownValues() throws {
        #expect(abs(try Self.ratio("#000", "#fff") - 21) < 0.01)
        #expect(abs(try Self.ratio("#777777", "#ffffff") - 4.48) < 0.01)
    }

    struct Element {
        var classes: [String]
        var style: String
        var color: String? { ContrastTests.match(#"(?:^|;)\s*color:\s*(#[0-9a-fA-F]{3,6})"#, in: style) }
        var background: String? { ContrastTests.match(#"background-color:\s*(#[0-9a-fA-F]{3,6})"#, in: style) }
        var hidden: Bool { style.contains("display:none") }
    }

    static func match(_ pattern: String, in text: String) -> String? {
        guard let range = text.range(of: pattern, options: .regularExpression) else { return nil }
        let found = String(text[range])
        return found.range(of: "#[0-9a-fA-F]+", options: .regularExpression).map { String(found[$0]) }
    }

    static func elements(_ html: String) -> [Element] {
        let regex = try! NSRegularExpression(pattern: #"<[a-zA-Z0-9]+\s([^>]*)>"#)
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { result in
            let attributes = String(html[Range(result.range(at: 1), in: html)!])
            func attribute(_ name: String) -> String {
                guard let range = attributes.range(of: #"\#(name)="[^"]*""#, options: .regularExpression) else { return "" }
                return String(attributes[range].dropFirst(name.count + 2).dropLast())
            }
            return Element(classes: attribute("class").split(separator: " ").map(String.init), style: attribute("style"))
        }
    }

    /// Class → colour of the dark-mode block: `.gz-text { color: #e8eaed !important; }`.
    static func darkRules(_ html: String) throws -> (colors: [String: String], backgrounds: [String: String]) {
        let start = try #require(html.range(of: "@media (prefers-color-scheme: dark) {"))
        var colors: [String: String] = [:]
        var backgrounds: [String: String] = [:]
        let regex = try NSRegularExpression(pattern: #"\.([\w-]+)\s*\{\s*(color|background-color):\s*(#[0-9a-fA-F]{3,6})"#)
        // The rules up to the block's closing brace (the first "}" on a line of its own).
        let rest = html[start.upperBound...]
        let text = String(rest[..<(rest.range(of: "\n  }\n")?.lowerBound ?? rest.endIndex)])
        for result in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let name = String(text[Range(result.range(at: 1), in: text)!])
            let property = String(text[Range(result.range(at: 2), in: text)!])
            let value = String(text[Range(result.range(at: 3), in: text)!])
            if property == "color" { colors[name] = value } else { backgrounds[name] = value }
        }
        return (colors, backgrounds)
    }

    @Test func everyTextColourReachesAAInLightAndDarkMode() async throws {
        let templates = try await DigestTemplates(directory: SampleDigest.templates)
        for view in [SampleDigest.view(), SampleDigest.view(preferences: Preferences(languages: ["COBOL"]))] {
            let html = try templates.render(view).html
            let elements = Self.elements(html)
            let card = try #require(elements.first { $0.classes.contains("gz-card") })
            let lightCard = try #require(card.background)
            let dark = try Self.darkRules(html)
            let darkCard = try #require(dark.backgrounds["gz-card"])
            var checked = 0
            for element in elements where !element.hidden {
                guard let light = element.color else { continue }
                let lightRatio = try Self.ratio(light, lightCard)
                #expect(lightRatio >= Self.minimum, "light \(light) on \(lightCard): \(lightRatio) for \(element.classes)")
                // Without a dark rule for one of its classes an element keeps its inline colour on the dark card.
                let darkColor = element.classes.compactMap { dark.colors[$0] }.last ?? light
                let darkRatio = try Self.ratio(darkColor, darkCard)
                #expect(darkRatio >= Self.minimum, "dark \(darkColor) on \(darkCard): \(darkRatio) for \(element.classes)")
                checked += 1
            }
            #expect(checked > 10)
        }
    }

    /// Salary trends the sample may not show: each trend's light colour and its dark rule.
    @Test func everySalaryTrendReachesAAInBothModes() async throws {
        let templates = try await DigestTemplates(directory: SampleDigest.templates)
        let html = try templates.render(SampleDigest.view()).html
        let dark = try Self.darkRules(html)
        let darkCard = try #require(dark.backgrounds["gz-card"])
        for (trend, light) in DigestView.trendColors {
            #expect(try Self.ratio(light, "#ffffff") >= Self.minimum, "\(trend) light")
            let darkColor = try #require(dark.colors["gz-trend-\(trend)"], "no dark rule for .gz-trend-\(trend)")
            #expect(try Self.ratio(darkColor, darkCard) >= Self.minimum, "\(trend) dark")
        }
    }
}
