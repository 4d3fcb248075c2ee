import Foundation
import GazetteCore

/// The preference fields of the signup and preferences forms (languages to send hour): one markup, so the
/// two pages ask the same questions with the same names as the subscriber CSV columns.
enum PreferenceFields {
    /// The error paragraph of `field`, or nothing.
    static func error(_ field: String, in errors: [String: String]) -> String {
        errors[field].map { "<p class=\"error\" id=\"error-\(field)\">\(HTML.escape($0))</p>" } ?? ""
    }

    static func html(
        _ preferences: Preferences, timeZone: String, sendDay: Weekday, sendHour: Int, errors: [String: String]
    ) -> String {
        func error(_ field: String) -> String { Self.error(field, in: errors) }
        let days = Weekday.allCases.map {
            "<option value=\"\($0.abbreviation)\"\($0 == sendDay ? " selected" : "")>\($0.name.capitalized)</option>"
        }.joined()
        let hours = (0...23).map {
            "<option value=\"\($0)\"\($0 == sendHour ? " selected" : "")>\($0.zeroPadded(2)):00</option>"
        }.joined()
        let levelBoxes = Level.allCases.map { level in
            "<span><input type=\"checkbox\" name=\"levels\" value=\"\(level.rawValue)\" id=\"level-\(level.rawValue)\"\(preferences.levels.contains(level) ? " checked" : "")> <label style=\"display:inline\" for=\"level-\(level.rawValue)\">\(level.displayName)</label></span>"
        }.joined(separator: " ")
        return """
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
            """
    }
}
