import Foundation

/// `--move-to DIR`: processed files leave the inbox, so the next poll does not read them again.
struct ProcessedFileMover {
    let directory: String

    /// - Parameter folder: `new` or `cur` for a Maildir file, which keeps its place in a Maildir at DIR.
    func move(_ path: String, folder: String?) throws {
        let manager = FileManager.default
        var target = directory
        if let folder {
            for sub in ["new", "cur", "tmp"] {
                try manager.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            target += "/\(folder)"
        } else {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let name = URL(fileURLWithPath: path).lastPathComponent
        var destination = "\(target)/\(name)"
        var suffix = 1
        while manager.fileExists(atPath: destination) {
            // Never overwrite an earlier report of the same name.
            destination = "\(target)/\(name).\(suffix)"
            suffix += 1
        }
        do { try manager.moveItem(atPath: path, toPath: destination) } catch {
            throw BounceMoveError(path: path, destination: destination, reason: "\(error.localizedDescription)")
        }
    }
}

struct BounceMoveError: Error, CustomStringConvertible {
    let path: String
    let destination: String
    let reason: String
    var description: String { "cannot move \(path) to \(destination): \(reason)" }
}
