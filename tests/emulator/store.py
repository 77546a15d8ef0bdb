"""The emulator's memory: recorded requests, account voices, published audio files."""

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import secrets
from typing import Any, override
import uuid

from .catalogue import CLONE_TARGETS, DESIGN_TARGETS

# Request kinds.
SYNTHESIS = "synthesis"
SYNTHESIS_STREAM = "synthesis_stream"
DOWNLOAD = "download"
REALTIME = "realtime"
ENROLLMENT = "enrollment"
DESIGN = "design"
RECOGNITION = "recognition"
TRANSCRIPTION = "transcription"
API_KINDS = frozenset(
    {SYNTHESIS, SYNTHESIS_STREAM, REALTIME, ENROLLMENT, DESIGN, RECOGNITION, TRANSCRIPTION}
)


class RecordedHeaders(dict[str, str]):
    """Request headers; lookups ignore case (``"Authorization" in headers``)."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        """Copy ``headers`` (the last value wins for repeated names)."""
        super().__init__((k.lower(), v) for k, v in headers.items())

    @override
    def __getitem__(self, key: str) -> str:
        """Case-insensitive item access."""
        return super().__getitem__(key.lower())

    @override
    def __contains__(self, key: object) -> bool:
        """Case-insensitive membership."""
        return isinstance(key, str) and super().__contains__(key.lower())

    @override
    def get(self, key: str, default: Any = None) -> Any:
        """Case-insensitive ``get``."""
        return super().get(key.lower(), default)


@dataclass(slots=True)
class RecordedRequest:
    """One request the emulator received (recorded before auth, faults and validation)."""

    kind: str
    model: str | None
    body: dict[str, Any] | None
    headers: RecordedHeaders
    started: float
    path: str = ""
    query: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    first_audio_at: float | None = None
    # Realtime: each client event with the loop time it arrived.
    events: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    # Loop time each audio chunk (SSE frame, realtime delta, download body) was sent.
    audio_times: list[float] = field(default_factory=list)
    # Realtime: the text of each response, in order.
    responses: list[str] = field(default_factory=list)
    # The client went away (closed the connection or socket) before the answer was complete.
    client_left: bool = False
    # ``usage.characters`` reported to the client (summed over a realtime session's responses).
    billed: int = 0

    def audio_sent(self, at: float) -> None:
        """Note one audio chunk sent at loop time ``at``."""
        if self.first_audio_at is None:
            self.first_audio_at = at
        self.audio_times.append(at)

    def event_types(self) -> list[str]:
        """The ``type`` of each client event received (realtime)."""
        return [str(event.get("type")) for _, event in self.events]


def request_id() -> str:
    """A DashScope-like request id."""
    return str(uuid.uuid4())


def _now() -> datetime:
    return datetime.now(UTC)


def gmt(moment: datetime) -> str:
    """The service's ``gmt_create`` format."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def new_voice_id(kind: str, name: str, existing: Mapping[str, object]) -> str:
    """``qwen-tts-vc-<name>-voice-<YYYYMMDDHHMMSSmmm>-<4 hex>`` (``vd`` for designed)."""
    prefix = "vd" if kind == DESIGN else "vc"
    while True:
        moment = _now()
        stamp = moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}"
        voice = f"qwen-tts-{prefix}-{name}-voice-{stamp}-{secrets.token_hex(2)}"
        if voice not in existing:
            return voice


def voice_kind(voice_id: str, entry: Mapping[str, Any]) -> str:
    """Whether a stored voice is cloned (``enrollment``) or designed (``design``)."""
    target = entry.get("target_model")
    if target in DESIGN_TARGETS:
        return DESIGN
    if target in CLONE_TARGETS:
        return ENROLLMENT
    return DESIGN if voice_id.startswith("qwen-tts-vd-") else ENROLLMENT


def new_voice_entry(voice: str, target_model: str, **fields: Any) -> dict[str, Any]:
    """A stored voice as the service lists it (``None`` fields left out)."""
    stamp = gmt(_now())
    entry: dict[str, Any] = {
        "voice": voice,
        "target_model": target_model,
        "gmt_create": stamp,
        "gmt_modified": stamp,
    }
    entry.update({k: v for k, v in fields.items() if v is not None})
    return entry


def listed(voice_id: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    """A stored (possibly hand-seeded) voice as a ``voice_list`` item."""
    item = dict(entry)
    item.setdefault("voice", voice_id)
    item.setdefault("gmt_create", gmt(_now()))
    item.setdefault("gmt_modified", item["gmt_create"])
    return item


class PublishedAudio:
    """Audio files served at signed-looking download URLs (the newest ``limit`` kept)."""

    def __init__(self, limit: int = 256) -> None:
        """Start empty."""
        self._files: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._limit = limit

    def publish(self, data: bytes, extension: str) -> str:
        """Keep ``data``; return its file name."""
        name = f"{secrets.token_hex(8)}.{extension}"
        self._files[name] = (data, "audio/mpeg" if extension == "mp3" else "audio/wav")
        while len(self._files) > self._limit:
            self._files.popitem(last=False)
        return name

    def get(self, name: str) -> tuple[bytes, str] | None:
        """The bytes and content type of a published file."""
        return self._files.get(name)
