extension BinaryInteger {
    /// The decimal digits, with leading zeros up to `width` (`7.zeroPadded(2)` is `07`); a negative
    /// number keeps its sign in front of the digits. Used where dates, editions and file names are
    /// built for every message, instead of `String(format:)`.
    public func zeroPadded(_ width: Int) -> String {
        let digits = String(self.magnitude)
        let padded = digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        return self < 0 ? "-" + padded : padded
    }
}
