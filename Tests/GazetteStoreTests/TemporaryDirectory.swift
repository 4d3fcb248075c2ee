import Foundation

/// A fresh directory under /tmp for one test, with helpers to write input files into it.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "gazette-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ contents: String) throws -> String {
        let full = "\(path)/\(name)"
        try contents.write(toFile: full, atomically: true, encoding: .utf8)
        return full
    }

    func file(_ name: String, bytes: [UInt8]) throws -> String {
        let full = "\(path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }
}
