public import Foundation
public import GazetteCore

/// The database as the rest of Gazette sees it: every read and write the CLI, the web server and the
/// delivery pipeline make, and nothing else (no connection, no SQL, no table names leave this module).
///
/// Two backends implement it: `SQLiteStore` (GRDB, one file on one machine) and, for several machines,
/// PostgreSQL. Every invariant is kept by one method in one transaction, so both backends keep the same
/// guarantees without callers knowing which one they have.
///
/// Adding a method: declare it here (in the section of its table), implement it in `SQLiteStore`
/// (an `extension SQLiteStore` in `Database/`) and in every other backend; a default argument goes in
/// the `extension Store` at the end of this file.
public protocol Store: Sendable {
    // MARK: Migrations and settings

    /// The migrations this database has, in the order they were applied.
    func appliedMigrations() async throws -> [String]
    /// The key for signed links when the operator set none: made once, kept in the database, so links in
    /// mail already sent keep working across runs.
    func installationSecret() async throws -> String
    /// Rows per table (`opening`, `salaryObservation`, `certification`, `subscriber`), for summaries and
    /// the health check.
    func counts() async throws -> [String: Int]

    // MARK: Feeds (openings, salaries, certifications)

    /// Stores openings, replacing any with the same (source, id). One transaction: all or nothing.
    @discardableResult
    func upsertOpenings(_ openings: [Opening]) async throws -> Int
    /// Stores salary observations; a row identical to a stored one is the same observation and is skipped.
    /// - Returns: how many were new.
    @discardableResult
    func insertSalaries(_ observations: [SalaryObservation]) async throws -> Int
    /// Stores certifications, replacing any with the same id.
    @discardableResult
    func upsertCertifications(_ certifications: [Certification]) async throws -> Int
    /// Openings open at `moment`: posted before it and not closed by then.
    func openingsOpen(at moment: Date) async throws -> [Opening]
    /// Salary observations made on the days `from` up to and excluding `until`.
    func salaryObservations(from: CivilDate, until: CivilDate) async throws -> [SalaryObservation]
    func certifications() async throws -> [Certification]

    // MARK: Subscribers

    /// Adds or updates subscribers from an import file, by e-mail ignoring case. One transaction: all or
    /// nothing. An unsubscribed person stays unsubscribed; an erased person (keyed hash suppressed; checked
    /// when `signer` is given) arrives `pending`.
    func importSubscribers(_ rows: [ImportedSubscriber], now: Date, signer: LinkSigner?) async throws -> SubscriberImportSummary
    func subscriber(email: String) async throws -> Subscriber?
    func subscriber(id: Int64) async throws -> Subscriber?
    /// All subscribers (optionally of one status), ordered by id.
    func subscribers(status: SubscriberStatus?) async throws -> [Subscriber]
    /// Active subscribers with an id above `afterID`, in id order (send runs walk the list in batches).
    func activeSubscribers(afterID: Int64, limit: Int) async throws -> [Subscriber]
    /// Subscribers whose address or name contains `text` (ignoring case), in id order.
    func searchSubscribers(_ text: String, limit: Int) async throws -> [Subscriber]
    /// Saves what a subscriber chose on the preferences page.
    func updatePreferences(
        subscriberID: Int64, timeZone: String, sendDay: Weekday, sendHour: Int, preferences: Preferences, now: Date
    ) async throws
    /// Marks a subscriber unsubscribed. Idempotent. - Returns: false when they had already unsubscribed.
    /// - Throws: `StoreError.unknownSubscriber` when nobody has this address.
    @discardableResult
    func unsubscribe(email: String, now: Date) async throws -> Bool
    /// Unsubscribes by id (signed links carry ids). Idempotent. - Returns: false when they had already left.
    @discardableResult
    func unsubscribe(subscriberID: Int64, now: Date) async throws -> Bool

    // MARK: Subscriber lifecycle (signup, confirmation, pause)

    /// Records a signup in one transaction, so that concurrent signups for one address claim the
    /// confirmation slot (`StorePolicy.confirmationInterval`) exactly once.
    func requestSignup(_ subscriber: Subscriber, now: Date) async throws -> SignupOutcome
    /// Makes a pending subscriber active (and lifts an erased person's hash). Idempotent.
    /// - Returns: the subscriber, or nil when the row is gone or they unsubscribed since.
    func confirmSubscription(subscriberID: Int64, now: Date, signer: LinkSigner) async throws -> Subscriber?
    /// Deletes unconfirmed signups older than `StorePolicy.pendingLifetime`. - Returns: how many.
    @discardableResult
    func purgeStalePending(now: Date) async throws -> Int
    /// Pauses digests until `until` (nil resumes them).
    func pause(subscriberID: Int64, until: Date?, now: Date) async throws

