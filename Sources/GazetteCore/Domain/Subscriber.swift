public import Foundation

/// What a subscriber wants to see. Every empty list means "no filter on that field".
public struct Preferences: Hashable, Sendable {
    /// Languages or frameworks; one must equal one of an opening's stack entries, ignoring case.
    public var languages: [String]
    public var levels: [Level]
    public var remoteOnly: Bool
    /// Substrings of the opening's location, ignoring case.
    public var locations: [String]
    /// Keeps openings whose `salaryMax` reaches this amount.
    public var minSalary: Int?
    /// Skip the whole e-mail when no opening matches.
    public var skipEmpty: Bool

    public init(
        languages: [String] = [], levels: [Level] = [], remoteOnly: Bool = false, locations: [String] = [],
        minSalary: Int? = nil, skipEmpty: Bool = false
    ) {
        self.languages = languages
        self.levels = levels
        self.remoteOnly = remoteOnly
        self.locations = locations
        self.minSalary = minSalary
        self.skipEmpty = skipEmpty
    }
}

public enum SubscriberStatus: String, CaseIterable, Codable, Sendable {
    /// Signed up but has not confirmed the address yet: never sent a digest.
    case pending
    case active, unsubscribed
}

/// 1 = Monday … 7 = Sunday, as ISO 8601 numbers them.
public enum Weekday: Int, CaseIterable, Codable, Sendable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// Accepts `mon`…`sun` and full names, ignoring case.
    public init?(parsing text: String) {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let day = Weekday.allCases.first(where: { $0.name == key || $0.abbreviation == key }) else {
            return nil
        }
        self = day
    }

    public var name: String { String(describing: self) }
    public var abbreviation: String { String(name.prefix(3)) }
}

/// A person on the list.
public struct Subscriber: Hashable, Sendable {
    public var id: Int64?
    public var email: String
    public var name: String
    /// IANA time zone identifier, e.g. `Europe/Berlin`.
    public var timeZone: String
    public var sendDay: Weekday
    /// Local hour, 0–23.
    public var sendHour: Int
    public var preferences: Preferences
    public var status: SubscriberStatus
    /// No digest is sent before this moment (the preferences page's "pause for N weeks").
    public var pausedUntil: Date?

    public init(
        id: Int64? = nil, email: String, name: String, timeZone: String = "Etc/UTC", sendDay: Weekday = .monday,
        sendHour: Int = 9, preferences: Preferences = Preferences(), status: SubscriberStatus = .active,
        pausedUntil: Date? = nil
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.timeZone = timeZone
        self.sendDay = sendDay
        self.sendHour = sendHour
        self.preferences = preferences
        self.status = status
        self.pausedUntil = pausedUntil
    }

    /// Whether a digest may go to this person at `moment`: confirmed and not paused.
    public func receivesDigests(at moment: Date) -> Bool {
        status == .active && (pausedUntil.map { $0 <= moment } ?? true)
    }
}
