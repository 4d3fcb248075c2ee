import Foundation
import Testing

/// The charts as a reader's browser draws them: the e-mail's table cells from `preview`, the SVG of
/// `/view/TOKEN` from a real `gazette serve`, and the operator index's ledger chart, in headless Chromium.
struct ChartBrowserTests {
    static let roster = """
        email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status
        two@example.com,Two Groups,Etc/UTC,mon,9,Go;Python,senior,,,150000,active

        """

    static func sampleDatabase() throws -> CommandRunner {
        let gazette = try CommandRunner()
        for kind in ["openings", "salaries", "certifications"] {
            let path = CommandRunner.repository.appendingPathComponent("Samples/\(kind).csv").path
            let result = try gazette.run(["import", kind, path])
            #expect(result.status == 0, "\(kind): \(result.stderr)")
        }
        #expect(try gazette.run(["subscribers", "import", try gazette.file("roster.csv", Self.roster)]).status == 0)
        return gazette
    }

    static func fileSize(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    @Test func theDigestsChartsRenderInABrowserInLightAndDarkMode() throws {
        let browser = try #require(BrowserTests.chromium, "headless Chromium is needed: apt-get install chromium (scripts/install-deps --test)")
        let gazette = try Self.sampleDatabase()
        let preview = try gazette.run(["preview", "--subscriber", "two@example.com", "--week", "2026-W48", "--format", "html"])
        #expect(preview.status == 0, "\(preview.stderr)")
        let page = try gazette.file("digest.html", preview.stdout)
        let dom = try BrowserTests().browse(browser, "file://\(page)", screenshot: "\(gazette.directory)/light.png")
        // Two groups followed: two column charts of seven bars (W45 is a gap), two range bars, two markers.
        #expect(dom.components(separatedBy: "class=\"gz-chart-bar\"").count == 1 + 14)
        #expect(dom.components(separatedBy: "class=\"gz-chart-median\"").count == 1 + 2)
        #expect(dom.components(separatedBy: "class=\"gz-chart-marker\"").count == 1 + 2)
        #expect(dom.contains("aria-label=\"Senior Go, median salary by week: 2026-W40 "))
        #expect(!dom.contains("<svg"))
        let environment = ["HOME": NSTemporaryDirectory(), "PATH": "/usr/bin:/bin"]
        let dark = "\(gazette.directory)/dark-phone.png"
        let shot = try CommandRunner.execute(
            browser,
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
             "--force-dark-mode", "--window-size=390,2400", "--screenshot=\(dark)", "file://\(page)"],
            environment: environment, in: NSTemporaryDirectory())
        #expect(shot.status == 0, "\(shot.stderr)")
        // A blank page compresses to a few kilobytes; the digest with its charts does not.
        for picture in ["\(gazette.directory)/light.png", dark] {
            #expect(Self.fileSize(picture) > 30_000, "\(picture) looks blank")
        }
    }

    @Test func viewInBrowserDrawsSVGAndTheIndexChartsTheLedger() async throws {
        let browser = try #require(BrowserTests.chromium, "headless Chromium is needed: apt-get install chromium (scripts/install-deps --test)")
        let gazette = try Self.sampleDatabase()
        let sent = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now"])
        #expect(sent.lastLine.hasPrefix("2026-W48: sent 1,"), "\(sent.stdout) \(sent.stderr)")
        let message = try #require(try gazette.checkMessages(try gazette.outboxFiles()).first)
        let text = try #require(message.text)
        let viewRange = try #require(text.range(of: #"/view/[A-Za-z0-9._-]+"#, options: .regularExpression))

        let port = 20_000 + Int.random(in: 0..<20_000)
        let server = try gazette.serve(port: port)
        defer { kill(server.processIdentifier, SIGKILL) }
        let base = "http://127.0.0.1:\(port)"
        try await BrowserTests().waitForHealth("\(base)/healthz")

        let view = try BrowserTests().browse(browser, base + text[viewRange], screenshot: "\(gazette.directory)/view.png")
        // Two column charts and two range bars, as SVG with titles; no table-cell chart left.
        #expect(view.components(separatedBy: "<svg ").count == 1 + 4)
        #expect(view.components(separatedBy: "class=\"gz-svg-bar\"").count == 1 + 14)
        #expect(view.contains("<title>Your minimum, $150,000, is "))
        #expect(!view.contains("class=\"gz-chart-bar\"") && !view.contains("<script"))
        #expect(Self.fileSize("\(gazette.directory)/view.png") > 30_000)

        let index = try BrowserTests().browse(browser, base + "/", screenshot: "\(gazette.directory)/index.png")
        #expect(index.contains("id=\"delivery-chart\""))
        #expect(index.contains("<title>2026-W48 sent: 1</title>"))
    }
}
