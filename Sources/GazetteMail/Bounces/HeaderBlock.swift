import Foundation

/// The header fields of one message or one block of a delivery-status body, read leniently from bytes.
///
/// Reports are untrusted input from the internet: lines may end in LF or CRLF, carry 8-bit junk, lack a
/// colon, or never end. Field names are lower-cased; values are unfolded, decoded as UTF-8 with
/// replacement characters, and bounded.
struct HeaderBlock {
    /// At most this many fields, and this many bytes per value: enough for any real report.
    static let maximumFields = 500
    static let maximumValueBytes = 8 * 1024

    private(set) var fields: [(name: String, value: String)] = []
    /// Where the body starts (after the blank line), or the end of the input when there is none.
    let bodyStart: Int

    /// Reads fields from `bytes[start...]` up to the first empty line.
    init(_ bytes: ArraySlice<UInt8>, from start: Int? = nil) {
        var position = start ?? bytes.startIndex
        var name: [UInt8] = []
        var value: [UInt8] = []
        var haveField = false
        var first = true
        var collected: [(name: String, value: String)] = []

        func flush() {
            if haveField, collected.count < HeaderBlock.maximumFields {
                let text = String(decoding: value, as: UTF8.self)
                collected.append((String(decoding: name, as: UTF8.self).lowercased(), HeaderBlock.trim(text)))
            }
            haveField = false
            name.removeAll(keepingCapacity: true)
            value.removeAll(keepingCapacity: true)
        }

        while position < bytes.endIndex {
            let lineEnd = bytes[position...].firstIndex(of: 10) ?? bytes.endIndex
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            var line = bytes[position..<lineEnd]
            if line.last == 13 { line = line.dropLast() }
            if line.isEmpty {
                position = next
                break
            }
            defer { position = next; first = false }
            if line.first == 32 || line.first == 9 {
                // A continuation line: unfold into the current field.
                if haveField, value.count < HeaderBlock.maximumValueBytes {
                    value.append(32)
                    value.append(contentsOf: line.prefix(HeaderBlock.maximumValueBytes - value.count))
                }
                continue
            }
            flush()
            // An mbox `From ` line before the headers is the envelope of the mailbox, not a field.
            if first && line.starts(with: Array("From ".utf8)) { continue }
            guard let colon = line.firstIndex(of: 58), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy({ $0 > 32 && $0 < 127 })
            else { continue }  // not a field: skip the line rather than give up on the rest
            name.append(contentsOf: line[line.startIndex..<colon])
            value.append(contentsOf: line[(colon + 1)...].prefix(HeaderBlock.maximumValueBytes))
            haveField = true
        }
        flush()
        fields = collected
        bodyStart = position
    }

    /// The first value of a field (name in lower case).
    subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    var isEmpty: Bool { fields.isEmpty }

    static func trim(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
