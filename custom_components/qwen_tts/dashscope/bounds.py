"""Bounds on one stream from the service: how long it may keep the caller waiting for
progress, how long in all, and how much it may deliver.

A stream is judged by the time the caller spends waiting on the service (``ProgressWatch.wait``),
not by wall time: time the caller spends elsewhere (a slow consumer of the audio, a text
source still typing) is never held against the service. Bytes that arrive without progress
(an SSE comment trickled one byte a second, realtime events without audio) do not reset the
progress clock.
"""

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass

import aiohttp

from .errors import AudioLimitError, ProtocolError, StalledStreamError

# An answer that is not a stream (JSON, an error page) is read up to this size.
MAX_ANSWER_SIZE = 32 * 1024 * 1024
# mp3 and opus are sized as if they were this many bytes per second (320 kbit/s).
MAX_COMPRESSED_BYTE_RATE = 40_000


@dataclass(frozen=True, slots=True)
class StreamBounds:
    """The limits of one synthesis, in seconds of waiting and seconds of audio.

    - ``first_audio``: from sending the request (connecting included) to its first audio.
      DashScope's first audio takes 0.3 to 2 s.
    - ``audio_gap``: once audio flows, the longest wait for more.
    - ``base_wait`` + ``wait_per_char`` x characters: all the waiting one request may take,
      so that audio trickled in crumbs still ends. Slow speech (half rate, Chinese) is about
      0.5 s of audio per character, and the service delivers faster than real time.
    - ``base_audio`` + ``audio_per_char`` x characters: the most audio (in seconds) one
      request may deliver; more ends the request with ``AudioLimitError``.
    """

    first_audio: float = 10.0
    audio_gap: float = 5.0
    base_wait: float = 10.0
    wait_per_char: float = 0.5
    base_audio: float = 10.0
    audio_per_char: float = 1.0

    def max_wait(self, characters: int) -> float:
        """All the waiting a request of ``characters`` characters may take, in seconds."""
        return self.base_wait + self.wait_per_char * characters

    def max_audio(self, characters: int) -> float:
        """The most audio a request of ``characters`` characters may deliver, in seconds."""
        return self.base_audio + self.audio_per_char * characters

    def watch(self, what: str, *, characters: int, byte_rate: int) -> ProgressWatch:
        """A ``ProgressWatch`` for one synthesis of ``characters`` characters whose audio
        comes at ``byte_rate`` bytes per second of speech."""
        return ProgressWatch(
            what,
            first=self.first_audio,
            gap=self.audio_gap,
            overall=self.max_wait(characters),
            max_bytes=round(self.max_audio(characters) * byte_rate),
            bounds=(self, byte_rate),
        )


def audio_byte_rate(audio_format: str, sample_rate: int) -> int:
    """Bytes per second of speech: s16le mono PCM (``pcm``/``wav``), else a compressed
    upper bound."""
    if audio_format in ("pcm", "wav"):
        return 2 * sample_rate
    return max(MAX_COMPRESSED_BYTE_RATE, sample_rate // 4)


class ProgressWatch:
    """The bounds of one stream at work.

    ``await watch.wait(aw)`` waits on the service for at most what is left of the current
    progress budget (``first``, then ``gap`` after each ``progress``) and of the overall
    one; running out raises ``StalledStreamError``. ``received(size)`` counts delivered
    bytes against ``max_bytes`` (``AudioLimitError`` beyond) and is progress.
    """

    def __init__(
        self,
        what: str,
        *,
        first: float,
        gap: float,
        overall: float,
        max_bytes: int | None = None,
        bounds: tuple[StreamBounds, int] | None = None,
    ) -> None:
        """Nothing waited yet. ``bounds`` (the synthesis bounds and byte rate) lets
        ``add_characters`` grow the overall and byte budgets as text is added."""
        self.what = what
        self._gap = gap
        self._budget = first
        self._budget_kind = f"no audio within {first:g} s"
        self._overall = overall
        self._overall_total = overall
        self.max_bytes = max_bytes
        self.received_bytes = 0
        self._bounds = bounds
        self._progress_count = 0

    def add_characters(self, characters: int) -> None:
        """More text was sent on the same stream: it may take longer and bring more audio."""
        if self._bounds is None or characters <= 0:
            return
        bounds, byte_rate = self._bounds
        more = bounds.wait_per_char * characters
        self._overall += more
        self._overall_total += more
        if self.max_bytes is not None:
            self.max_bytes += round(bounds.audio_per_char * characters * byte_rate)

    async def wait[T](self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable`` within what is left of the budgets."""
        loop = asyncio.get_running_loop()
        budget = min(self._budget, self._overall)
        overall_first = self._overall <= self._budget
        started = loop.time()
        progress = self._progress_count
        try:
            async with asyncio.timeout(max(budget, 0.0)):
                return await awaitable
        except TimeoutError:
            reason = (
                f"not finished within {self._overall_total:g} s"
                if overall_first
                else self._budget_kind
            )
            raise StalledStreamError(f"{self.what}: {reason}") from None
        finally:
            spent = loop.time() - started
            self._overall -= spent
            if self._progress_count == progress:  # else progress came meanwhile: whole gap
                self._budget -= spent

    def progress(self) -> None:
        """The stream moved on: the next wait gets the whole ``gap``."""
        self._progress_count += 1
        self._budget = self._gap
        self._budget_kind = f"no audio for {self._gap:g} s"

    def received(self, size: int) -> None:
        """Count ``size`` delivered bytes (progress); beyond ``max_bytes``: ``AudioLimitError``."""
        self.received_bytes += size
        if self.max_bytes is not None and self.received_bytes > self.max_bytes:
            raise AudioLimitError(
                f"{self.what}: more than {self.max_bytes} bytes of audio, far more than"
                " the text can take"
            )
        if size:
            self.progress()


async def read_answer(
    response: aiohttp.ClientResponse, what: str, limit: int = MAX_ANSWER_SIZE
) -> bytes:
    """The body of an answer that is not a stream, refusing more than ``limit`` bytes."""
    if (response.content_length or 0) > limit:
        raise ProtocolError(f"{what}: the answer is larger than {limit} bytes")
    body = bytearray()
    while chunk := await response.content.readany():
        body += chunk
        if len(body) > limit:
            raise ProtocolError(f"{what}: the answer is larger than {limit} bytes")
    return bytes(body)
