/// Builds a folded header field: whole atoms move to a new line when the current one would pass 78
/// characters. Only whitespace is added, which relaxed canonicalization and tag parsing ignore.
struct HeaderFolder {
    private(set) var text: String
    private var lineLength: Int
    static let limit = 78

    init(start: String) {
        text = start
        lineLength = start.utf8.count
    }

    /// `atom` starts with the space that separates it; on a new line that space becomes the fold.
    mutating func appendAtom(_ atom: String) {
        let length = atom.utf8.count
        if lineLength + length > HeaderFolder.limit && lineLength > 1 {
            let trimmed = atom.hasPrefix(" ") ? String(atom.dropFirst()) : atom
            text += "\r\n " + trimmed
            lineLength = 1 + trimmed.utf8.count
        } else {
            text += atom
            lineLength += length
        }
    }

    /// Pieces written without separators (a colon list, base64) that may be folded between any two.
    mutating func appendPieces(_ pieces: [String], firstPrefix: String) {
        for (index, piece) in pieces.enumerated() {
            appendAtom(index == 0 ? firstPrefix + piece : piece)
        }
    }
}
