"""The realtime WebSocket ``GET /api-ws/v1/realtime?model=...`` (one socket = one session):
synthesis here, recognition (ASR models) in ``transcription.py``."""

import asyncio
import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, override

from aiohttp import web

from .audio import render_pcm, stream_chunks
from .catalogue import REALTIME_FORMATS, REALTIME_MODELS, SAMPLE_RATES, billed_characters
from .faults import PlannedFailure
from .misbehaviour import forever, tone
from .pacing import Pacer
from .recognition import REALTIME_ASR_MODELS
from .session import ServerSession, new_id
from .store import REALTIME, TRANSCRIPTION, request_id
from .synthesis import voice_allowed
from .transcription import TranscriptionSession
from .wire import json_error

if TYPE_CHECKING:
    from .server import DashScopeEmulator

# server_commit: buffered text up to the last of these is synthesised as soon as it arrives.
SENTENCE_ENDS = frozenset(".!?;。！？；…\n")
# server_commit: a buffer this long is synthesised even without a sentence end.
MAX_BUFFER_CHARS = 200
CLOSE_TIMEOUT = 2.0


async def handle_realtime(emu: DashScopeEmulator, request: web.Request) -> web.StreamResponse:
    """Authenticate the handshake, then run one session."""
    model = request.query.get("model", "")
    asr = model in REALTIME_ASR_MODELS
    record = emu.record(request, TRANSCRIPTION if asr else REALTIME, model, None, emu.now())
    await emu.response_pause()
    rid = request_id()
    if not emu.authorized(request):
        return json_error(401, "InvalidApiKey", "Invalid API-key provided.", rid)
    failure = emu.take_failure(record.kind)
    if failure is not None and failure.status == 401:
        return json_error(401, failure.code, failure.message, rid)
    socket = web.WebSocketResponse(timeout=CLOSE_TIMEOUT, autoping=True)
    await socket.prepare(request)
    emu.sockets.add(socket)
    session_type = TranscriptionSession if asr else RealtimeSession
    try:
        await session_type(emu, socket, record, model).run(failure)
    except ConnectionError:  # the client went away mid-session: nothing more to send
        record.client_left = True
    finally:
        emu.sockets.discard(socket)
        await socket.close()
    return socket


