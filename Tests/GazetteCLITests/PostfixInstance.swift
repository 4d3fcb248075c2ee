import Foundation
import Testing

/// A real Postfix on a loopback port, in its own configuration and queue directories (the machine's
/// own Postfix is neither used nor started). Local recipients are accepted at RCPT time whatever they
/// are (`local_recipient_maps =`), so a missing mailbox bounces after the session, as behind a real
/// relay; mail for `discard.test` is accepted and dropped; the bounce address goes to a `pipe` service.
final class PostfixInstance {
    static var isAvailable: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/postfix") }

    let directory: String
    let port: Int
    let log: String
    private let process: Process

    /// - Parameters:
    ///   - bounceAddress: the base address whose VERP variants go to the pipe.
    ///   - pipeUser: who runs the pipe command (Postfix refuses root).
    ///   - pipeArgv: the command, its arguments separated by spaces (no quoting: pipe does not use a shell).
    init(bounceAddress: String, pipeUser: String, pipeArgv: String) throws {
        // Its own directory: the queue must stay owned by root and postfix, whatever the test does to its files.
        directory = NSTemporaryDirectory() + "gazette-postfix-\(UUID().uuidString)"
        log = "\(directory)/maillog"
        let manager = FileManager.default
        for sub in ["config", "queue", "data"] {
            try manager.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        try Self.run("/bin/chown", ["postfix", "\(directory)/data"])
        try "\(bounceAddress) gazette-bounces:\ndiscard.test discard:\n".write(toFile: "\(directory)/config/transport", atomically: true, encoding: .utf8)
        var started: (Process, Int)?
        for _ in 0..<10 where started == nil {
            let port = 30_000 + Int.random(in: 0..<20_000)
            try """
                compatibility_level = 3.7
                queue_directory = \(directory)/queue
                data_directory = \(directory)/data
                mail_owner = postfix
                setgid_group = postdrop
                inet_interfaces = 127.0.0.1
                inet_protocols = ipv4
                myhostname = mx.gazette.test
                mydomain = gazette.test
                myorigin = gazette.test
                mydestination = gazette.test
                mynetworks = 127.0.0.0/8
                local_recipient_maps =
                alias_maps =
                alias_database =
                recipient_delimiter = +
                transport_maps = texthash:\(directory)/config/transport
                gazette-bounces_destination_recipient_limit = 1
                smtputf8_enable = no
                biff = no
                maillog_file = /dev/stdout
                """.write(toFile: "\(directory)/config/main.cf", atomically: true, encoding: .utf8)
            // Every service unchrooted: the queue directory is a plain temporary directory.
            try """
                127.0.0.1:\(port) inet n - n - - smtpd
                pickup    unix  n - n 60 1 pickup
                cleanup   unix  n - n - 0 cleanup
                qmgr      unix  n - n 300 1 qmgr
                rewrite   unix  - - n - - trivial-rewrite
                bounce    unix  - - n - 0 bounce
                defer     unix  - - n - 0 bounce
                trace     unix  - - n - 0 bounce
                verify    unix  - - n - 1 verify
                flush     unix  n - n 1000 0 flush
                proxymap  unix  - - n - - proxymap
                smtp      unix  - - n - - smtp
                showq     unix  n - n - - showq
                error     unix  - - n - - error
                retry     unix  - - n - - error
                discard   unix  - - n - - discard
                local     unix  - n n - - local
                anvil     unix  - - n - 1 anvil
                scache    unix  - - n - 1 scache
                postlog   unix-dgram n - n - 1 postlogd
                gazette-bounces unix - n n - 2 pipe
                  flags=DOR user=\(pipeUser) argv=\(pipeArgv)

                """.write(toFile: "\(directory)/config/master.cf", atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/postfix")
            process.arguments = ["-c", "\(directory)/config", "start-fg"]
            _ = manager.createFile(atPath: log, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardError = process.standardOutput
            try process.run()
            // Starting takes a few seconds on a busy machine (postfix-script checks the queue first); a
            // process that exits meanwhile found its port taken, and the next attempt picks another.
            var listening = false
            let deadline = Date().addingTimeInterval(30)
            while !listening, process.isRunning, Date() < deadline {
                listening = SmtpTestProcess.waitUntilListening(port: port)
            }
            if listening {
                started = (process, port)
            } else {
                Self.stop(directory)
                process.terminate()
            }
        }
        let (process, port) = try #require(started, "Postfix did not start; its log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        self.process = process
        self.port = port
    }

    deinit {
        Self.stop(directory)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Waits until `condition` holds (checked every 200 ms), at most `seconds`.
    func wait(seconds: Double, until condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(200_000)
        }
        return try condition()
    }

    private static func stop(_ directory: String) {
        _ = try? run("/usr/sbin/postfix", ["-c", "\(directory)/config", "stop"])
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
