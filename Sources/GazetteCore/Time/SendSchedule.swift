public import Foundation
import Synchronization

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
        dueDate(edition: edition, day: subscriber.sendDay, hour: subscriber.sendHour, timeZone: SendSchedule.zone(subscriber.timeZone))
    }

    /// Zones by identifier: a run looks up the same few zones for every subscriber of the list.
    private static let zones = Mutex<[String: TimeZone]>([:])

    static func zone(_ identifier: String) -> TimeZone {
        if let zone = zones.withLock({ $0[identifier] }) { return zone }
        let zone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!
        zones.withLock { $0[identifier] = zone }
        return zone
    }

    /// Which edition a plain run (no `--week`) sends to this subscriber at `now`: the latest one whose
    /// local send time has come, so nobody ever gets two editions at once.
    ///
    /// Candidates are the editions before, of and after `now`'s week: a reader in Sydney is due for next
    /// week's edition on Sunday (UTC), one in Los Angeles gets last week's on Monday (UTC), after that
    /// week has ended in UTC. Such a late-zone reader always gets the previous edition at their own
    /// moment, whoever else has had it. For everyone else the previous edition is only finished
    /// (`finishPrevious`) when a run already sent it to others: after downtime the missed readers still
    /// get it within the grace period, while a new database never mails last week's news an hour before
    /// this week's.
    public func targetEdition(for subscriber: Subscriber, at now: Date, finishPrevious: Bool) -> Edition? {
        let current = Edition(containing: now)
        for edition in [current.next, current, current.previous] {
            let due = dueDate(for: subscriber, edition: edition)
            guard due <= now else { continue }
            let dueAfterItsWeek = due >= edition.end
            if edition == current.previous && !finishPrevious && !dueAfterItsWeek { return nil }
            return now < closing(of: edition) ? edition : nil
        }
        return nil
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
