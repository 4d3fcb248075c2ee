import Foundation
import GazetteCore
import Testing

struct LinkTokenTests {
    let signer = LinkSigner(secret: "token-test-secret")
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func expiringTokenVerifiesUntilItsExpiryThenIsExpired() {
        let token = signer.token(subscriberID: 7, email: "A@Example.com", purpose: .confirm, expires: now.addingTimeInterval(7 * 86_400))
        #expect(signer.verifyScoped(token, subscriberID: 7, email: "a@example.com", purpose: .confirm, now: now) == .valid)
        #expect(signer.verifyScoped(token, subscriberID: 7, email: "a@example.com", purpose: .confirm, now: now.addingTimeInterval(7 * 86_400))
            == .expired)
    }

    @Test func alteredForeignOrMisusedTokensAreInvalid() {
        let token = signer.token(subscriberID: 7, email: "a@example.com", purpose: .confirm, expires: now.addingTimeInterval(60))
        var parts = token.split(separator: ".").map(String.init)
        parts[parts.count - 2] = String(Int(parts[parts.count - 2])! + 86_400)  // a longer life, forged
        let forged = [parts[0], parts[1], ""] .joined(separator: ".") + "." + parts[2...].joined(separator: ".")
        for candidate in [forged, token + "x", "7.c..1.abc", "", "....", "7.p..99999999999.x"] {
            #expect(signer.verifyScoped(candidate, subscriberID: 7, email: "a@example.com", purpose: .confirm, now: now) == .invalid)
        }
        #expect(signer.verifyScoped(token, subscriberID: 7, email: "b@example.com", purpose: .confirm, now: now) == .invalid)
        #expect(signer.verifyScoped(token, subscriberID: 8, email: "a@example.com", purpose: .confirm, now: now) == .invalid)
        #expect(signer.verifyScoped(token, subscriberID: 7, email: "a@example.com", purpose: .view, now: now) == .invalid)
        #expect(LinkSigner(secret: "other").verifyScoped(token, subscriberID: 7, email: "a@example.com", purpose: .confirm, now: now)
            == .invalid)
    }

    @Test func viewTokensAreScopedToOneEdition() {
        let token = signer.token(subscriberID: 3, email: "v@example.com", purpose: .view, scope: "2026-W48", expires: now.addingTimeInterval(60))
        #expect(signer.verifyScoped(token, subscriberID: 3, email: "v@example.com", purpose: .view, scope: "2026-W48", now: now) == .valid)
        #expect(signer.verifyScoped(token, subscriberID: 3, email: "v@example.com", purpose: .view, scope: "2026-W49", now: now) == .invalid)
    }

    @Test func oldTokensStillVerifyAndAreNotReadAsNewOnes() {
        let old = signer.token(subscriberID: 7, email: "a@example.com", purpose: .unsubscribe)
        #expect(signer.verify(old, subscriberID: 7, email: "a@example.com", purpose: .unsubscribe))
        #expect(LinkSigner.parseScoped(old) == nil)
        let new = signer.token(subscriberID: 7, email: "a@example.com", purpose: .unsubscribe, expires: now)
        #expect(LinkSigner.parse(new) == nil)
    }

    @Test func addressHashIgnoresCaseAndDependsOnTheKey() {
        #expect(signer.addressHash("A@Example.com") == signer.addressHash("a@example.com"))
        #expect(signer.addressHash("a@example.com").count == 64)
        #expect(LinkSigner(secret: "other").addressHash("a@example.com") != signer.addressHash("a@example.com"))
    }
}