    // MARK: Confirmation outbox (the e-mails signups are owed; `requestSignup` records them)

    /// Claims up to `limit` owed confirmations (not sent, link still valid, subscriber still pending, not
    /// claimed by another sender), oldest first, for `StorePolicy.confirmationClaimLifetime`: several
    /// `serve` replicas on one database never mail the same one twice, and one that dies mid-send leaves it
    /// to the others once the claim expires.
    func claimOwedConfirmations(now: Date, limit: Int) async throws -> [OwedConfirmation]
    /// Records that the relay took the e-mail.
    func confirmationSent(_ id: Int64, now: Date) async throws
    /// Records a failed attempt and lets the claim go: the e-mail stays owed and is tried again.
    func confirmationFailed(_ id: Int64, error: String, now: Date) async throws

    // MARK: Suppression list

    /// Addresses that must never be mailed again (repeated hard bounces, complaints).
    func isSuppressed(email: String) async throws -> Bool
    /// Whether an address must not be mailed: suppressed after bounces or complaints, or erased.
    func isSuppressed(email: String, signer: LinkSigner) async throws -> Bool
    func suppressedKeys() async throws -> Set<String>
    func suppress(email: String, reason: String, now: Date) async throws

    // MARK: Personal data (GDPR)

    /// Everything stored about one person. - Returns: nil when no row names this address.
    func personalData(email: String) async throws -> PersonalData?
    /// Erases a person in one transaction; only the keyed hash of the address stays suppressed.
    /// - Returns: false when nothing named the address; nothing is written then.
    @discardableResult
    func erase(email: String, now: Date, signer: LinkSigner) async throws -> Bool

    // MARK: Ledger (one row per edition and subscriber)

    /// Rows left `sending` whose claim expired, or whose holder `isAbandoned` says is certainly gone (a
    /// dead process on this machine), go back to the queue. - Parameter now: the real clock, never `--at`.
    /// - Returns: how many rows were requeued.
    func recoverInterrupted(
        edition: Edition, now: Date, isAbandoned: @escaping @Sendable (String) -> Bool
    ) async throws -> Int
    /// Adds a `queued` row for each subscriber that has none for this edition.
    /// - Returns: the state each subscriber's row had before (absent when new).
    func enqueue(edition: Edition, subscriberIDs: [Int64], now: Date) async throws -> [Int64: DeliveryState]
    /// The current state of each given subscriber's row (absent when there is none).
    func deliveryStates(edition: Edition, subscriberIDs: [Int64]) async throws -> [Int64: DeliveryState]
    /// Claims up to `limit` ready rows for `claimant` until `claimant.expiry`, marking them `sending`: queued
    /// rows in subscriber order, then deferred ones due at `now`, then rows whose claim expired (a sender that
    /// died or stalled). Rows another sender is claiming at that moment are skipped, never waited for. In the
    /// same transaction, every row the claimant still holds in this edition is renewed to the same expiry.
    func claim(
        edition: Edition, now: Date, limit: Int, subscriberIDs: Set<Int64>?, claimant: RowClaimant
    ) async throws -> [DeliveryTicket]
    /// Extends the claimant's claims on the edition's rows it still holds to `claimant.expiry`.
    /// - Returns: how many rows it holds.
    func renewClaims(edition: Edition, claimant: RowClaimant) async throws -> Int
    /// `renewClaims`, blocking the calling thread until it is done. Only for the claims' heartbeat, which
    /// runs on a thread of its own so that it beats even when every thread of Swift's pool is busy; never
    /// call it from async code.
    func renewClaimsBlocking(edition: Edition, claimant: RowClaimant) throws -> Int
    /// Writes what happened to each row (sent, deferred, failed, skipped) and clears its claim, all in
    /// one transaction: the outcomes of one batch, or the sent marks of several connections at once.
    func record(_ entries: [LedgerEntry], now: Date) async throws
    /// `record`, blocking the calling thread until it is committed: for the connections' own threads,
    /// which must not start their next message before the last one's `sent` mark is stored (that bounds
    /// the duplicates a kill can cause). Never call it from async code.
    func recordBlocking(_ entries: [LedgerEntry], now: Date) throws
    /// Puts rows `holder` claimed but never attempted back in the queue (a run stopping early); rows another
    /// sender has taken over since are left alone.
    func releaseClaims(deliveryIDs: [Int64], holder: String, now: Date) async throws
    /// How many rows of the edition are in each state.
    func deliveryCounts(edition: Edition) async throws -> [DeliveryState: Int]
    /// Ledger rows per state over all editions.
    func deliveryTotals() async throws -> [DeliveryState: Int]
    /// Rows that are deferred and not yet due again at `now`.
    func waitingDeferredCount(edition: Edition, now: Date) async throws -> Int
    /// How many messages to this subscriber were refused for good (5xx), over all editions.
    func hardFailureCount(subscriberID: Int64) async throws -> Int
    /// Whether any run has recorded anything for this edition.
    func hasDeliveries(edition: Edition) async throws -> Bool
    /// Editions that have ledger rows, newest first.
    func editionsWithDeliveries() async throws -> [String]
    /// Rows that did not end well (failed, deferred, bounced, complained), for `status`.
    func problemDeliveries(edition: Edition) async throws -> [(email: String, row: DeliveryRow)]
    /// Who holds the edition's rows in flight (`sending`), how many each, and until when, for `status`.
    func claimsInFlight(edition: Edition) async throws -> [ClaimsInFlight]

