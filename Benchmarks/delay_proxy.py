#!/usr/bin/env python3
"""A TCP proxy that makes a loopback SMTP server behave like a relay on another machine.

Every chunk the server sends is held back DELAY milliseconds after it arrived before it is passed on
to the client (order kept); what the client sends goes through at once. So each SMTP reply a sender
waits for arrives DELAY ms late, as it does across a network with that round-trip time. netem (tc)
is not available on these machines, which is why this exists.

    python3 Benchmarks/delay_proxy.py LISTEN_PORT UPSTREAM_PORT [DELAY_MS]     (default 20 ms)

Listens on 127.0.0.1 only. Prints "ready" on stdout once it accepts connections.
"""
import asyncio
import sys


async def pump_now(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Client to server: no delay."""
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def pump_late(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Server to client: each chunk is released `delay` seconds after it arrived, in order."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    async def release() -> None:
        try:
            while True:
                due, chunk = await queue.get()
                if chunk is None:
                    break
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    releaser = asyncio.create_task(release())
    try:
        while chunk := await reader.read(65536):
            queue.put_nowait((loop.time() + delay, chunk))
    except (ConnectionError, asyncio.CancelledError):
        pass
    queue.put_nowait((0.0, None))
    await releaser


async def main() -> None:
    listen_port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
    delay = (float(sys.argv[3]) if len(sys.argv) > 3 else 20.0) / 1000

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump_now(client_reader, server_writer), pump_late(server_reader, client_writer, delay))

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