class RealtimeSession(ServerSession):
    """The server side of one realtime synthesis session."""

    DEFAULTS: ClassVar[Mapping[str, Any]] = {
        "voice": "Cherry",
        "mode": "server_commit",
        "language_type": "Auto",
        "response_format": "pcm",
        "sample_rate": 24000,
    }
    _buffer = ""  # text appended and not yet synthesised
    _synthesised = False  # a response started: the config is fixed

    @override
    async def run(self, failure: PlannedFailure | None) -> None:
        """Send ``session.created``; a model without realtime synthesis then closes silently,
        as the service does."""
        if self._model not in REALTIME_MODELS:
            await self._send("session.created", session=self.view())
            return
        await super().run(failure)

    async def _forever(self, interval: float, send: Any) -> None:
        """Send until the client closes the socket (then ``ConnectionError``)."""

        async def unless_closed() -> None:
            if self._socket.closed:
                raise ConnectionResetError("the client closed the socket")
            await send()

        await forever(interval, unless_closed)

    @override
    async def handle(self, event: dict[str, Any]) -> bool:
        """Serve one client event; False ends the session."""
        match event.get("type"):
            case "session.update":
                return await self._update(event)
            case "input_text_buffer.append":
                return await self._append(event)
            case "input_text_buffer.commit":
                await self._send("input_text_buffer.committed", item_id=new_id("item"))
                return await self._flush(whole=True)
            case "input_text_buffer.clear":
                self._buffer = ""
                await self._send("input_text_buffer.cleared")
                return True
            case "session.finish":
                if await self._flush(whole=True):
                    await self._finish()
                return False
            case other:
                await self.error("InvalidParameter", f"Unknown event type: {other}", event)
                return True

    @override
    async def _update(self, event: dict[str, Any]) -> bool:
        """A config change is refused (the session goes on) once synthesis has started."""
        if self._synthesised:
            await self.error(
                "InvalidParameter", "session.update is not allowed after synthesis started.", event
            )
            return True
        return await super()._update(event)

    @override
    def _invalid_config(self, config: dict[str, Any]) -> str | None:
        if config.get("mode") not in ("server_commit", "commit"):
            return f"Unsupported mode: {config.get('mode')}"
        if config.get("response_format") not in REALTIME_FORMATS:
            return f"Unsupported response_format: {config.get('response_format')}"
        if config.get("sample_rate") not in SAMPLE_RATES:
            return f"Unsupported sample_rate: {config.get('sample_rate')}"
        if self._model.startswith("qwen-tts-realtime") and (
            config["response_format"] != "pcm" or config["sample_rate"] != 24000
        ):
            return f"{self._model} supports pcm at 24000 Hz only."
        if not self._voice_ok(config.get("voice")):
            return "Invalid voice specified"
        return None

    def _voice_ok(self, voice: Any) -> bool:
        return isinstance(voice, str) and voice_allowed(
            self._model, voice, REALTIME_MODELS[self._model], self._emu.voices
        )

    async def _append(self, event: dict[str, Any]) -> bool:
        if await self._refuse_first_append(event):
            return False
        text = event.get("text")
        if not isinstance(text, str):
            await self.error("InvalidParameter", "text must be a string.", event)
            return True
        self._buffer += text
        if self._config["mode"] == "server_commit":
            return await self._flush(whole=False)
        return True

    async def _flush(self, *, whole: bool) -> bool:
        """Synthesise the buffer (all of it, or up to its last sentence end)."""
        if whole or len(self._buffer) >= MAX_BUFFER_CHARS:
            cut = len(self._buffer)
        else:
            cut = max((i + 1 for i, c in enumerate(self._buffer) if c in SENTENCE_ENDS), default=0)
        text, self._buffer = self._buffer[:cut], self._buffer[cut:]
        if not text.strip():
            return True
        return await self._respond(text)

    async def _respond(self, text: str) -> bool:
        """One ``response.created ... response.done`` cycle for ``text``."""
        if not self._voice_ok(self._config.get("voice")):
            await self.error("InvalidParameter", "Invalid voice specified")
            return False
        self._synthesised = True
        self._record.responses.append(text)
        response_id, item_id = new_id("resp"), new_id("item")
        rate, audio_format = int(self._config["sample_rate"]), str(self._config["response_format"])
        where = {"response_id": response_id, "item_id": item_id, "output_index": 0}
        item = {"id": item_id, "object": "realtime.item", "type": "message", "role": "assistant"}
        part = {"type": "audio", "text": ""}
        response = {
            "id": response_id,
            "object": "realtime.response",
            "voice": self._config["voice"],
        }
        await self._send(
            "response.created", response={**response, "status": "in_progress", "output": []}
        )
        await self._send(
            "response.output_item.added",
            response_id=response_id,
            output_index=0,
            item={**item, "status": "in_progress", "content": []},
        )
        await self._send("response.content_part.added", **where, content_index=0, part=part)
        if self._emu.ws_chatter is not None:
            await self._forever(self._emu.ws_chatter, lambda: self._send("heartbeat"))
        if self._emu.endless_audio is not None:
            delta = base64.b64encode(tone(rate)).decode()

            async def send_audio() -> None:
                await self._send("response.audio.delta", **where, content_index=0, delta=delta)
                self._record.audio_sent(asyncio.get_running_loop().time())

            await self._forever(self._emu.endless_audio, send_audio)
        pacer = Pacer(self._emu, self._record, lambda: self._socket.closed)
        pcm = b"" if self._emu.empty_audio else render_pcm(text, rate)
        for chunk in stream_chunks(pcm, rate, audio_format, id3=False) if pcm else []:
            await pacer.wait_turn()
            delta = base64.b64encode(chunk.data).decode()
            await self._send("response.audio.delta", **where, content_index=0, delta=delta)
            pacer.sent(chunk.seconds)
        done_item = {**item, "status": "completed", "content": [part]}
        await self._send("response.audio.done", **where, content_index=0)
        await self._send("response.content_part.done", **where, content_index=0, part=part)
        await self._send(
            "response.output_item.done", response_id=response_id, output_index=0, item=done_item
        )
        await self._send(
            "response.done",
            response={
                **response,
                "status": "completed",
                "output": [done_item],
                "usage": {"characters": billed_characters(text)},
            },
        )
        self._record.billed += billed_characters(text)
        return True
