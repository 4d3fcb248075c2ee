import Foundation

/// Seniority levels, in order: junior (0–2 years), mid (2–5), senior (5–8), lead (8–12), principal (12+).
public enum Level: String, CaseIterable, Codable, Comparable, Sendable {
    case junior, mid, senior, lead, principal

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }

    public var rank: Int { Level.allCases.firstIndex(of: self)! }

    /// Parses a level name ignoring case and surrounding spaces.
    public init?(parsing text: String) {
        self.init(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    public var displayName: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
