import Foundation
import GazetteMail
import Testing

struct SmtpConfigurationTests {
    /// The error text of a refused configuration, or nil if it was accepted.
    func refusal(
        _ url: String, tls: String? = nil, username: String? = nil, password: String? = nil, caFile: String? = nil
    ) -> String? {
        do {
            _ = try SmtpConfiguration.parse(url: url, tls: tls, username: username, password: password, caFile: caFile)
            return nil
        } catch {
            guard case .configuration(let detail) = error else { return "unexpected \(error)" }
            return detail
        }
    }

    @Test func schemesChooseTheirTLSModeAndPort() throws {
        let submission = try SmtpConfiguration.parse(url: "smtp://mail.example.com:587")
        #expect(submission.tls == .starttls)
        #expect(submission.port == 587)
        #expect(submission.url == "smtp://mail.example.com:587/")

        let implicit = try SmtpConfiguration.parse(url: "SMTPS://mail.example.com")
        #expect(implicit.tls == .tls)
        #expect(implicit.port == 465)
        #expect(implicit.scheme == "smtps")

        #expect(try SmtpConfiguration.parse(url: "smtp://mail.example.com").port == 25)
        #expect(try SmtpConfiguration.parse(url: "smtp://mail.example.com", tls: " StartTLS ").tls == .starttls)
    }

    @Test func clearTextOnlyWhenChosen() throws {
        let plain = try SmtpConfiguration.parse(url: "smtp://127.0.0.1:2525", tls: "none")
        #expect(plain.tls == .none)
        #expect(plain.summary == "SMTP smtp://127.0.0.1:2525 (clear text, no AUTH)")
        #expect(try SmtpConfiguration.parse(url: "smtp://127.0.0.1:2525", tls: "").tls == .starttls)
    }

    @Test func pathIsTheEhloName() throws {
        #expect(try SmtpConfiguration.parse(url: "smtp://relay.example.com:587/news.example.com").heloName == "news.example.com")
        #expect(try SmtpConfiguration.parse(url: "smtp://relay.example.com:587/").heloName == nil)
        #expect(try SmtpConfiguration.parse(url: "smtp://[::1]:25").url == "smtp://[::1]:25/")
    }

    @Test(arguments: [
        ("ftp://mail.example.com", nil, "unsupported scheme"),
        ("mail.example.com:587", nil, "unsupported scheme"),
        ("smtp://", nil, "no valid host"),
        ("smtp://mail example.com", nil, "not a valid URL"),
        ("smtp://mail.example.com:0", nil, "invalid port"),
        ("smtp://mail.example.com:587/a/b", nil, "must be a host name"),
        ("smtp://mail.example.com:587/%0d%0aRCPT", nil, "must be a host name"),
        ("smtp://mail.example.com:587?x=1", nil, "query"),
        ("smtp://mail.example.com:587", "tls", "needs an smtps:// URL"),
        ("smtps://mail.example.com", "starttls", "TLS from the start"),
        ("smtps://mail.example.com", "none", "TLS from the start"),
        ("smtp://mail.example.com", "try", "unknown SMTP TLS mode"),
    ] as [(String, String?, String)])
    func refusesAmbiguousSettings(url: String, tls: String?, expected: String) {
        let text = refusal(url, tls: tls)
        #expect(text?.contains(expected) == true, "\(url) tls=\(tls ?? "nil"): \(text ?? "accepted")")
    }

    @Test func credentialsNeverInTheURLOrInTexts() throws {
        let inURL = refusal("smtp://bob:hunter2-secret@mail.example.com:587")
        #expect(inURL?.contains("must not contain credentials") == true)
        #expect(inURL?.contains("hunter2-secret") == false)

        #expect(refusal("smtp://mail.example.com", username: "bob")?.contains("both") == true)
        #expect(refusal("smtp://mail.example.com", password: "hunter2-secret")?.contains("both") == true)
        #expect(refusal("smtp://mail.example.com", username: "bob", password: "a\r\nb")?.contains("control character") == true)

        let configuration = try SmtpConfiguration.parse(
            url: "smtp://mail.example.com:587", username: "gazette-sender", password: "hunter2-secret")
        #expect(configuration.summary == "SMTP smtp://mail.example.com:587 (STARTTLS required, AUTH)")
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [configuration.summary, "\(configuration)", String(reflecting: configuration), dumped, configuration.url] {
            #expect(!text.contains("hunter2-secret") && !text.contains("gazette-sender"), "\(text)")
        }
    }

    @Test func caFileMustBeReadable() throws {
        #expect(refusal("smtp://mail.example.com", caFile: "/nonexistent/ca.pem")?.contains("not readable") == true)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gazette-ca-\(UUID().uuidString).pem")
        try "not checked here".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try SmtpConfiguration.parse(url: "smtp://mail.example.com", caFile: file.path).caFile == file.path)
    }
}
