public import Foundation

/// When a subscriber's copy of an edition becomes due, and until when an edition may still be sent.
public struct SendSchedule: Sendable {
    /// How long after its week ends an edition may still go out (for late zones and slow runs).
    public var grace: TimeInterval

    public init(grace: TimeInterval = 24 * 3600) {
        self.grace = grace
    }

    /// The moment edition `edition` is due for someone who reads on `day` at `hour` in `timeZone`:
    /// that weekday of the edition's week, at that local hour.
    ///
    /// A local hour that happens twice (autumn) is due at its first occurrence; an hour skipped by a
    /// spring-forward gap is due at the first instant after the gap.
    public func dueDate(edition: Edition, day: Weekday, hour: Int, timeZone: TimeZone) -> Date {
        let localDay = edition.startDay + day.rawValue - 1
        let local = localDay * 86_400 + hour * 3600  // wall-clock seconds, as if the zone were UTC
        let around = [offset(timeZone, local - 86_400), offset(timeZone, local + 86_400)]
        let valid = Set(around).map { local - $0 }.filter { offset(timeZone, $0) == local - $0 }
        if let first = valid.min() { return Date(timeIntervalSince1970: TimeInterval(first)) }
        // In a gap: local time jumps from before `local` to after it. Find the first instant whose
        // wall-clock time is past `local` (the transition itself).
        var low = local - max(around[0], around[1])  // wall clock before `local`
        var high = local - min(around[0], around[1])  // wall clock after `local`
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if mid + offset(timeZone, mid) >= local { high = mid } else { low = mid }
        }
        return Date(timeIntervalSince1970: TimeInterval(high))
    }

    public func dueDate(for subscriber: Subscriber, edition: Edition) -> Date {
        let zone = TimeZone(identifier: subscriber.timeZone) ?? TimeZone(identifier: "UTC")!
        return dueDate(edition: edition, day: subscriber.sendDay, hour: subscriber.sendHour, timeZone: zone)
    }

    /// The last moment at which `edition` may still be sent.
    public func closing(of edition: Edition) -> Date { edition.end.addingTimeInterval(grace) }

    private func offset(_ zone: TimeZone, _ seconds: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}

extension TimeZone {
    /// Whether `identifier` names a zone of the system's IANA database (`/usr/share/zoneinfo`, or `TZDIR`)
    /// that Foundation can load. Foundation's own list of identifiers leaves out aliases such as
    /// `Asia/Kolkata` on Linux, so the zone files are the reference.
    public static func isKnownIdentifier(_ identifier: String) -> Bool {
        let allowed = identifier.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/_+-".unicodeScalars.contains($0)
        }
        guard !identifier.isEmpty, identifier.count <= 64, allowed, !identifier.hasPrefix("/"),
              !identifier.split(separator: "/").contains(where: { $0.hasPrefix("-") }),
              TimeZone(identifier: identifier) != nil
        else { return false }
        if identifier == "UTC" || identifier == "Etc/UTC" { return true }
        let directory = ProcessInfo.processInfo.environment["TZDIR"] ?? "/usr/share/zoneinfo"
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: "\(directory)/\(identifier)", isDirectory: &isDirectory)
            && !isDirectory.boolValue
    }
}
