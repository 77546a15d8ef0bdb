"""The DashScope emulator: a real aiohttp server on loopback speaking the Qwen-TTS wire protocol."""

import asyncio
from collections.abc import Callable
import time
from typing import Any, Self

from aiohttp import WSCloseCode, web

from .customization import handle_customization
from .faults import FaultKnobs, LatencyKnobs
from .realtime import handle_realtime
from .recognition import HeardAudio, handle_recognition
from .store import (
    DESIGN,
    ENROLLMENT,
    RECOGNITION,
    SYNTHESIS,
    SYNTHESIS_STREAM,
    PublishedAudio,
    RecordedHeaders,
    RecordedRequest,
    new_voice_entry,
    new_voice_id,
)
from .synthesis import URL_LIFETIME, handle_download, handle_synthesis
from .wire import json_error, sse_error

SYNTHESIS_PATH = "/api/v1/services/aigc/multimodal-generation/generation"
CUSTOMIZATION_PATH = "/api/v1/services/audio/tts/customization"
REALTIME_PATH = "/api-ws/v1/realtime"
DOWNLOAD_PREFIX = "/oss/tts-results"
MAX_BODY = 16 * 1024 * 1024
SHUTDOWN_TIMEOUT = 1.0


class DashScopeEmulator(LatencyKnobs, FaultKnobs):
    """An in-process DashScope (Qwen-TTS) server for tests and local development.

    ``await start()`` listens on ``host:port`` (0 = a free port) in the running event loop;
    ``await stop()`` closes every socket and leaves no task or timer behind.
    Latency and fault knobs are plain attributes (see ``LatencyKnobs`` and ``FaultKnobs``).
    Other knobs: ``sse_line_ending`` (``"\\r\\n"``), ``download_rejects_auth`` (True: a
    download sending an ``Authorization`` header gets OSS's 400 ``InvalidArgument``), and
    ``sse_errors_as_json`` (False: an SSE request refused before streaming gets its HTTP status
    with one ``event:error`` frame, as the service does; True: a JSON body).

    Speech recognition (Qwen-ASR models, HTTP and realtime): ``transcript`` is the text it
    recognises in any audio with sound (silence gives an empty text), ``detected_language``
    the language it reports when none was asked; ``heard`` keeps every audio received.
    """

    def __init__(self, api_key: str = "demo-key", host: str = "127.0.0.1", port: int = 0) -> None:
        """Configure; nothing listens before ``start()``."""
        LatencyKnobs.__init__(self)
        FaultKnobs.__init__(self)
        self.api_key = api_key
        self.host = host
        self.port = port
        self.voices: dict[str, dict[str, Any]] = {}
        self.transcript = "Turn on the kitchen light."
        self.detected_language = "en"
        self.heard: list[HeardAudio] = []
        self.sse_line_ending = "\r\n"
        self.sse_errors_as_json = False
        self.download_rejects_auth = True
        self.sockets: set[web.WebSocketResponse] = set()
        self._handlers: set[asyncio.Task[Any]] = set()
        self._requests: list[RecordedRequest] = []
        self._files = PublishedAudio()
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # Lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen (``port`` 0 picks a free one; ``self.port`` then holds it)."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        self._loop = asyncio.get_running_loop()
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(SYNTHESIS_PATH, self._synthesis)
        app.router.add_post(CUSTOMIZATION_PATH, self._customization)
        app.router.add_get(REALTIME_PATH, self._realtime)
        app.router.add_get(DOWNLOAD_PREFIX + "/{name}", self._download)
        app.middlewares.append(self._note_status)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    @property
    def running(self) -> bool:
        """Whether the emulator is listening (``stop`` then ``start`` listens again on the
        same port)."""
        return self._runner is not None

    async def stop(self) -> None:
        """Close open WebSockets and the server; wait for every handler to finish."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        for socket in list(self.sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY)
        # Streams still being paced are cut rather than waited for.
        if handlers := [task for task in self._handlers if not task.done()]:
            for task in handlers:
                task.cancel()
            await asyncio.wait(handlers, timeout=SHUTDOWN_TIMEOUT)
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        """``async with DashScopeEmulator() as emu:`` starts it."""
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        """And stops it."""
        await self.stop()

    # Addresses -------------------------------------------------------------------------------

    @property
    def origin(self) -> str:
        """``http://host:port``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The HTTP API base, as a custom region's base URL."""
        return f"{self.origin}/api/v1"

    @property
    def ws_url(self) -> str:
        """The realtime WebSocket URL (without ``?model=``)."""
        return f"ws://{self.host}:{self.port}{REALTIME_PATH}"

    # Records and voices ----------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, oldest first."""
        return self._requests

    def requests_of(self, kind: str) -> list[RecordedRequest]:
        """The requests of one kind (``synthesis``, ``synthesis_stream``, ``download``,
        ``realtime``, ``enrollment``, ``design``, ``recognition``, ``transcription``)."""
        return [r for r in self._requests if r.kind == kind]

    def add_voice(
        self,
        name: str,
        target_model: str,
        *,
        designed: bool = False,
        **fields: Any,
    ) -> str:
        """Seed an account voice (cloned, or designed) for ``target_model``; return its id."""
        kind = DESIGN if designed else ENROLLMENT
        voice = new_voice_id(kind, name, self.voices)
        self.voices[voice] = new_voice_entry(voice, target_model, **fields)
        return voice

    # Helpers for the handlers ----------------------------------------------------------------

    def now(self) -> float:
        """The event loop's clock."""
        assert self._loop is not None
        return self._loop.time()

    def record(
        self,
        request: web.Request,
        kind: str,
        model: str | None,
        body: dict[str, Any] | None,
        started: float,
    ) -> RecordedRequest:
        """Record a received request."""
        recorded = RecordedRequest(
            kind=kind,
            model=model,
            body=body,
            headers=RecordedHeaders(request.headers),
            started=started,
            path=request.path,
            query=dict(request.query),
        )
        self._requests.append(recorded)
        request["record"] = recorded
        return recorded

    @staticmethod
    async def read_json(request: web.Request) -> Any:
        """The request's JSON body, or None when it is not JSON."""
        try:
            return await request.json()
        except ValueError:
            return None

    async def open_request(
        self, request: web.Request, kind_of: Callable[[str | None], str]
    ) -> tuple[RecordedRequest, dict[str, Any] | None]:
        """Read the JSON body once (None when it is not a JSON object) and record the request
        as the kind ``kind_of`` tells from its model."""
        started = self.now()
        body = await self.read_json(request)
        if not isinstance(body, dict):
            body = None
        model = body.get("model") if body else None
        if not isinstance(model, str):
            model = None
        return self.record(request, kind_of(model), model, body, started), body

    async def response_pause(self) -> None:
        """The ``response_delay`` knob."""
        if self.response_delay > 0:
            await asyncio.sleep(self.response_delay)

    def authorized(self, request: web.Request) -> bool:
        """Whether the request carries ``Authorization: Bearer <api_key>``."""
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and key.strip() == self.api_key

    def error_response(
        self, status: int, code: str, message: str, rid: str, *, sse: bool = False
    ) -> web.Response:
        """A DashScope error (an ``event:error`` frame for SSE requests unless configured)."""
        if sse and not self.sse_errors_as_json:
            return sse_error(status, code, message, rid, newline=self.sse_line_ending)
        return json_error(status, code, message, rid)

    async def admit(
        self, request: web.Request, record: RecordedRequest, rid: str, *, sse: bool = False
    ) -> web.Response | None:
        """Apply ``response_delay``, auth and planned failures; an error response or None."""
        await self.response_pause()
        if not self.authorized(request):
            return json_error(401, "InvalidApiKey", "Invalid API-key provided.", rid)
        failure = self.take_failure(record.kind)
        if failure is not None:
            return self.error_response(failure.status, failure.code, failure.message, rid, sse=sse)
        return None

    def publish(self, data: bytes, extension: str) -> str:
        """Serve ``data`` at a signed-looking URL (no auth needed); return the URL."""
        name = self._files.publish(data, extension)
        expires = int(time.time()) + URL_LIFETIME
        return (
            f"{self.origin}{DOWNLOAD_PREFIX}/{name}"
            f"?Expires={expires}&OSSAccessKeyId=LTAIemulator&Signature=emulated"
        )

    def published(self, name: str) -> tuple[bytes, str] | None:
        """A published file's bytes and content type."""
        return self._files.get(name)

    # Routes ----------------------------------------------------------------------------------

    @web.middleware
    async def _note_status(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Track the handler (for ``stop``) and note the answer's status in the record."""
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            response: web.StreamResponse = await handler(request)
        finally:
            self._handlers.discard(task)
        if (recorded := request.get("record")) is not None:
            recorded.status = response.status
        return response

    async def _synthesis(self, request: web.Request) -> web.StreamResponse:
        """The generation URL: recognition for an ASR model, else (streaming) synthesis."""
        sse = request.headers.get("X-DashScope-SSE", "").lower() == "enable"

        def kind_of(model: str | None) -> str:
            if model is not None and "-asr-" in model:
                return RECOGNITION
            return SYNTHESIS_STREAM if sse else SYNTHESIS

        record, body = await self.open_request(request, kind_of)
        if record.kind == RECOGNITION and body is not None:
            return await handle_recognition(self, request, record, body)
        return await handle_synthesis(self, request, record, body)

    async def _customization(self, request: web.Request) -> web.StreamResponse:
        return await handle_customization(self, request)

    async def _realtime(self, request: web.Request) -> web.StreamResponse:
        return await handle_realtime(self, request)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        return await handle_download(self, request)
