"""One realtime WebSocket session, server side: what synthesis (``realtime.py``) and
recognition (``transcription.py``) sessions share. The events come from the realtime API docs
(``session.created`` first; ``error`` events carry the cause's ``event_id``)."""

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Mapping
import contextlib
import copy
import json
import secrets
from typing import TYPE_CHECKING, Any, ClassVar

from aiohttp import WSMsgType, web

from .faults import PlannedFailure
from .store import RecordedRequest
from .wire import dumps

if TYPE_CHECKING:
    from .server import DashScopeEmulator


def new_id(prefix: str) -> str:
    """A service-style id: ``sess_...``, ``event_...``, ``item_...``, ``resp_...``."""
    return f"{prefix}_{secrets.token_hex(12)}"


class ServerSession(ABC):
    """The server side of one realtime session: client events in order, events sent back.

    A subclass gives the service's session defaults (``DEFAULTS``) and serves the events
    (``handle``); its own state starts as class attributes of immutable values.
    """

    DEFAULTS: ClassVar[Mapping[str, Any]]

    def __init__(
        self,
        emu: DashScopeEmulator,
        socket: web.WebSocketResponse,
        record: RecordedRequest,
        model: str,
    ) -> None:
        """A fresh session of ``model`` with the service's defaults."""
        self._emu = emu
        self._socket = socket
        self._record = record
        self._model = model
        self._config = copy.deepcopy(dict(self.DEFAULTS))
        self._session_id = new_id("sess")
        self._appended = False

    def view(self) -> dict[str, Any]:
        """The ``session`` object of ``session.created`` / ``session.updated``: the model
        and its current config."""
        return {
            "object": "realtime.session",
            "id": self._session_id,
            "model": self._model,
            **self._config,
        }

    @abstractmethod
    async def handle(self, event: dict[str, Any]) -> bool:
        """Serve one client event; False ends the session."""

    async def run(self, failure: PlannedFailure | None) -> None:
        """Send ``session.created``, then serve client events until the session ends (a planned
        failure answers the first client event with an ``error`` event and closes)."""
        await self._send("session.created", session=self.view())
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        reader = asyncio.create_task(self._read(queue), name="emulator realtime reader")
        try:
            while (event := await queue.get()) is not None:
                if failure is not None:
                    await self.error(failure.code, failure.message, event)
                    return
                if not await self.handle(event):
                    return
        finally:
            await self._socket.close()
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _read(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        """Record each client event as it arrives and queue it for processing."""
        loop = asyncio.get_running_loop()
        try:
            async for message in self._socket:
                if message.type is not WSMsgType.TEXT:
                    continue
                try:
                    event = json.loads(message.data)
                except ValueError:
                    event = {"type": "invalid_json", "raw": message.data}
                if not isinstance(event, dict):
                    event = {"type": "invalid_json", "raw": message.data}
                self._record.events.append((loop.time(), event))
                queue.put_nowait(event)
        finally:
            queue.put_nowait(None)

    async def _send(self, event_type: str, **fields: Any) -> None:
        await self._socket.send_str(
            dumps({"event_id": new_id("event"), "type": event_type, **fields})
        )

    async def error(self, code: str, message: str, cause: dict[str, Any] | None = None) -> None:
        """Send an ``error`` event."""
        await self._send(
            "error",
            error={
                "type": "invalid_request_error",
                "code": code,
                "message": message,
                "param": None,
                "event_id": (cause or {}).get("event_id"),
            },
        )

    async def _refuse_first_append(self, event: dict[str, Any]) -> bool:
        """Whether the emulator's planned error (``ws_error_after_append``) answers this, the
        first append; the session then ends."""
        if self._emu.ws_error_after_append is not None and not self._appended:
            code, message = self._emu.ws_error_after_append
            await self.error(code, message, event)
            return True
        self._appended = True
        return False

    async def _finish(self) -> None:
        """Answer ``session.finish`` once its work is done: ``session.finished``, or a close
        without it (``ws_close_before_finish``)."""
        if not self._emu.ws_close_before_finish:
            await self._send("session.finished", session={"id": self._session_id})

    async def _update(self, event: dict[str, Any]) -> bool:
        """Apply ``session.update`` when the merged config is valid (else an ``error`` event
        ends the session); answer ``session.updated``."""
        session = event.get("session")
        if not isinstance(session, dict):
            await self.error("InvalidParameter", "session must be an object.", event)
            return False
        config = {**self._config, **session}
        if (problem := self._invalid_config(config)) is not None:
            await self.error("InvalidParameter", problem, event)
            return False
        self._config = config
        await self._send("session.updated", session=self.view())
        return True

    @abstractmethod
    def _invalid_config(self, config: dict[str, Any]) -> str | None:
        """What the service refuses in a session's config, or None."""
