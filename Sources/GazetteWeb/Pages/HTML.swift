import Foundation
import GazetteTemplates

/// The small HTML toolkit of the operator pages: every piece of data goes through `escape`. The subscriber
/// pages are Mustache templates instead (`Templates/pages/`, `PageRenderer`).
enum HTML {
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// A whole page: static layout around `body` (already escaped by its builder).
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>\(escape(title))</title>
        <style>
        /* The e-mail's card, type and colours (Templates/digest.html.mustache), readable on a phone, no script. */
        body { margin: 0; padding: 24px 8px; background: #f3f4f6; color: #1f2937; font: 16px/1.5 Helvetica, Arial, sans-serif; }
        main { box-sizing: border-box; max-width: 960px; margin: 0 auto; padding: 28px 32px; background: #fff; border-radius: 8px; }
        main.narrow { max-width: 600px; }
        h1 { margin: 0 0 12px; font-size: 24px; line-height: 30px; color: #111827; }
        h2 { margin: 28px 0 8px; padding-bottom: 8px; font-size: 17px; color: #111827; border-bottom: 1px solid #e5e7eb; }
        a { color: #1d4ed8; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e7eb; }
        iframe { width: 100%; height: 900px; border: 1px solid #e5e7eb; }
        pre { white-space: pre-wrap; background: #f3f4f6; padding: 1rem; }
        .error { color: #b91c1c; }
        .ok { color: #047857; }
        button { font: inherit; padding: 10px 20px; margin: 4px 4px 4px 0; border: 0; border-radius: 6px; background: #1d4ed8; color: #fff; cursor: pointer; }
        label { display: block; margin: 14px 0 4px; font-weight: 600; color: #111827; }
        input[type=text], input[type=email], input[type=number], select {
            box-sizing: border-box; width: 100%; max-width: 28rem; padding: 8px; font: inherit;
            border: 1px solid #d1d5db; border-radius: 6px; background: #fff; color: inherit; }
        @media (prefers-color-scheme: dark) {
            body { background: #0f1216; color: #e8eaed; }
            main { background: #1b2027; }
            h1, h2, label { color: #e8eaed; }
            h2, th, td { border-color: #313843; }
            a { color: #8ab4ff; }
            input[type=text], input[type=email], input[type=number], select { background: #0f1216; border-color: #313843; }
        }
        @media (max-width: 620px) { body { padding: 0; } main { border-radius: 0; padding: 20px 16px; } }
        </style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>
        """
    }
}
