"""Realtime WebSocket sessions (one socket = one session): the shared connection, and synthesis."""

from abc import ABC, abstractmethod
import asyncio
import base64
import binascii
from collections.abc import AsyncGenerator, Iterator
import contextlib
import json
import logging
from types import TracebackType
from typing import Self, override
import uuid

import aiohttp

from .bounds import ProgressWatch, StreamBounds, audio_byte_rate
from .errors import (
    DashScopeConnectionError,
    DashScopeError,
    DashScopeTimeoutError,
    IncompleteAudioError,
    ProtocolError,
    map_error,
    map_error_body,
    redact,
)
from .http import JsonObject, as_int, as_object, as_str, auth_headers
from .models import SpeechSettings, Usage, UsageCallback

_LOGGER = logging.getLogger(__name__)

MAX_MESSAGE_SIZE = 16 * 1024 * 1024
CLOSE_TIMEOUT = 5.0


def new_event_id() -> str:
    """A unique client ``event_id``."""
    return "event_" + uuid.uuid4().hex


class _Closed:
    """Queue marker: the socket closed (orderly) before ``session.finished``."""

    __slots__ = ("code",)

    def __init__(self, code: int | None) -> None:
        self.code = code


class _Owed:
    """Queue marker: all text was handed over (``finish``); audio is now owed."""

    __slots__ = ()


_OWED = _Owed()

type _Event = JsonObject | DashScopeError | _Closed
type _Item = _Event | _Owed


def _event(item: _Event, closed: type[DashScopeError], message: str) -> JsonObject:
    """The event ``item`` is; a queued error raises, and so does a closed socket (``closed``
    with ``message`` and the close code)."""
    if isinstance(item, DashScopeError):
        raise item
    if isinstance(item, _Closed):
        raise closed(message, code=str(item.code) if item.code is not None else None)
    return item


