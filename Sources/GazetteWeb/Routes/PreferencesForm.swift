import Foundation
import GazetteCore

/// The preferences page: the subscriber's current choices as a form, and validation of what comes back.
struct PreferencesForm {
    var timeZone: String
    var sendDay: Weekday
    var sendHour: Int
    var preferences: Preferences
    let email: String
    /// An unsubscribed person may still keep their choices, but is told that no digest follows them.
    let isUnsubscribed: Bool

    init(subscriber: Subscriber) {
        isUnsubscribed = subscriber.status != .active
        timeZone = subscriber.timeZone
        sendDay = subscriber.sendDay
        sendHour = subscriber.sendHour
        preferences = subscriber.preferences
        email = subscriber.email
    }

    /// Applies submitted fields; returns a message per invalid field (and changes nothing for those).
    mutating func apply(_ fields: [(name: String, value: String)]) -> [String: String] {
        func value(_ name: String) -> String {
            (fields.last { $0.name == name }?.value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func list(_ name: String) -> [String] {
            value(name).split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var errors: [String: String] = [:]
        let zone = value("timezone")
        if TimeZone.isKnownIdentifier(zone) { timeZone = zone } else {
            errors["timezone"] = "Unknown time zone \(zone.isEmpty ? "(empty)" : zone). Use a name such as Europe/Berlin."
        }
        if let day = Weekday(parsing: value("send_day")) { sendDay = day } else { errors["send_day"] = "Choose a day of the week." }
        if let hour = Int(value("send_hour")), (0...23).contains(hour) { sendHour = hour } else {
            errors["send_hour"] = "Choose an hour from 0 to 23."
        }
        let languages = list("languages")
        if languages.count > 50 || languages.contains(where: { $0.count > 100 || $0.contains(where: \.isNewline) }) {
            errors["languages"] = "List at most 50 languages or frameworks, separated by commas."
        } else {
            preferences.languages = languages
        }
        // Checkboxes repeat the field; the API and hand-written forms may send one `;`-separated value instead.
        let levelNames = fields.filter { $0.name == "levels" }
            .flatMap { $0.value.split(whereSeparator: { $0 == ";" || $0 == "," }) }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let levels = levelNames.compactMap(Level.init(parsing:))
        if levels.count != levelNames.count { errors["levels"] = "Unknown level." } else { preferences.levels = levels }
        let locations = list("locations")
        if locations.count > 50 || locations.contains(where: { $0.count > 100 }) {
            errors["locations"] = "List at most 50 places, separated by commas."
        } else {
            preferences.locations = locations
        }
        preferences.remoteOnly = value("remote_only") == "on" || value("remote_only") == "true"
        preferences.skipEmpty = value("skip_empty") == "on" || value("skip_empty") == "true"
        let salary = value("min_salary").replacingOccurrences(of: ",", with: "")
        if salary.isEmpty {
            preferences.minSalary = nil
        } else if let amount = Int(salary), (0...10_000_000).contains(amount) {
            preferences.minSalary = amount
        } else {
            errors["min_salary"] = "Enter a whole yearly amount such as 150000, or leave it empty."
        }
        return errors
    }

    /// What `pages/preferences.html` shows, besides pausing (see `SubscriberPages`).
    func view(
        token: String, listName: String, errors: [String: String], saved: Bool, pausedUntil: String?,
        pauses: [PreferencesPageView.Pause]
    ) -> PreferencesPageView {
        PreferencesPageView(
            listName: listName, email: email, token: token, isUnsubscribed: isUnsubscribed, saved: saved,
            hasErrors: !errors.isEmpty,
            fields: PreferenceFieldsView(preferences, timeZone: timeZone, sendDay: sendDay, sendHour: sendHour),
            skipEmpty: preferences.skipEmpty, errors: FieldErrorsView(errors), pausedUntil: pausedUntil, pauses: pauses)
    }
}
