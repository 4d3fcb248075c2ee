#!/usr/bin/env python3
"""Scriptable SMTP server for Gazette's SMTP transport tests (aiosmtpd on 127.0.0.1).

Each event is written to --events as one JSON object per line: connect, starttls, ehlo,
auth, mail, rcpt, message, idle-timeout, disconnect (with the client's port as "peer").
Each accepted message is saved to --messages/NNNN.eml exactly as received, after the
server has undone dot-stuffing.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--events", required=True, help="JSON-lines event log")
    parser.add_argument("--messages", required=True, help="directory for received messages")
    parser.add_argument("--auth-user", help="require AUTH with this user name")
    parser.add_argument("--auth-password", help="... and this password")
    parser.add_argument("--tempfail", action="append", default=[], metavar="ADDRESS",
                        help="answer 451 to RCPT TO for this address")
    parser.add_argument("--reject", action="append", default=[], metavar="ADDRESS",
                        help="answer 550 to RCPT TO for this address")
    parser.add_argument("--tls-cert", help="PEM certificate chain: offer and require STARTTLS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--implicit-tls", action="store_true",
                        help="TLS from the first byte (smtps) instead of STARTTLS")
    parser.add_argument("--idle-timeout", type=float, default=300,
                        help="close a connection idle this many seconds")
    parser.add_argument("--idle-close", choices=["421", "silent"], default="421",
                        help="say 421 before closing an idle connection, or close silently")
    return parser.parse_args()


class Events:
    def __init__(self, path):
        self.file = open(path, "a", buffering=1, encoding="utf-8")

    def write(self, event, **fields):
        self.file.write(json.dumps(dict(event=event, **fields)) + "\n")
        self.file.flush()


class TestSMTP(SMTP):
    """aiosmtpd's server, plus connection events and a configurable idle close."""

    def __init__(self, handler, *, events, idle_close, **kwargs):
        super().__init__(handler, **kwargs)
        self.events = events
        self.idle_close = idle_close
        self.peer_port = None

    def connection_made(self, transport):
        # Called again with the TLS transport after STARTTLS: same TCP connection.
        upgrading = self.transport is not None
        super().connection_made(transport)
        if upgrading:
            self.events.write("starttls", peer=self.peer_port)
        else:
            self.peer_port = self.session.peer[1]
            self.events.write("connect", peer=self.peer_port)

    def connection_lost(self, error):
        self.events.write("disconnect", peer=self.peer_port)
        super().connection_lost(error)

    def _timeout_cb(self):
        self.events.write("idle-timeout", peer=self.peer_port)
        if self.idle_close == "421" and self.transport is not None:
            self.transport.write(b"421 4.4.2 gazette-test Error: timeout exceeded\r\n")
        super()._timeout_cb()


class Handler:
    def __init__(self, arguments, events):
        self.arguments = arguments
        self.events = events
        self.count = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.events.write("ehlo", peer=server.peer_port, hostname=hostname)
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.events.write("mail", peer=server.peer_port, address=address)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.arguments.tempfail:
            reply = f"451 4.3.0 <{address}>: Temporarily unavailable, try again later"
        elif address in self.arguments.reject:
            reply = f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        else:
            envelope.rcpt_tos.append(address)
            reply = "250 2.1.5 Ok"
        self.events.write("rcpt", peer=server.peer_port, address=address, reply=reply)
        return reply

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = f"{self.count:04d}.eml"
        path = os.path.join(self.arguments.messages, name)
        with open(path + ".tmp", "wb") as file:
            file.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        self.events.write("message", peer=server.peer_port, file=name, sender=envelope.mail_from,
                          recipients=envelope.rcpt_tos,
                          tls=server.transport.get_extra_info("ssl_object") is not None,
                          authenticated=bool(session.authenticated))
        return f"250 2.0.0 Ok: queued as GZ{self.count:04d}"


def make_authenticator(user, password, events):
    def authenticate(server, session, envelope, mechanism, auth_data):
        success = (isinstance(auth_data, LoginPassword)
                   and auth_data.login == user.encode()
                   and auth_data.password == password.encode())
        events.write("auth", peer=server.peer_port, mechanism=mechanism, success=success)
        return AuthResult(success=success, handled=False)
    return authenticate


def main():
    arguments = parse_arguments()
    warnings.simplefilter("ignore")  # "AUTH without TLS": deliberate in some tests
    events = Events(arguments.events)
    handler = Handler(arguments, events)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    context = None
    if arguments.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
    starttls = context is not None and not arguments.implicit_tls
    authenticator = None
    if arguments.auth_user:
        authenticator = make_authenticator(arguments.auth_user, arguments.auth_password or "", events)

    def factory():
        return TestSMTP(
            handler, events=events, idle_close=arguments.idle_close, loop=loop,
            hostname="gazette-test", timeout=arguments.idle_timeout,
            tls_context=context if starttls else None, require_starttls=starttls,
            authenticator=authenticator, auth_required=authenticator is not None,
            # With STARTTLS, AUTH only once TLS is up, as a real relay does.
            auth_require_tls=starttls)

    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=arguments.port,
        ssl=context if arguments.implicit_tls else None))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    events.write("ready", port=arguments.port)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