    // MARK: Bounces and complaints

    /// The delivery whose message carried this Message-ID.
    func delivery(messageID: String) async throws -> DeliveryReference?
    /// Applies one returned report to the ledger, the subscriber and the suppression list, in one
    /// transaction. Idempotent: the same report again answers `.alreadyRecorded`.
    func record(_ report: ReturnedReport, for delivery: DeliveryReference, diagnostic: String, now: Date) async throws -> ReportEffect
    /// Rows with a soft bounce recorded, for `status`.
    func softBounceCount(edition: Edition) async throws -> Int

    // MARK: Send run history

    /// Remembers a run that did something (idle passes of the scheduler are not recorded).
    func recordRun(_ run: SendRunRecord) async throws
    func lastRun() async throws -> SendRunRecord?
}

/// The rules the store applies the same way in every backend.
public enum StorePolicy {
    /// At most one confirmation e-mail per address in this interval, however many signups arrive.
    public static let confirmationInterval: TimeInterval = 10 * 60
    /// Unconfirmed signups older than this are deleted by `send`.
    public static let pendingLifetime: TimeInterval = 30 * 86_400
    /// A confirmation link works this long; an owed e-mail not sent by then is given up (its link would not work).
    public static let confirmationLinkLifetime: TimeInterval = 7 * 86_400
    /// How long a sender's claim on an owed confirmation lasts: longer than one send takes.
    public static let confirmationClaimLifetime: TimeInterval = 60
    /// Soft bounces in this many consecutive editions suppress an address.
    public static let softBouncesBeforeSuppression = 3
}

// Default arguments, which protocol requirements cannot have, and what every backend computes the same way.
extension Store {
    public func importSubscribers(_ rows: [ImportedSubscriber], now: Date) async throws -> SubscriberImportSummary {
        try await importSubscribers(rows, now: now, signer: nil)
    }

    public func importSubscribers(_ subscribers: [Subscriber], now: Date, signer: LinkSigner? = nil) async throws -> SubscriberImportSummary {
        try await importSubscribers(subscribers.map { ImportedSubscriber($0) }, now: now, signer: signer)
    }

    public func subscribers() async throws -> [Subscriber] { try await subscribers(status: nil) }

    public func claimOwedConfirmations(now: Date) async throws -> [OwedConfirmation] {
        try await claimOwedConfirmations(now: now, limit: 100)
    }

    /// Claims for an anonymous claimant that never renews (tools and tests): its claims last a day, so that
    /// however slow the machine, they do not expire while the caller looks at them.
    public func claim(edition: Edition, now: Date, limit: Int) async throws -> [DeliveryTicket] {
        try await claim(
            edition: edition, now: now, limit: limit, subscriberIDs: nil, claimant: RowClaimant(holder: "anonymous", lifetime: 86_400))
    }

    /// Requeues only rows whose claim expired.
    public func recoverInterrupted(edition: Edition, now: Date) async throws -> Int {
        try await recoverInterrupted(edition: edition, now: now, isAbandoned: { _ in false })
    }

    /// Everything edition `edition` shows that is the same for every reader.
    public func editionContent(_ edition: Edition, rules: EditionContent.Rules = .init()) async throws -> EditionContent {
        // The salary changes compare W−1 with W−2; the trend charts draw W−8 … W−1.
        let firstWeek = edition.advanced(by: -SalaryTrend.weekCount)
        let openings = try await openingsOpen(at: edition.start)
        let salaries = try await salaryObservations(
            from: CivilDate(daysSinceEpoch: firstWeek.startDay), until: CivilDate(daysSinceEpoch: edition.startDay))
        return EditionContent(
            edition: edition, openings: openings, salaries: salaries, catalogue: try await certifications(), rules: rules)
    }
}
