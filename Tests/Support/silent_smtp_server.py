#!/usr/bin/env python3
"""An SMTP server that takes every message and never answers the final dot (a hung relay).

    silent_smtp_server.py PORT EVENTS_FILE

Serves any number of connections at once on 127.0.0.1:PORT and appends one JSON line per event to
EVENTS_FILE: {"event": "connect"|"dot"|"close", "peer": PORT_OF_CLIENT, "t": SECONDS}. The tests read
it to see how many connections a client used, in parallel or not, and whether it reused a connection
after a stalled reply (which would read the late reply to one message as the answer to the next).
"""
import asyncio
import json
import sys
import time


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    events = open(path, "a", buffering=1)
    start = time.monotonic()

    def record(event, peer):
        events.write(json.dumps({"event": event, "peer": peer, "t": round(time.monotonic() - start, 3)}) + "\n")

    async def handle(reader, writer):
        peer = writer.get_extra_info("peername")[1]
        record("connect", peer)
        writer.write(b"220 silent.example ESMTP\r\n")
        in_data = False
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                if in_data:
                    if line == b".\r\n":
                        record("dot", peer)  # and never a reply
                        in_data = False
                    continue
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    writer.write(b"250-silent.example\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 go ahead\r\n")
                    in_data = True
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    await writer.drain()
                    break
                else:
                    writer.write(b"250 ok\r\n")
                await writer.drain()
        except ConnectionError:
            pass
        record("close", peer)
        writer.close()

    async def serve():
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        print("listening", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
