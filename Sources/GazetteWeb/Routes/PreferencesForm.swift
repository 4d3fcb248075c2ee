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

    func page(token: String, listName: String, errors: [String: String] = [:], saved: Bool = false) -> String {
        func error(_ field: String) -> String {
            errors[field].map { "<p class=\"error\" id=\"error-\(field)\">\(HTML.escape($0))</p>" } ?? ""
        }
        let days = Weekday.allCases.map {
            "<option value=\"\($0.abbreviation)\"\($0 == sendDay ? " selected" : "")>\($0.name.capitalized)</option>"
        }.joined()
        let hours = (0...23).map { "<option value=\"\($0)\"\($0 == sendHour ? " selected" : "")>\(String(format: "%02d:00", $0))</option>" }.joined()
        let levelBoxes = Level.allCases.map { level in
            "<span><input type=\"checkbox\" name=\"levels\" value=\"\(level.rawValue)\" id=\"level-\(level.rawValue)\"\(preferences.levels.contains(level) ? " checked" : "")> <label style=\"display:inline\" for=\"level-\(level.rawValue)\">\(level.displayName)</label></span>"
        }.joined(separator: " ")
        return """
            <h1>Your \(HTML.escape(listName)) preferences</h1>
            <p>For \(HTML.escape(email)).</p>
            \(isUnsubscribed ? "<p class=\"error\" id=\"unsubscribed\">You are unsubscribed: no digest is sent to this address. Your choices are kept but not used.</p>" : "")
            \(saved ? "<p class=\"ok\" id=\"saved\">\(isUnsubscribed ? "Saved. You stay unsubscribed." : "Saved. The next digest follows these choices.")</p>" : "")
            \(errors.isEmpty ? "" : "<p class=\"error\">Some fields need attention; nothing was saved.</p>")
            <form method="post" action="/preferences/\(HTML.escape(token))">
            <label for="languages">Languages and frameworks (comma-separated; empty for all)</label>
            <input type="text" id="languages" name="languages" value="\(HTML.escape(preferences.languages.joined(separator: ", ")))">
            \(error("languages"))
            <label>Levels (none checked for all)</label>
            \(levelBoxes)
            \(error("levels"))
            <label for="locations">Locations (comma-separated parts of a place; empty for anywhere)</label>
            <input type="text" id="locations" name="locations" value="\(HTML.escape(preferences.locations.joined(separator: ", ")))">
            \(error("locations"))
            <label><input type="checkbox" name="remote_only" \(preferences.remoteOnly ? "checked" : "")> Remote openings only</label>
            <label for="min_salary">Minimum yearly salary (top of the advertised range)</label>
            <input type="number" id="min_salary" name="min_salary" min="0" value="\(preferences.minSalary.map(String.init) ?? "")">
            \(error("min_salary"))
            <label for="timezone">Time zone</label>
            <select id="timezone" name="timezone">\(HTML.timeZoneOptions(selected: timeZone))</select>
            \(error("timezone"))
            <label for="send_day">Day</label>
            <select id="send_day" name="send_day">\(days)</select>
            \(error("send_day"))
            <label for="send_hour">Hour (local time)</label>
            <select id="send_hour" name="send_hour">\(hours)</select>
            \(error("send_hour"))
            <label><input type="checkbox" name="skip_empty" \(preferences.skipEmpty ? "checked" : "")> Skip the e-mail in weeks with no matching opening</label>
            <p><button type="submit" id="save">Save</button></p>
            </form>
            """
    }
}
