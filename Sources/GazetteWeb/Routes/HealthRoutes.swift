import Foundation
import GazetteCore
import GazetteStore
import Hummingbird
import Prometheus

/// `/healthz` for probes and `/metrics` for Prometheus.
struct HealthRoutes: Sendable {
    let database: any Store
    let metrics: MetricsExporter

    func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in
            do {
                _ = try await database.counts()
                return Reply.text("ok\n")
            } catch {
                return Reply.text("database unavailable\n", status: .serviceUnavailable)
            }
        }
        router.get("/metrics") { _, _ in
            Reply.text(try await metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}

/// Metrics from the ledger and the run history: sends happen in other processes (cron, the daemon), so
/// the database, not this process's memory, is the source of truth. Read at every scrape.
final class MetricsExporter: Sendable {
    let database: any Store
    private let registry = PrometheusCollectorRegistry()
    private let sent: Counter
    private let deferred: Counter
    private let failed: Counter
    private let bounced: Counter
    private let complained: Counter
    private let lastRunTimestamp: Gauge
    private let lastRunDuration: Gauge
    private let activeSubscribers: Gauge

    init(database: any Store) {
        self.database = database
        func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "gazette", metricName: name, unitName: unit, helpText: help)
        }
        sent = registry.makeCounter(descriptor: descriptor("messages_sent", "total", "Messages accepted by the transport, all editions."))
        deferred = registry.makeCounter(descriptor: descriptor("messages_deferred", "total", "Messages waiting for a retry after a temporary failure."))
        failed = registry.makeCounter(descriptor: descriptor("messages_failed", "total", "Messages refused for good."))
        bounced = registry.makeCounter(descriptor: descriptor("messages_bounced", "total", "Messages accepted, then returned as a hard bounce."))
        complained = registry.makeCounter(descriptor: descriptor("messages_complained", "total", "Messages accepted, then reported as spam by the recipient."))
        lastRunTimestamp = registry.makeGauge(descriptor: descriptor("last_run_timestamp", "seconds", "Start of the last send run that sent anything (Unix time)."))
        lastRunDuration = registry.makeGauge(descriptor: descriptor("last_run_duration", "seconds", "Duration of that run."))
        activeSubscribers = registry.makeGauge(descriptor: descriptor("active", "subscribers", "Active subscribers."))
    }

    func render() async throws -> String {
        let totals = try await database.deliveryTotals()
        // Counters mirror ledger totals, which only grow: reset and re-add keeps them equal.
        // A bounce or complaint moves a row out of `sent`; the message was still accepted, so `sent` counts all three.
        let accepted = DeliveryState.allCases.filter(\.wasAccepted).reduce(0) { $0 + (totals[$1] ?? 0) }
        sent.reset()
        sent.increment(by: Int64(accepted))
        for (counter, state) in [(deferred, DeliveryState.deferred), (failed, .failed), (bounced, .bounced), (complained, .complained)] {
            counter.reset()
            counter.increment(by: Int64(totals[state] ?? 0))
        }
        if let run = try await database.lastRun() {
            lastRunTimestamp.set(run.startedAt.timeIntervalSince1970)
            lastRunDuration.set(run.seconds)
        }
        activeSubscribers.set(Double(try await database.subscribers(status: .active).count))
        return registry.emitToString()
    }
}
