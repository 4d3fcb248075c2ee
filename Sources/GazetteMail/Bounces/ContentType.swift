import Foundation

/// A `Content-Type` value read leniently: `type/subtype; name=value; name="quoted value"`.
///
/// Broken values are common in bounces (a missing subtype, an unquoted boundary with spaces, a
/// parameter without `=`); anything unreadable falls back to `text/plain` as RFC 2045 §5.2 says, and a
/// broken parameter is skipped without losing the others.
struct ContentType: Equatable {
    var type: String
    var subtype: String
    var parameters: [String: String]

    static let plainText = ContentType(type: "text", subtype: "plain", parameters: [:])

    var mimeType: String { "\(type)/\(subtype)" }
    var isMultipart: Bool { type == "multipart" }

    init(type: String, subtype: String, parameters: [String: String]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    init(_ value: String?) {
        guard let value else { self = .plainText; return }
        let characters = Array(value.unicodeScalars.prefix(4096))
        var index = 0
        func skipSpace() { while index < characters.count, characters[index].properties.isWhitespace { index += 1 } }
        func token() -> String {
            var out = String.UnicodeScalarView()
            while index < characters.count, !";=\"".unicodeScalars.contains(characters[index]),
                  !characters[index].properties.isWhitespace {
                out.append(characters[index])
                index += 1
            }
            return String(out)
        }
        skipSpace()
        let full = token().lowercased()
        let pieces = full.split(separator: "/", maxSplits: 1).map(String.init)
        if pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty {
            type = pieces[0]
            subtype = pieces[1]
        } else {
            type = "text"
            subtype = "plain"
        }
        var parameters: [String: String] = [:]
        while index < characters.count {
            // Skip to the next `;`, whatever junk comes before it.
            while index < characters.count, characters[index] != ";" { index += 1 }
            guard index < characters.count else { break }
            index += 1
            skipSpace()
            let name = token().lowercased()
            skipSpace()
            guard index < characters.count, characters[index] == "=" else { continue }
            index += 1
            skipSpace()
            var parameterValue = String.UnicodeScalarView()
            if index < characters.count, characters[index] == "\"" {
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                    parameterValue.append(characters[index])
                    index += 1
                }
                if index < characters.count { index += 1 }
            } else {
                while index < characters.count, characters[index] != ";" {
                    parameterValue.append(characters[index])
                    index += 1
                }
            }
            let text = String(parameterValue).trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, parameters[name] == nil { parameters[name] = text }
        }
        self.parameters = parameters
    }
}
