// Fuzzes the four importers (FeedParser) with arbitrary file contents.
//
// Input layout: the first byte is a control byte, the rest is the file's content.
//   bits 0-1  which importer: 0 openings, 1 salaries, 2 certifications, 3 subscribers
//   bit 2     set: prefix the content with that importer's valid CSV header row (and a LF), so
//             mutations get past the header check; clear: the content is the whole file
//   bit 3     set: the file is named `.jsonl` (openings, salaries and certifications read JSON Lines
//             then; subscribers never do) and no header is added
//
// Invariants (a violation calls fatalError, which libFuzzer reports as a crash):
//   - parsing never crashes, whatever the bytes;
//   - every ImportIssue names the file and a line: its description starts with `PATH:LINE:` with
//     LINE >= 0, and LINE is at most the number of line breaks in the file + 1;
//   - no returned text field contains CR or LF (a cell spread over several lines becomes one line);
//   - every returned subscriber's e-mail passes EmailAddress.problem(with:) == nil; e-mails (ignoring
//     case), opening keys (source, id) and certification ids are unique in the result;
//   - line ends do not matter: a file with LF line ends and the same file with CRLF give the same
//     rows and issues on the same lines.

import FuzzSupport
import Foundation
import GazetteCore
import GazetteStore

/// One file per process and extension, overwritten by every input.
nonisolated(unsafe) private var scratchPaths: (csv: String, jsonl: String)?

private func scratch() -> (csv: String, jsonl: String) {
    if let scratchPaths { return scratchPaths }
    let base = FileManager.default.temporaryDirectory.path
        + "/gazette-fuzz-importers-\(ProcessInfo.processInfo.processIdentifier)"
    let made = (csv: base + ".csv", jsonl: base + ".jsonl")
    scratchPaths = made
    return made
}

private func write(_ bytes: [UInt8], to path: String) {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
        fatalError("FuzzImporters: cannot write the scratch file \(path)")
    }
}

private func violation(_ what: String, _ path: String, _ detail: String) -> Never {
    fatalError("FuzzImporters: \(what) (file \(path)): \(detail)")
}

private func checkText(_ value: String, field: String, path: String) {
    if value.utf8.contains(where: { $0 == 10 || $0 == 13 }) {
        violation("a returned text field contains CR or LF", path, "\(field) = \(value.debugDescription)")
    }
}

private func checkIssues(_ issues: [ImportIssue], path: String, content: [UInt8]) {
    let lineBreaks = content.reduce(0) { $0 + ($1 == 10 || $1 == 13 ? 1 : 0) }
    for issue in issues {
        if issue.file != path { violation("an issue names another file", path, issue.description) }
        if issue.line < 0 { violation("an issue has a negative line number", path, issue.description) }
        if issue.line > lineBreaks + 1 {
            violation("an issue names a line beyond the end of the file (\(lineBreaks) line breaks)", path, issue.description)
        }
        // A problem with the file as a whole (line 0) names the file alone.
        if !issue.description.hasPrefix(issue.line > 0 ? "\(path):\(issue.line):" : "\(path): ") {
            violation("an issue does not start with PATH:LINE:", path, issue.description)
        }
    }
}

/// Parses the file with importer `kind`, checks the result and returns it in comparable form.
private func parse(kind: Int, path: String, content: [UInt8]) -> (rows: [AnyHashable], issueLines: [Int]) {
    let rows: [AnyHashable]
    let issues: [ImportIssue]
    switch kind {
    case 0:
        let result = FeedParser.openings(path: path)
        var keys = Set<String>()
        for row in result.rows {
            for (field, value) in [("source", row.source), ("id", row.id), ("company", row.company),
                                   ("title", row.title), ("location", row.location), ("currency", row.currency),
                                   ("url", row.url)] {
                checkText(value, field: field, path: path)
            }
            for item in row.stack { checkText(item, field: "stack", path: path) }
            if !keys.insert("\(row.source)\u{0}\(row.id)").inserted {
                violation("two openings with the same (source, id) were returned", path, "\(row.source) \(row.id)")
            }
        }
        (rows, issues) = (result.rows, result.issues)
    case 1:
        let result = FeedParser.salaries(path: path)
        for row in result.rows {
            for (field, value) in [("stack", row.stack), ("region", row.region), ("currency", row.currency),
                                   ("source", row.source)] {
                checkText(value, field: field, path: path)
            }
        }
        (rows, issues) = (result.rows, result.issues)
    case 2:
        let result = FeedParser.certifications(path: path)
        var ids = Set<String>()
        for row in result.rows {
            for (field, value) in [("id", row.id), ("name", row.name), ("issuer", row.issuer),
                                   ("summary", row.summary), ("url", row.url)] {
                checkText(value, field: field, path: path)
            }
            if !ids.insert(row.id).inserted { violation("two certifications with the same id were returned", path, row.id) }
        }
        (rows, issues) = (result.rows, result.issues)
    default:
        let result = FeedParser.subscribers(path: path)
        var emails = Set<String>()
        for row in result.rows.map(\.subscriber) {
            if let problem = EmailAddress.problem(with: row.email) {
                violation("a subscriber with an invalid e-mail was returned", path, "\(row.email.debugDescription) \(problem)")
            }
            for (field, value) in [("email", row.email), ("name", row.name), ("timezone", row.timeZone)] {
                checkText(value, field: field, path: path)
            }
            for item in row.preferences.languages { checkText(item, field: "languages", path: path) }
            for item in row.preferences.locations { checkText(item, field: "locations", path: path) }
            if !emails.insert(row.email.lowercased()).inserted {
                violation("two subscribers with the same e-mail were returned", path, row.email)
            }
        }
        (rows, issues) = (result.rows.map(\.subscriber), result.issues)
    }
    checkIssues(issues, path: path, content: content)
    return (rows, issues.map(\.line))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let control = input[0]
    let kind = Int(control & 0b11)
    let jsonLines = control & 0b1000 != 0
    let path = jsonLines ? scratch().jsonl : scratch().csv

    var content: [UInt8] = []
    content.reserveCapacity(size + 200)
    if control & 0b100 != 0 && !jsonLines {
        let columns = [FeedParser.openingColumns, FeedParser.salaryColumns, FeedParser.certificationColumns,
                       FeedParser.subscriberColumns][kind]
        content.append(contentsOf: columns.joined(separator: ",").utf8)
        content.append(10)
    }
    content.append(contentsOf: input[1...])
    write(content, to: path)
    let first = parse(kind: kind, path: path, content: content)

    // Line ends must not matter: the same file with CRLF instead of LF gives the same rows and the
    // same problems on the same lines (messages may quote a value, so only lines are compared).
    if content.contains(10) && !content.contains(13) {
        var crlf: [UInt8] = []
        crlf.reserveCapacity(content.count * 2)
        for byte in content {
            if byte == 10 { crlf.append(13) }
            crlf.append(byte)
        }
        write(crlf, to: path)
        let second = parse(kind: kind, path: path, content: crlf)
        if second.rows != first.rows || second.issueLines != first.issueLines {
            violation(
                "the same file with CRLF line ends parses differently", path,
                "LF: \(first.rows.count) rows, issues on lines \(first.issueLines); "
                    + "CRLF: \(second.rows.count) rows, issues on lines \(second.issueLines)")
        }
    }
    return 0
}

/// SwiftPM links an executable's `main` to `<module>_main` (it renames the Swift entry point so that
/// tests can link the module); a harness has no entry point of its own, so this one hands control to
/// libFuzzer's driver.
@_cdecl("FuzzImporters_main")
func fuzzImportersMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
