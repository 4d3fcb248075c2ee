import ArgumentParser
import Foundation
import GazetteMail
import SystemPackage

/// `gazette dkim keygen --domain D --selector S [--type rsa|ed25519] --out FILE`
struct DKIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim",
        abstract: "DKIM signing keys.",
        subcommands: [Keygen.self]
    )

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new DKIM private key (mode 600) and print the DNS TXT record to publish.",
            discussion: """
                Exit status: 0 written; 64 usage; 73 the output file exists already (it is never overwritten).
                """)

        @Option(help: "The signing domain (d=), normally the domain of GAZETTE_FROM.") var domain: String
        @Option(help: "The selector (s=): the key is published at SELECTOR._domainkey.DOMAIN.") var selector: String
        @Option(help: "rsa (2048 bits, understood everywhere) or ed25519 (RFC 8463, smaller and faster; sign with both for now).")
        var type: KeyType = .rsa
        @Option(help: "Where to write the PEM private key; it must not exist.") var out: String

        enum KeyType: String, ExpressibleByArgument, CaseIterable {
            case rsa, ed25519
            var kind: DKIMPrivateKey.Kind { self == .rsa ? .rsa : .ed25519 }
        }

        func validate() throws {
            if !DKIMSigner.isDNSName(domain) || !domain.contains(".") {
                throw ValidationError("--domain \(domain.debugDescription) is not a valid DNS name")
            }
            if !DKIMSigner.isDNSName(selector) { throw ValidationError("--selector \(selector.debugDescription) is not a valid DNS name") }
        }

        func run() async throws {
            try await reporting {
                let key = try DKIMPrivateKey.generate(type.kind)
                let signer = try DKIMSigner(domain: domain, selector: selector, key: key)
                try Self.writeNew(path: out, contents: key.pemRepresentation)
                let record = DKIMRecord(signer: signer)
                print("wrote a new \(key.algorithm) key to \(out) (mode 600)")
                print("publish this DNS TXT record:")
                print(record.zoneLine)
                print("then set GAZETTE_DKIM_DOMAIN=\(signer.domain) GAZETTE_DKIM_SELECTOR=\(signer.selector) GAZETTE_DKIM_KEY_FILE=\(out)")
            }
        }

        /// Creates the file owner-only and exclusively: an existing key is never replaced, since its
        /// public half may be published and in use.
        static func writeNew(path: String, contents: String) throws {
            let descriptor: FileDescriptor
            do {
                descriptor = try FileDescriptor.open(
                    FilePath(path), .writeOnly, options: [.create, .exclusiveCreate], permissions: [.ownerReadWrite])
            } catch let error as Errno where error == .fileExists {
                FileHandle.standardError.write(Data("gazette: \(path) exists already; choose another --out (a key is never overwritten)\n".utf8))
                throw ExitCode(ExitStatus.cannotCreate)
            } catch {
                throw SettingsError("--out \(path): \(error)")
            }
            try descriptor.closeAfter { _ = try descriptor.writeAll(Array(contents.utf8)) }
        }
    }
}
