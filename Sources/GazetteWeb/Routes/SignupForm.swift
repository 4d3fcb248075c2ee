import Foundation
import GazetteCore

/// The signup form: the subscriber CSV's columns as form fields, validated the way an import validates them.
struct SignupForm {
    var email = ""
    var name = ""
    var preferences = PreferencesForm(subscriber: Subscriber(email: "", name: ""))

    /// Reads submitted fields; returns a message per invalid field.
    ///
    /// Fields left out take the CSV defaults (Monday 09:00, `Etc/UTC`). Address and name end up in mail
    /// headers: CR, LF and other control characters are refused here, before anything is stored.
    mutating func apply(_ fields: [(name: String, value: String)]) -> [String: String] {
        func value(_ name: String) -> String { fields.last { $0.name == name }?.value ?? "" }
        var errors: [String: String] = [:]
        email = value("email").trimmingCharacters(in: .whitespaces)
        if email.isEmpty {
            errors["email"] = "Enter your e-mail address."
        } else if email.count > 254 || email.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            errors["email"] = "This is not an e-mail address."
        } else if let problem = EmailAddress.problem(with: email) {
            errors["email"] = "This is not an e-mail address: it \(problem)."
        }
        name = value("name").trimmingCharacters(in: .whitespaces)
        if name.count > 200 {
            errors["name"] = "Use at most 200 characters."
        } else if name.unicodeScalars.contains(where: { [.control, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory) }) {
            errors["name"] = "Use one line of text."
        }
        var withDefaults = fields
        for (field, fallback) in [("timezone", "Etc/UTC"), ("send_day", "mon"), ("send_hour", "9")] where value(field).isEmpty {
            withDefaults.append((field, fallback))
        }
        errors.merge(preferences.apply(withDefaults)) { first, _ in first }
        return errors
    }

    var subscriber: Subscriber {
        Subscriber(
            email: email, name: name, timeZone: preferences.timeZone, sendDay: preferences.sendDay,
            sendHour: preferences.sendHour, preferences: preferences.preferences, status: .pending)
    }

    /// What `pages/subscribe.html` shows: the submitted values (or the defaults) and a message per invalid field.
    func view(listName: String, errors: [String: String] = [:]) -> SubscribePageView {
        SubscribePageView(
            listName: listName, email: email, name: name,
            fields: PreferenceFieldsView(
                preferences.preferences, timeZone: preferences.timeZone, sendDay: preferences.sendDay,
                sendHour: preferences.sendHour),
            errors: FieldErrorsView(errors), hasErrors: !errors.isEmpty)
    }
}
