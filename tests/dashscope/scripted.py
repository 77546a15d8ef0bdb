"""A loopback server that answers with exact bytes, for wire details the emulator keeps
regular (CRLF line ends, frames and WAV headers split across network writes, LIST chunks,
malformed answers, realtime events out of order)."""

import asyncio
from dataclasses import dataclass, field
import json
from typing import Any, Self

import aiohttp
from aiohttp import web

from custom_components.qwen_tts.dashscope import DashScopeClient, Endpoint

SYNTHESIS_PATH = "/api/v1/services/aigc/multimodal-generation/generation"
CUSTOMIZATION_PATH = "/api/v1/services/audio/tts/customization"
REALTIME_PATH = "/api-ws/v1/realtime"

# A realtime message: a dict is sent as JSON text, a str as raw text, bytes as a binary frame.
type Message = dict[str, Any] | str | bytes


@dataclass
class RealtimeScript:
    """What a scripted realtime server sends: on connecting, after ``session.update``, and
    after ``session.finish`` (then it closes the socket)."""

    on_connect: list[Message] = field(
        default_factory=lambda: [{"type": "session.created", "session": {"id": "sess_1"}}]
    )
    on_update: list[Message] = field(default_factory=lambda: [{"type": "session.updated"}])
    on_finish: list[Message] = field(default_factory=lambda: [{"type": "session.finished"}])


@dataclass
class ScriptedServer:
    """Synthesis answers ``sse_writes`` (one network write each), or ``json_answer`` (then
    ``download`` at ``download_url``), or ``raw_answer`` (bytes of ``raw_content_type``);
    customization requests get ``customization_answers`` in turn; the realtime socket plays
    ``realtime``. Use it with ``async with``."""

    sse_writes: list[bytes] = field(default_factory=list)
    json_answer: dict[str, object] | None = None
    raw_answer: bytes | None = None
    raw_content_type: str = "text/html"
    download: bytes = b""
    customization_answers: list[dict[str, object]] = field(default_factory=list)
    realtime: RealtimeScript = field(default_factory=RealtimeScript)
    requests: list[web.Request] = field(default_factory=list)
    customization_bodies: list[dict[str, Any]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(SYNTHESIS_PATH, self._synthesis)
        app.router.add_post(CUSTOMIZATION_PATH, self._customization)
        app.router.add_get(REALTIME_PATH, self._realtime)
        app.router.add_get("/file.wav", self._download)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/api/v1"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def client(self, http: aiohttp.ClientSession) -> DashScopeClient:
        """A client on this server."""
        return DashScopeClient(
            http, "demo-key", Endpoint.from_base_url(self.base_url), request_timeout=5
        )

    @property
    def download_url(self) -> str:
        return self.base_url.removesuffix("/api/v1") + "/file.wav"

    async def _synthesis(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        if self.json_answer is not None:
            return web.json_response(self.json_answer)
        if self.raw_answer is not None:
            return web.Response(body=self.raw_answer, content_type=self.raw_content_type)
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        try:
            await resp.prepare(request)
            for piece in self.sse_writes:
                await resp.write(piece)
                await asyncio.sleep(0.005)  # let each write reach the client as its own read
            await resp.write_eof()
        except ConnectionError:  # the client stopped reading (an error, or the stop frame)
            pass
        return resp

    async def _customization(self, request: web.Request) -> web.Response:
        self.requests.append(request)
        self.customization_bodies.append(await request.json())
        return web.json_response(self.customization_answers.pop(0))

    async def _realtime(self, request: web.Request) -> web.WebSocketResponse:
        self.requests.append(request)
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await _send(socket, self.realtime.on_connect)
        async for message in socket:
            event_type = json.loads(message.data).get("type")
            if event_type == "session.update":
                await _send(socket, self.realtime.on_update)
            elif event_type == "session.finish":
                await _send(socket, self.realtime.on_finish)
                break
        await socket.close()
        return socket

    async def _download(self, request: web.Request) -> web.Response:
        self.requests.append(request)
        return web.Response(body=self.download, content_type="audio/wav")


async def _send(socket: web.WebSocketResponse, messages: list[Message]) -> None:
    for message in messages:
        if isinstance(message, bytes):
            await socket.send_bytes(message)
        elif isinstance(message, str):
            await socket.send_str(message)
        else:
            await socket.send_str(json.dumps(message))
