"""What a broken service or proxy does: trickle, reset, endless audio, chatter, web pages."""

import asyncio
from collections.abc import Awaitable, Callable
import math
import socket
import struct

from aiohttp import web

# Seconds of audio in each chunk of an endless stream.
ENDLESS_CHUNK_SECONDS = 1.0

HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Sign in to continue</title></head>
<body><h1>Network login</h1><form method="post"><input name="user"></form></body></html>
"""


def tone(sample_rate: int, seconds: float = ENDLESS_CHUNK_SECONDS) -> bytes:
    """A 440 Hz s16le mono tone (endless audio that is not silence)."""
    count = round(sample_rate * seconds)
    return b"".join(
        struct.pack("<h", round(8000 * math.sin(2 * math.pi * 440 * i / sample_rate)))
        for i in range(count)
    )


async def forever(interval: float, send: Callable[[], Awaitable[None]]) -> None:
    """``send`` every ``interval`` seconds until the client leaves (``ConnectionError``)."""
    while True:
        await send()
        await asyncio.sleep(interval)


def reset_connection(request: web.Request) -> None:
    """Reset the request's TCP connection (RST, as a crashed proxy does), without a goodbye."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def html_page() -> web.Response:
    """A web page where JSON was expected (captive portal, proxy error page)."""
    return web.Response(text=HTML_PAGE, content_type="text/html")
