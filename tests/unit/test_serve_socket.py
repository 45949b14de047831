"""`headway serve` binds its socket itself (for `--port 0` and `--workers`); connections
accepted on it must have Nagle's algorithm off, as uvicorn's own sockets have, or every
kept-alive answer written in two parts waits some 40 ms for the client's delayed ACK."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

import uvicorn

from headway.cli.main import as_tcp


async def _nodelay_of_an_accepted_connection(sock: socket.socket) -> int:
    loop = asyncio.get_running_loop()
    seen: asyncio.Future[int] = loop.create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted: socket.socket = transport.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await loop.create_server(Probe, sock=sock)
    try:
        _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        value = await asyncio.wait_for(seen, timeout=10)
        writer.close()
        return value
    finally:
        server.close()
        await server.wait_closed()


def _bound() -> socket.socket:
    return uvicorn.Config("headway.web.app:create_app", host="127.0.0.1", port=0).bind_socket()


def test_connections_accepted_on_the_served_socket_have_nagle_off() -> None:
    served = as_tcp(_bound())
    # A thread of its own: another test of this process may have left an event loop running.
    with ThreadPoolExecutor(1) as thread:
        nodelay = thread.submit(asyncio.run, _nodelay_of_an_accepted_connection(served))
        assert nodelay.result(timeout=30) != 0


def test_the_served_socket_stays_bound_and_inheritable() -> None:
    bound = _bound()
    port = bound.getsockname()[1]
    served = as_tcp(bound)
    try:
        assert served.getsockname()[1] == port
        assert served.proto == socket.IPPROTO_TCP
        assert served.get_inheritable()
    finally:
        served.close()
