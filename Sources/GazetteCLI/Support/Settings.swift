import GazetteCore
import GazetteStore
import GazetteMail

/// Everything configurable, read once at start-up (flags > environment > env file > defaults).
struct Settings: Sendable {
    /// A SQLite file, or a PostgreSQL database (whose password `description` leaves out).
    var database: DatabaseLocation
    var smtpURL: String?
    var smtpTLS: String?
    var smtpUsername: String?
    var smtpPassword: String?
    var smtpCAFile: String?
    /// Longest wait for one SMTP reply, the final dot's included (RFC 5321 asks for 10 minutes).
    var smtpTimeoutSeconds: Int
    var outbox: String
    var from: Mailbox
    var baseURL: String
    var secret: String?
    var templates: String
    var templatesExplicit: Bool
    var postalAddress: String
    /// Hours after its week ends that an edition may still be sent.
    var graceHours: Int
    /// How long a send run's claims on ledger rows last without renewal (its heartbeat renews them every
    /// quarter of that): the longest the rows of a killed or frozen sender on another machine wait for the others.
    var leaseSeconds: Int
    var logLevel: String
    /// Protects the operator pages of `gazette serve` when it is bound beyond loopback.
    var operatorToken: String?
    /// `GAZETTE_BOUNCE_ADDRESS`: base of the VERP envelope senders; nil → the From address.
    var bounceAddress: BounceAddress?
    /// Enables the subscriber API (`/api/v1`) of `gazette serve`, as a Bearer token; unset, `/api` is 404.
    var apiToken: String?
    /// DKIM signing, when all three `GAZETTE_DKIM_*` keys are set; the key is read when mail is built.
    var dkim: DKIMSettings?
    /// Problems that do not stop Gazette (env file lines, file permissions), logged once at start-up.
    var warnings: [String] = []
}

/// Where the DKIM key is and what the signatures name (`d=`, `s=`).
struct DKIMSettings: Sendable {
    var domain: String
    var selector: String
    var keyFile: String
}