class RealtimeConnection(ABC):
    """One realtime WebSocket session (one socket = one session): connecting, the
    ``session.created``/``session.update``/``session.updated`` handshake within ``timeout``, a
    reader task that queues the service's events, waits for them within a ``ProgressWatch``
    while the service owes an answer, and sending client events.

    Subclasses give the ``session.update`` body (``_session_config``), say when the service
    starts to owe an answer (``_owe``), may look at each event as it arrives (``_received``),
    and read the events (``_next_event``).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        api_key: str,
        model: str,
        *,
        timeout: float,
        voice: str | None = None,
    ) -> None:
        """Prepare the session; nothing is sent before ``__aenter__``. ``voice``: the voice
        the session speaks with, named by a refusal of it."""
        self._http = session
        self._url = url
        self._api_key = api_key
        self._model = model
        self._voice = voice
        self._timeout = timeout
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._reader: asyncio.Task[None] | None = None
        self._send_lock = asyncio.Lock()
        self._iterating = False
        self._finished = False
        self._owed: ProgressWatch | None = None
        self.session_id: str | None = None
        """The service's id of this session (from ``session.created``)."""

    @abstractmethod
    def _session_config(self) -> JsonObject:
        """The ``session`` object of ``session.update``."""

    def _owe(self, watch: ProgressWatch) -> None:
        """From now on the service owes an answer: every wait for an event is within
        ``watch`` (before, the caller paces the session and waits are not bounded here).
        A reader already waiting is woken to take up the bound."""
        self._owed = watch
        self._queue.put_nowait(_OWED)

    def _received(self, event: JsonObject) -> _Event:
        """Look at an event as it arrives (before it is queued); may replace it by an error."""
        return event

    # -- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        """Connect and configure the session."""
        try:
            async with asyncio.timeout(self._timeout):
                self._ws = await self._connect()
                created = await self._expect("session.created")
                self.session_id = as_str(as_object(created.get("session")).get("id"))
                await self._send({"type": "session.update", "session": self._session_config()})
                await self._expect("session.updated")
        except TimeoutError:
            await self._close()
            raise DashScopeTimeoutError(
                "realtime session: the service did not answer in time"
            ) from None
        except BaseException:
            await self._close()
            raise
        self._reader = asyncio.get_running_loop().create_task(
            self._read_loop(self._ws), name="dashscope realtime"
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the socket."""
        await self._close()

    async def close(self) -> None:
        """Close the socket now (a reader of events stops at once)."""
        await self._close()

    @property
    def closed(self) -> bool:
        """Whether the socket is closed (or was never opened)."""
        return self._ws is None or self._ws.closed

    @property
    def finished(self) -> bool:
        """Whether ``session.finished`` arrived: all audio of the session was delivered."""
        return self._finished

    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        try:
            return await self._http.ws_connect(
                self._url,
                params={"model": self._model},
                headers=auth_headers(self._api_key),
                max_msg_size=MAX_MESSAGE_SIZE,
                timeout=aiohttp.ClientWSTimeout(ws_close=min(CLOSE_TIMEOUT, self._timeout)),
            )
        except aiohttp.WSServerHandshakeError as err:
            # Not chained: the handshake error holds the request headers (the key).
            raise map_error(
                status=err.status,
                message=f"the realtime handshake was refused (HTTP {err.status})",
            ) from None
        except TimeoutError:
            raise
        except (aiohttp.ClientError, OSError) as err:
            detail = redact(str(err), self._api_key) or type(err).__name__
            raise DashScopeConnectionError(f"realtime connect: {detail}") from None

    async def _close(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None and not reader.done():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        ws = self._ws
        if ws is not None and not ws.closed:
            try:
                await ws.close()
            except (aiohttp.ClientError, OSError) as err:
                _LOGGER.debug("Closing the realtime socket failed: %s", type(err).__name__)
        if ws is not None and not self._finished:
            # Wake an ``audio()`` consumer in another task: no more events will come.
            self._queue.put_nowait(_Closed(ws.close_code))

    # -- receiving ------------------------------------------------------------------------------

    def _decode(self, msg: aiohttp.WSMessage) -> _Event | None:
        """Turn one WebSocket message into a queue item (``None``: nothing to report)."""
        if msg.type is aiohttp.WSMsgType.TEXT:
            try:
                event = json.loads(msg.data)
            except ValueError:
                return ProtocolError("realtime: the service sent a message that is not JSON")
            return event if isinstance(event, dict) else None
        if msg.type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSING,
            aiohttp.WSMsgType.CLOSED,
        ):
            return _Closed(self._ws.close_code if self._ws is not None else None)
        if msg.type is aiohttp.WSMsgType.ERROR:
            detail = redact(str(msg.data), self._api_key) or "socket error"
            return IncompleteAudioError(f"realtime: the connection broke off: {detail}")
        return None  # binary, ping, pong: not part of the protocol's events

    async def _expect(self, wanted: str) -> JsonObject:
        """Read events until ``wanted`` during the handshake; an ``error`` event raises."""
        assert self._ws is not None
        while True:
            try:
                msg = await self._ws.receive()
            except (aiohttp.ClientError, OSError) as err:
                raise DashScopeConnectionError(
                    f"realtime: the connection broke: {type(err).__name__}"
                ) from None
            item = self._decode(msg)
            if item is None:
                continue
            event = _event(
                item, ProtocolError, f"realtime: the service closed the socket before {wanted}"
            )
            if event.get("type") == "error":
                raise self._error_event(event)
            if event.get("type") == wanted:
                return event

    def _error_event(self, event: JsonObject) -> DashScopeError:
        """The failure an ``error`` event tells (a refused voice names the session's)."""
        body = as_object(event.get("error"))
        return map_error_body(
            {"request_id": event.get("request_id"), **body},
            secret=self._api_key,
            voice=self._voice,
        )

    async def _read_loop(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Move every event to the queue until the socket ends; an error ``_received`` makes
        of an event (e.g. audio beyond the bound) ends the session here, where it arrives."""
        while True:
            try:
                msg = await ws.receive()
            except (aiohttp.ClientError, OSError) as err:
                item: _Event | None = IncompleteAudioError(
                    f"realtime: the connection broke off: {type(err).__name__}"
                )
            else:
                item = self._decode(msg)
            if item is None:
                continue
            if isinstance(item, dict):
                item = self._received(item)
            self._queue.put_nowait(item)
            if not isinstance(item, dict) or item.get("type") == "session.finished":
                if isinstance(item, DashScopeError):
                    await ws.close()
                return

    @contextlib.contextmanager
    def _iteration(self, name: str) -> Iterator[None]:
        """One reader at a time, inside ``async with``: ``name()`` is that reader."""
        if self._ws is None:
            raise RuntimeError("use the session with 'async with' first")
        if self._iterating:
            raise RuntimeError(f"{name}() is already being iterated")
        self._iterating = True
        try:
            yield
        finally:
            self._iterating = False

    async def _next_event(self, what: str) -> JsonObject:
        """The next event; a queued error raises, and so does a socket closed before
        ``session.finished`` (``IncompleteAudioError``, ``what`` names the session kind)."""
        return _event(
            await self._next(),
            IncompleteAudioError,
            f"{what}: the service closed the socket before session.finished",
        )

    async def _next(self) -> _Event:
        """The next queued event; while the service owes one, within the watch's bounds."""
        while True:
            if self._owed is not None:
                item = await self._owed.wait(self._queue.get())
            else:
                item = await self._queue.get()
            if not isinstance(item, _Owed):
                return item

    # -- sending --------------------------------------------------------------------------------

    async def _send(self, event: JsonObject) -> str:
        ws = self._ws
        if ws is None:
            raise RuntimeError("use the session with 'async with' first")
        if ws.closed:
            raise IncompleteAudioError("realtime: the socket is closed")
        event_id = new_event_id()
        text = json.dumps({"event_id": event_id, **event}, ensure_ascii=False)
        async with self._send_lock:
            try:
                await ws.send_str(text)
            except (aiohttp.ClientError, OSError) as err:
                raise IncompleteAudioError(
                    f"realtime: sending failed: {type(err).__name__}"
                ) from None
        return event_id


class RealtimeSession(RealtimeConnection):
    """A realtime synthesis session: ``async with client.realtime_session(settings) as s:``
    connects, waits for ``session.created``, sends ``session.update`` and waits for
    ``session.updated``.

    The session is in ``server_commit`` mode: the service decides where to cut the text into
    responses. ``append``/``finish`` may be called from one task while another iterates
    ``audio()``, which yields decoded audio deltas and ends only at ``session.finished``.
    Leaving the ``async with`` block always closes the socket.

    Bounds (``StreamBounds``): once all text was handed over (``finish``), each wait for
    audio is bounded (``first_audio``, then ``audio_gap``), and so is all the waiting after
    it (by the characters appended); events without audio (unknown ones, heartbeats) do not
    count as progress. While text is still being appended, the service is not waited on: the
    text source paces the session. Audio beyond what the appended text can take raises
    ``AudioLimitError``.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        api_key: str,
        settings: SpeechSettings,
        *,
        timeout: float,
        bounds: StreamBounds | None = None,
        on_usage: UsageCallback | None = None,
    ) -> None:
        """Prepare the session; nothing is sent before ``__aenter__``.

        ``timeout`` bounds connecting plus the ``session.created``/``session.updated``
        handshake (at most ``bounds.first_audio``); ``bounds`` bounds the audio (see the
        class). ``on_usage`` hears one request once the service set the session up, and the
        billed characters of each ``response.done``.
        """
        self._on_usage = on_usage
        bounds = bounds or StreamBounds()
        super().__init__(
            session,
            url,
            api_key,
            settings.model,
            timeout=min(timeout, bounds.first_audio),
            voice=settings.voice,
        )
        self.settings = settings
        self._watch = bounds.watch(
            f"realtime session with {settings.model}",
            characters=0,
            byte_rate=audio_byte_rate(settings.response_format, settings.sample_rate),
        )
        self._text_sent = False  # text that should be spoken
        self._heard = False  # audio arrived

    @override
    async def __aenter__(self) -> Self:
        """Connect and configure the session; it counts as one request from then on."""
        await super().__aenter__()
        if self._on_usage is not None:
            self._on_usage(Usage(requests=1))
        return self

    @override
    def _session_config(self) -> JsonObject:
        """The ``session`` of ``session.update``. Source: qwen-tts-realtime-api.md."""
        s = self.settings
        return {
            "voice": s.voice,
            "mode": "server_commit",
            "language_type": s.language_type,
            "response_format": s.response_format,
            "sample_rate": s.sample_rate,
            **s.optional_parameters(),
        }

    @override
    def _received(self, event: JsonObject) -> _Event:
        """Count audio against the bound where it arrives, so that excess is never queued."""
        if event.get("type") == "response.audio.delta":
            delta = event.get("delta")
            try:
                self._watch.received(len(delta) * 3 // 4 if isinstance(delta, str) else 0)
            except DashScopeError as err:
                return err
        return event

    async def audio(self) -> AsyncGenerator[bytes]:
        """Yield audio deltas until ``session.finished``; raise on ``error`` or early close,
        and when a session given text to speak finishes without any audio.

        Audio of every response of the session is yielded in arrival order. Returns at once
        if the session already finished.
        """
        with self._iteration("audio"):
            while not self._finished:
                item = await self._next_event("realtime")
                event_type = item.get("type")
                if event_type == "response.audio.delta":
                    delta = as_str(item.get("delta"))
                    if delta:
                        try:
                            chunk = base64.b64decode(delta)
                        except binascii.Error, ValueError:
                            raise ProtocolError(
                                "realtime: an audio delta that is not base64"
                            ) from None
                        self._heard = True
                        yield chunk
                elif event_type == "session.finished":
                    self._finished = True
                    if self._text_sent and not self._heard:
                        raise IncompleteAudioError(
                            f"realtime: session {self.session_id or '-'} finished without any audio"
                        )
                elif event_type == "error":
                    raise self._error_event(item)
                elif event_type == "response.done":
                    usage = as_object(as_object(item.get("response")).get("usage"))
                    characters = as_int(usage.get("characters")) or 0
                    if characters and self._on_usage is not None:
                        self._on_usage(Usage(characters=characters))

    async def append(self, text: str) -> None:
        """Send ``input_text_buffer.append``."""
        await self._send({"type": "input_text_buffer.append", "text": text})
        self._watch.add_characters(len(text))
        self._text_sent = self._text_sent or bool(text.strip())

    async def finish(self) -> None:
        """Send ``session.finish``: no more text will come."""
        await self._send({"type": "session.finish"})
        self._owe(self._watch)
