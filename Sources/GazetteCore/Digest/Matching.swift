import Foundation

extension Preferences {
    /// Whether an opening passes every filter the subscriber set.
    public func matches(_ opening: Opening) -> Bool {
        if remoteOnly && !opening.remote { return false }
        if !levels.isEmpty && !levels.contains(opening.level) { return false }
        if !languages.isEmpty && languageOverlap(with: opening) == 0 { return false }
        if let minSalary {
            guard let max = opening.salaryMax, max >= minSalary else { return false }
        }
        if !locations.isEmpty {
            let location = opening.location.lowercased()
            guard locations.contains(where: { location.contains($0.lowercased()) }) else { return false }
        }
        return true
    }

    /// How many of the subscriber's languages the opening's stack names; more means a better match.
    public func languageOverlap(with opening: Opening) -> Int {
        let stack = Set(opening.stack.map { $0.lowercased() })
        return Set(languages.map { $0.lowercased() }).intersection(stack).count
    }

    /// Whether the subscriber follows a salary group: all groups when no level and no language is chosen.
    public func follows(level: Level, stack: String) -> Bool {
        (levels.isEmpty || levels.contains(level))
            && (languages.isEmpty || languages.contains { $0.caseInsensitiveCompare(stack) == .orderedSame })
    }
}
