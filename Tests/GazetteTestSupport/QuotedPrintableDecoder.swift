/// Just enough quoted-printable decoding to compare bodies with what was encoded.
public enum QuotedPrintableDecoder {
    /// Soft breaks removed, `=XX` decoded, CRLF turned into LF.
    public static func decode(_ encoded: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: byte - 48
            case 65...70: byte - 55
            default: nil
            }
        }
        while index < encoded.count {
            let byte = encoded[index]
            if byte == 61 {  // "="
                if index + 2 < encoded.count, encoded[index + 1] == 13, encoded[index + 2] == 10 {
                    index += 3  // soft line break
                    continue
                }
                if index + 2 < encoded.count, let high = hexValue(encoded[index + 1]), let low = hexValue(encoded[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            if byte == 13, index + 1 < encoded.count, encoded[index + 1] == 10 {
                out.append(10)  // CRLF is the line break of the text, LF in the rendered string
                index += 2
                continue
            }
            out.append(byte)
            index += 1
        }
        return out
    }
}
