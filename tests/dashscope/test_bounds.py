"""Every wait on the service is bounded, and so is the audio one request may bring.

Each misbehaviour of a broken service (the emulator's knobs) ends with its own typed error
within its bound, and the emulator sees the connection closed. The bounds are shortened
here (``StreamBounds`` is a parameter of the client); working streams, slow ones included,
never trip them.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing

import aiohttp
import pytest

from custom_components.qwen_tts.dashscope import (
    AudioLimitError,
    DashScopeClient,
    DashScopeError,
    Endpoint,
    IncompleteAudioError,
    ProtocolError,
    SpeechSettings,
    StalledStreamError,
    StreamBounds,
)
from tests.emulator import DashScopeEmulator, render_pcm
from tests.emulator.misbehaviour import ENDLESS_CHUNK_SECONDS

from .scripted import ScriptedServer

TEXT = "The front door is open."
SSE = SpeechSettings(model="qwen3-tts-flash", voice="Cherry")
REALTIME = SpeechSettings(model="qwen3-tts-flash-realtime", voice="Cherry")
# Short bounds so that the tests run quickly; the defaults are ten times longer.
BOUNDS = StreamBounds(first_audio=0.6, audio_gap=0.4, base_wait=3.0, wait_per_char=0.0)
# Time for the client to notice and the emulator to see the connection go.
SLACK = 1.0

type Speak = Callable[[DashScopeClient], AsyncIterator[bytes]]


def _sse(client: DashScopeClient) -> AsyncIterator[bytes]:
    return client.stream_synthesis(SSE, TEXT)


async def _realtime(client: DashScopeClient) -> AsyncIterator[bytes]:
    async with client.realtime_session(REALTIME) as session:
        await session.append(TEXT)
        await session.finish()
        async with aclosing(session.audio()) as audio:
            async for chunk in audio:
                yield chunk


TRANSPORTS = pytest.mark.parametrize("speak", [_sse, _realtime], ids=["sse", "realtime"])


def _client(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, bounds: StreamBounds = BOUNDS
) -> DashScopeClient:
    return DashScopeClient(
        http, emulator.api_key, Endpoint.from_base_url(emulator.base_url), stream_bounds=bounds
    )


async def _collect(audio: AsyncIterator[bytes], counted: list[int] | None = None) -> bytes:
    received = bytearray()
    async for chunk in audio:
        received += chunk
        if counted is not None:
            counted.append(len(chunk))
    return bytes(received)


async def _timed[T](awaitable: Awaitable[T]) -> tuple[float, T | BaseException]:
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        result: T | BaseException = await awaitable
    except DashScopeError as err:
        result = err
    return loop.time() - started, result


async def _left(emulator: DashScopeEmulator, kind: str) -> bool:
    """Whether the emulator saw the client close the connection of its last ``kind`` request."""
    for _ in range(int(SLACK / 0.02)):
        if emulator.requests_of(kind)[-1].client_left:
            return True
        await asyncio.sleep(0.02)
    return False


# -- waits ----------------------------------------------------------------------------------


def _trickle_bytes(emulator: DashScopeEmulator) -> None:
    emulator.sse_trickle = 0.05


def _chatter(interval: float) -> Callable[[DashScopeEmulator], None]:
    def chatter(emulator: DashScopeEmulator) -> None:
        emulator.ws_chatter = interval

    return chatter


@pytest.mark.parametrize(
    ("busy", "speak", "kind"),
    [
        # One byte a second restarts aiohttp's read timeout every time; it is no progress.
        pytest.param(_trickle_bytes, _sse, "synthesis_stream", id="sse trickling bytes"),
        # Unknown events (``heartbeat``) keep the socket busy but carry no audio.
        pytest.param(_chatter(0.05), _realtime, "realtime", id="realtime chatty"),
        pytest.param(_chatter(0.3), _realtime, "realtime", id="realtime sparse"),
    ],
)
async def test_a_busy_connection_without_audio_stops_at_the_first_audio_bound(
    http: aiohttp.ClientSession,
    emulator: DashScopeEmulator,
    busy: Callable[[DashScopeEmulator], None],
    speak: Speak,
    kind: str,
) -> None:
    busy(emulator)

    elapsed, result = await _timed(_collect(speak(_client(http, emulator))))

    assert isinstance(result, StalledStreamError)
    assert "no audio within 0.6 s" in str(result)
    assert BOUNDS.first_audio <= elapsed < BOUNDS.first_audio + SLACK
    assert await _left(emulator, kind)
    assert not emulator.sockets


@TRANSPORTS
async def test_a_stream_that_stops_sending_audio_stops_at_the_gap_bound(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, speak: Speak
) -> None:
    emulator.chunk_interval = 5.0  # the first chunk at once, the next one far too late
    received: list[int] = []

    elapsed, result = await _timed(_collect(speak(_client(http, emulator)), received))

    assert isinstance(result, StalledStreamError)
    assert "no audio for 0.4 s" in str(result)
    assert len(received) == 1
    assert elapsed < BOUNDS.audio_gap + SLACK


@TRANSPORTS
async def test_audio_trickled_in_crumbs_stops_at_the_overall_bound(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, speak: Speak
) -> None:
    """Each piece comes within the gap, but all of them would take far longer than the text's
    overall bound."""
    # A piece every 0.3 s, three times within the gap even on a loaded machine; the message's
    # audio would take about 2 s at that pace.
    emulator.chunk_interval = 0.3
    bounds = StreamBounds(first_audio=1.0, audio_gap=1.0, base_wait=1.2, wait_per_char=0.0)

    elapsed, result = await _timed(_collect(speak(_client(http, emulator, bounds))))

    assert isinstance(result, StalledStreamError)
    assert "not finished within 1.2 s" in str(result)
    assert 1.2 <= elapsed < 1.2 + SLACK


@pytest.mark.parametrize(
    ("bounds", "characters", "expected"),
    [
        (StreamBounds(), 0, 10.0),
        (StreamBounds(), 30, 25.0),
        (StreamBounds(), 600, 310.0),
        (StreamBounds(base_wait=1.0, wait_per_char=0.1), 50, 6.0),
    ],
)
def test_the_overall_bound_grows_with_the_text(
    bounds: StreamBounds, characters: int, expected: float
) -> None:
    assert bounds.max_wait(characters) == pytest.approx(expected)


@TRANSPORTS
async def test_a_slow_but_working_stream_is_not_cut(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, speak: Speak
) -> None:
    """First audio late, chunks spaced, audio at real time: all inside the bounds."""
    emulator.first_chunk_delay = 0.4
    emulator.chunk_interval = 0.1
    emulator.realtime_factor = 1.0

    audio = await _collect(speak(_client(http, emulator)))

    assert audio == render_pcm(TEXT)


@TRANSPORTS
async def test_a_slow_consumer_is_not_held_against_the_service(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, speak: Speak
) -> None:
    """A player reading slower than the gap bound: only time spent waiting on the service
    counts."""
    received = bytearray()
    async with aclosing(speak(_client(http, emulator))) as audio:
        async for chunk in audio:
            received += chunk
            await asyncio.sleep(BOUNDS.audio_gap + 0.1)
            if len(received) > 3 * len(chunk):
                break
    assert render_pcm(TEXT).startswith(bytes(received))


async def test_text_still_arriving_is_not_held_against_a_realtime_session(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    """A language model pausing between sentences (a tool call) longer than the bounds: the
    service owes nothing meanwhile."""
    client = _client(http, emulator)
    async with client.realtime_session(REALTIME) as session:

        async def write() -> None:
            await session.append("Checking the lights.")
            await asyncio.sleep(BOUNDS.first_audio + 0.3)
            await session.append(" All lights are off.")
            await session.finish()

        writer = asyncio.create_task(write())
        audio = await _collect(session.audio())
        await writer

    assert audio == render_pcm("Checking the lights.") + render_pcm(" All lights are off.")


# -- audio ----------------------------------------------------------------------------------


@TRANSPORTS
async def test_endless_audio_ends_at_the_audio_bound_and_closes_the_connection(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, speak: Speak
) -> None:
    """1 s of audio every 20 ms, never finished: the request ends at the bound for the text
    (base + per character), and no more than that is ever taken."""
    emulator.endless_audio = 0.02
    bounds = StreamBounds()
    received: list[int] = []

    elapsed, result = await _timed(_collect(speak(_client(http, emulator, bounds)), received))

    assert isinstance(result, AudioLimitError)
    cap_seconds = bounds.max_audio(len(TEXT))
    assert sum(received) <= cap_seconds * 2 * 24000
    assert sum(received) >= (cap_seconds - 2 * ENDLESS_CHUNK_SECONDS) * 2 * 24000
    assert elapsed < 5.0
    kind = "realtime" if speak is _realtime else "synthesis_stream"
    assert await _left(emulator, kind)


@pytest.mark.parametrize(
    ("characters", "seconds"), [(0, 10.0), (1, 11.0), (30, 40.0), (600, 610.0)]
)
def test_the_audio_bound_grows_with_the_text(characters: int, seconds: float) -> None:
    assert StreamBounds().max_audio(characters) == pytest.approx(seconds)


async def test_a_realtime_session_may_bring_more_audio_as_more_text_is_appended(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    """The audio bound counts every character appended to the session."""
    bounds = StreamBounds(base_audio=0.0, audio_per_char=0.06)
    text = ["Lights off. ", "Doors locked. ", "Alarm armed. ", "Good night."]
    client = _client(http, emulator, bounds)
    async with client.realtime_session(REALTIME) as session:
        for part in text:
            await session.append(part)
        await session.finish()
        audio = await _collect(session.audio())
    assert audio == b"".join(render_pcm(part) for part in text)


# -- broken streams -------------------------------------------------------------------------


@pytest.mark.parametrize("after", [0, 1, 3])
async def test_an_sse_stream_reset_midway_is_incomplete_audio_not_a_connection_failure(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, after: int
) -> None:
    emulator.sse_reset_after = after

    elapsed, result = await _timed(_collect(_sse(_client(http, emulator))))

    assert isinstance(result, IncompleteAudioError)
    assert "broke off" in str(result)
    assert elapsed < SLACK


@pytest.mark.parametrize(
    "writes",
    [
        [b"data:" + b"A" * (5 * 1024 * 1024)],
        [(b"data:" + b"A" * 1024 + b"\n") * 5000],
    ],
    ids=["one-endless-line", "lines-without-end-of-event"],
)
async def test_an_sse_event_that_never_ends_is_refused_before_it_grows_large(
    http: aiohttp.ClientSession, writes: list[bytes]
) -> None:
    async with ScriptedServer(sse_writes=writes) as server:
        with pytest.raises(ProtocolError, match="an event larger than"):
            await _collect(server.client(http).stream_synthesis(SSE, TEXT))
