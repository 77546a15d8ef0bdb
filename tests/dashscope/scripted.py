"""A loopback server that answers with exact bytes, for wire details the emulator keeps
regular (CRLF line ends, frames and WAV headers split across network writes, LIST chunks)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web

SYNTHESIS_PATH = "/api/v1/services/aigc/multimodal-generation/generation"


@dataclass
class ScriptedServer:
    """Serves ``sse_writes`` (one network write each) or ``json_answer`` + ``download``."""

    sse_writes: list[bytes] = field(default_factory=list)
    json_answer: dict[str, object] | None = None
    download: bytes = b""
    requests: list[web.Request] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(SYNTHESIS_PATH, self._synthesis)
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

    @property
    def download_url(self) -> str:
        return self.base_url.removesuffix("/api/v1") + "/file.wav"

    async def _synthesis(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        if self.json_answer is not None:
            return web.json_response(self.json_answer)
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for piece in self.sse_writes:
            await resp.write(piece)
            await asyncio.sleep(0.005)  # let each write reach the client as its own read
        await resp.write_eof()
        return resp

    async def _download(self, request: web.Request) -> web.Response:
        self.requests.append(request)
        return web.Response(body=self.download, content_type="audio/wav")
