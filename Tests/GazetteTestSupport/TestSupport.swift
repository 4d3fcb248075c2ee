public import Foundation

/// Test support shared by the test targets: real peers (smtp-sink, an aiosmtpd server, a throwaway CA),
/// the independent message checker, and small decoders. Python helpers live in `Tests/Support/`.
public enum TestSupport {
    /// The repository's root directory (this file is `Tests/GazetteTestSupport/TestSupport.swift`).
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A file under `Tests/Support/`.
    public static func supportFile(_ name: String) -> String {
        repository.appendingPathComponent("Tests/Support/\(name)").path
    }
}
