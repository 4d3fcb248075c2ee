import Foundation
import GazetteCore

// What each subscriber page shows, for the templates in `Templates/pages/`: values, selected options and
// errors, never markup (the templates escape every value). Stored properties only: swift-mustache cannot
// see computed ones. Property names are the templates' variable names; renaming one breaks operators'
// edited templates silently (a missing variable renders as nothing), so keep them.

/// One `<option>` (or checkbox) of a list.
struct OptionView {
    let value: String
    let label: String
    let selected: Bool
}

/// One message per invalid field, named like the form fields; nil where the field is fine.
struct FieldErrorsView {
    let email: String?
    let name: String?
    let languages: String?
    let levels: String?
    let locations: String?
    let min_salary: String?
    let timezone: String?
    let send_day: String?
    let send_hour: String?

    init(_ errors: [String: String]) {
        email = errors["email"]
        name = errors["name"]
        languages = errors["languages"]
        levels = errors["levels"]
        locations = errors["locations"]
        min_salary = errors["min_salary"]
        timezone = errors["timezone"]
        send_day = errors["send_day"]
        send_hour = errors["send_hour"]
    }
}

/// `pages/preference-fields.html`: the questions the signup and preferences forms share.
struct PreferenceFieldsView {
    let languages: String
    let levels: [OptionView]
    let locations: String
    let remoteOnly: Bool
    let minSalary: String
    let timeZones: [OptionView]
    let days: [OptionView]
    let hours: [OptionView]

    init(_ preferences: Preferences, timeZone: String, sendDay: Weekday, sendHour: Int) {
        languages = preferences.languages.joined(separator: ", ")
        levels = Level.allCases.map { OptionView(value: $0.rawValue, label: $0.displayName, selected: preferences.levels.contains($0)) }
        locations = preferences.locations.joined(separator: ", ")
        remoteOnly = preferences.remoteOnly
        minSalary = preferences.minSalary.map(String.init) ?? ""
        timeZones = TimeZoneList.options(selected: timeZone)
        days = Weekday.allCases.map { OptionView(value: $0.abbreviation, label: $0.name.capitalized, selected: $0 == sendDay) }
        hours = (0...23).map { OptionView(value: String($0), label: "\($0.zeroPadded(2)):00", selected: $0 == sendHour) }
    }
}

/// Every IANA zone the system knows: a list instead of free text, so nobody has to know how to spell
/// `America/Argentina/Buenos_Aires`.
enum TimeZoneList {
    static func options(selected: String) -> [OptionView] {
        // A zone this system does not list (an older import) stays selectable, so saving does not change it.
        let zones = identifiers.contains(selected) || selected.isEmpty ? identifiers : [selected] + identifiers
        return zones.map { OptionView(value: $0, label: $0.replacingOccurrences(of: "_", with: " "), selected: $0 == selected) }
    }

    private static let identifiers: [String] = {
        var zones = TimeZone.knownTimeZoneIdentifiers.filter { $0.contains("/") || $0 == "UTC" }
        if !zones.contains("Etc/UTC") { zones.append("Etc/UTC") }
        return zones.sorted()
    }()
}

/// `pages/subscribe.html`.
struct SubscribePageView {
    let listName: String
    let email: String
    let name: String
    let fields: PreferenceFieldsView
    let errors: FieldErrorsView
    let hasErrors: Bool
}

/// `pages/preferences.html`: the form, then pause, download and delete.
struct PreferencesPageView {
    struct Pause {
        let weeks: Int
        let label: String
    }

    let listName: String
    let email: String
    let token: String
    let isUnsubscribed: Bool
    let saved: Bool
    let hasErrors: Bool
    let fields: PreferenceFieldsView
    let skipEmpty: Bool
    let errors: FieldErrorsView
    /// The day digests resume (`2026-12-24`), when paused.
    let pausedUntil: String?
    let pauses: [Pause]
}

/// Pages about one subscriber reached by a signed link: `confirm`, `unsubscribe`, `unsubscribed`, `erase`.
struct SubscriberPageView {
    let listName: String
    let email: String
    let token: String
}

/// Pages that show at most the list's name: `check-inbox`, `confirmed`, `erased`, and the error pages.
struct ListPageView {
    let listName: String
}

/// `pages/confirm-expired.html`.
struct ExpiredConfirmationView {
    let listName: String
    let lifetimeDays: Int
}
