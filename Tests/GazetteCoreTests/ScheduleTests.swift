import Foundation
import GazetteCore
import Testing

struct ScheduleTests {
    let schedule = SendSchedule()

    @Test(arguments: [
        // (edition, zone, day, hour, expected UTC due time)
        ("2026-W48", "Etc/UTC", Weekday.monday, 9, "2026-11-23T09:00:00Z"),
        ("2026-W48", "Europe/Berlin", .monday, 8, "2026-11-23T07:00:00Z"),
        ("2026-W48", "America/Los_Angeles", .sunday, 20, "2026-11-30T04:00:00Z"),  // after the UTC week ends
        ("2026-W48", "Asia/Kolkata", .monday, 9, "2026-11-23T03:30:00Z"),
        ("2026-W48", "Australia/Sydney", .monday, 7, "2026-11-22T20:00:00Z"),  // before the UTC week starts
        // America/New_York springs forward on 2026-03-08 at 02:00 → 03:00: 02:30 does not exist.
        ("2026-W10", "America/New_York", .sunday, 2, "2026-03-08T07:00:00Z"),
        ("2026-W10", "America/New_York", .sunday, 3, "2026-03-08T07:00:00Z"),
        // …and falls back on 2026-11-01 at 02:00 → 01:00: 01:00 happens twice; the first one counts.
        ("2026-W44", "America/New_York", .sunday, 1, "2026-11-01T05:00:00Z"),
        ("2026-W44", "America/New_York", .sunday, 2, "2026-11-01T07:00:00Z"),
        // Europe/Berlin springs forward on 2026-03-29 at 02:00.
        ("2026-W13", "Europe/Berlin", .sunday, 2, "2026-03-29T01:00:00Z"),
        // Australia/Sydney falls back on 2026-04-05 at 03:00 → 02:00.
        ("2026-W14", "Australia/Sydney", .sunday, 2, "2026-04-04T15:00:00Z"),
    ])
    func dueTimeIsTheLocalSendTimeWithinTheEditionsWeek(
        edition: String, zone: String, day: Weekday, hour: Int, expected: String
    ) throws {
        let due = schedule.dueDate(
            edition: try #require(Edition(edition)), day: day, hour: hour,
            timeZone: try #require(TimeZone(identifier: zone)))
        #expect(Timestamp.format(due) == expected)
    }

    @Test func editionsCloseAfterTheirWeekPlusGrace() throws {
        let w48 = try #require(Edition("2026-W48"))
        #expect(Timestamp.format(schedule.closing(of: w48)) == "2026-12-01T00:00:00Z")
        #expect(Timestamp.format(SendSchedule(grace: 3600).closing(of: w48)) == "2026-11-30T01:00:00Z")
    }

    @Test(arguments: ["Europe/Berlin", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Etc/UTC", "UTC"])
    func acceptsIANAZones(zone: String) {
        #expect(TimeZone.isKnownIdentifier(zone))
    }

    @Test(arguments: ["Mars/Olympus", "Berlin", "", "../etc/passwd", "Europe/Berlin\n", "GMT+25"])
    func refusesUnknownZones(zone: String) {
        #expect(!TimeZone.isKnownIdentifier(zone))
    }
}

struct EmailAddressTests {
    @Test(arguments: ["alice@example.com", "Priya.Raman@Example.com", "a+tag@sub.example.co.uk", "x_y-z@ex-ample.org"])
    func acceptsOrdinaryAddresses(address: String) {
        #expect(EmailAddress.problem(with: address) == nil)
    }

    @Test(arguments: [
        "alice@example.com\r\nRCPT TO:<evil@example.com>", "alice @example.com", "alice@localhost", "alice",
        "a@b@example.com", "@example.com", "alice@", "alice@exa mple.com", "<alice@example.com>", "alice@.example.com",
        "alice..b@example.com", "\"quoted\"@example.com", "álice@example.com", "alice@example..com",
    ])
    func refusesAddressesThatCouldInjectOrBounce(address: String) {
        #expect(EmailAddress.problem(with: address) != nil)
    }
}

struct LinkSignerTests {
    let signer = LinkSigner(secret: "test-secret")

    @Test func tokensVerifyOnlyForTheirSubscriberAddressAndPurpose() throws {
        let token = signer.token(subscriberID: 7, email: "Alice@Example.com", purpose: .unsubscribe)
        let parsed = try #require(LinkSigner.parse(token))
        #expect(parsed.subscriberID == 7 && parsed.purpose == .unsubscribe)
        #expect(signer.verify(token, subscriberID: 7, email: "alice@example.com", purpose: .unsubscribe))
        #expect(!signer.verify(token, subscriberID: 8, email: "alice@example.com", purpose: .unsubscribe))
        #expect(!signer.verify(token, subscriberID: 7, email: "bob@example.com", purpose: .unsubscribe))
        #expect(!signer.verify(token, subscriberID: 7, email: "alice@example.com", purpose: .preferences))
        #expect(!LinkSigner(secret: "other").verify(token, subscriberID: 7, email: "alice@example.com", purpose: .unsubscribe))
        var tampered = Array(token)
        tampered[tampered.count - 1] = tampered.last == "A" ? "B" : "A"
        #expect(!signer.verify(String(tampered), subscriberID: 7, email: "alice@example.com", purpose: .unsubscribe))
    }

    /// Links in mail already sent must keep working: tokens are fixed by the format (values from
    /// Python's hmac and base64.urlsafe_b64encode, padding stripped).
    @Test func tokensAndMessageIDsMatchAnIndependentImplementation() {
        #expect(signer.token(subscriberID: 123_456, email: "A@Example.com", purpose: .unsubscribe) == "123456.u.DCnhoEAllwlMKR75oCKScg")
        #expect(signer.token(subscriberID: 7, email: "zoe@example.org", purpose: .preferences) == "7.p.de-ubG_ov91nwTWQ0jcDow")
        #expect(signer.opaqueID("2026-W48/a@example.com") == "491d94444dffc75d")
    }

    @Test func zeroPaddingMatchesTheFixedWidthFormats() {
        #expect(7.zeroPadded(2) == "07" && 2026.zeroPadded(4) == "2026" && 12.zeroPadded(6) == "000012")
        #expect(12345.zeroPadded(3) == "12345" && 0.zeroPadded(3) == "000" && (-5).zeroPadded(3) == "-005")
        #expect(Edition(year: 987, week: 3)?.description == "0987-W03")
    }

    @Test func tokensAreURLSafe() {
        let token = signer.token(subscriberID: 123_456, email: "a@example.com", purpose: .preferences)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) })
    }
}
