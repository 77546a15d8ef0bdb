"""An incremental Server-Sent Events parser for DashScope streams (CRLF, CR or LF lines)."""

import contextlib
from dataclasses import dataclass
import re

_HTTP_STATUS = re.compile(r"^\s*HTTP_STATUS/(\d{3})\s*$")


@dataclass(frozen=True, slots=True)
class SSEFrame:
    """One dispatched event: its ``data`` lines joined, its ``event`` name and HTTP status."""

    data: str
    event: str | None = None
    id: str | None = None
    status: int | None = None

    @property
    def is_error(self) -> bool:
        """``event:error`` marks an error frame."""
        return self.event == "error"


class SSEParser:
    r"""Feed raw bytes as they arrive; get complete frames back.

    Frames may be split anywhere across network reads, including between ``\\r`` and
    ``\\n``. Besides ``data:``, ``event:`` and ``id:``, DashScope sends its HTTP status
    either as a comment ``:HTTP_STATUS/200`` or as a ``status:200`` field: both are read.
    """

    __slots__ = ("_buffer", "_data", "_data_size", "_event", "_id", "_status")

    def __init__(self) -> None:
        """Start empty."""
        self._buffer = bytearray()
        self._data: list[str] = []
        self._data_size = 0
        self._event: str | None = None
        self._id: str | None = None
        self._status: int | None = None

    @property
    def pending(self) -> int:
        """Bytes held for a frame not yet complete (a caller bounds it: a frame whose end
        never comes would otherwise grow without limit)."""
        return len(self._buffer) + self._data_size

    def feed(self, chunk: bytes) -> list[SSEFrame]:
        """Consume ``chunk``; return the frames it completed."""
        self._buffer += chunk
        frames: list[SSEFrame] = []
        buf = self._buffer
        start = 0
        length = len(buf)
        while start < length:
            cr = buf.find(b"\r", start)
            lf = buf.find(b"\n", start)
            if cr == -1 and lf == -1:
                break
            if cr != -1 and (lf == -1 or cr < lf):
                if cr + 1 == length:
                    break  # a lone CR at the end: wait to see whether LF follows
                end, nxt = cr, cr + 2 if buf[cr + 1] == 0x0A else cr + 1
            else:
                end, nxt = lf, lf + 1
            frame = self._line(bytes(buf[start:end]).decode("utf-8", "replace"))
            if frame is not None:
                frames.append(frame)
            start = nxt
        del buf[:start]
        return frames

    def close(self) -> SSEFrame | None:
        """End of stream: return a last frame whose terminating blank line never came."""
        if self._buffer:
            rest = bytes(self._buffer).decode("utf-8", "replace")
            self._buffer.clear()
            frame = self._line(rest)
            if frame is not None:  # pragma: no cover - a lone line cannot end a frame
                return frame
        return self._dispatch()

    def _line(self, line: str) -> SSEFrame | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            if match := _HTTP_STATUS.match(line[1:]):
                self._status = int(match.group(1))
            return None
        name, sep, value = line.partition(":")
        if not sep:
            value = ""
        elif value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._data_size += len(value)
        elif name == "event":
            self._event = value.strip()
        elif name == "id":
            self._id = value
        elif name == "status":
            with contextlib.suppress(ValueError):
                self._status = int(value.strip())
        return None

    def _dispatch(self) -> SSEFrame | None:
        if not self._data and self._event is None:
            self._status = None
            self._id = None
            return None
        frame = SSEFrame("\n".join(self._data), self._event, self._id, self._status)
        self._data = []
        self._data_size = 0
        self._event = None
        self._id = None
        self._status = None
        return frame
