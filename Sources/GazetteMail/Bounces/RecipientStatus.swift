/// One per-recipient block of a delivery-status body, classified (RFC 3464 §2.3).
struct RecipientStatus {
    let kind: BounceKind
    /// `5.1.1`, when the block has a well-formed `Status`.
    let status: String?
    let diagnostic: String
    let finalRecipient: String?

    /// nil for a block that is not about a recipient (the per-message block).
    init?(_ block: HeaderBlock) {
        let action = block["action"].map { String($0.lowercased().prefix { $0.isLetter }) }
        let statusText = block["status"]
        guard action != nil || statusText != nil || block["final-recipient"] != nil else { return nil }
        let diagnosticCode = block["diagnostic-code"]
        status = statusText.flatMap(RecipientStatus.statusCode)
        // The class: from Status, else from the SMTP reply in Diagnostic-Code (`smtp; 550 …`).
        let statusClass = status.map { $0.first! } ?? diagnosticCode.flatMap(RecipientStatus.replyClass)
        switch (action, statusClass) {
        case ("delayed"?, _): kind = .soft
        case ("delivered"?, _), ("relayed"?, _), ("expanded"?, _): kind = .notReport
        case (_, "5"?): kind = .hard
        case (_, "4"?): kind = .soft
        // `failed` without any code: transient until proven otherwise, so no address is suppressed on a guess.
        case ("failed"?, _): kind = .soft
        default: kind = .notReport
        }
        var words: [String] = []
        if let status { words.append(status) }
        if let diagnosticCode { words.append(diagnosticCode) } else if let action { words.append(action) }
        diagnostic = BounceParser.sanitize(words.joined(separator: " "))
        finalRecipient = (block["final-recipient"] ?? block["original-recipient"]).flatMap { Addresses.extract($0).first }
    }

    /// `5.1.1` from `5.1.1 (bad destination mailbox)`; nil unless it is `class.subject.detail` with a class of 2, 4 or 5.
    static func statusCode(_ text: String) -> String? {
        let word = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" }).first.map(String.init) ?? ""
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, ["2", "4", "5"].contains(parts[0]),
              parts[1].count >= 1, parts[1].count <= 3, parts[1].allSatisfy(\.isNumber),
              parts[2].count >= 1, parts[2].count <= 3, parts[2].allSatisfy(\.isNumber)
        else { return nil }
        return word
    }

    /// `5` from `smtp; 550 5.1.1 …`: the first digit of the first three-digit reply code.
    static func replyClass(_ text: String) -> Character? {
        let afterType = text.split(separator: ";", maxSplits: 1).last ?? Substring(text)
        let word = afterType.split(whereSeparator: { $0 == " " || $0 == "-" }).first ?? ""
        guard word.count == 3, word.allSatisfy(\.isASCII), word.allSatisfy(\.isNumber), let first = word.first, "45".contains(first)
        else { return nil }
        return first
    }
}
