"""What each call used, as the client reports it: requests the service answered, the
characters it billed (``usage.characters``), voices created."""

from collections.abc import Callable
from contextlib import aclosing

import aiohttp
import pytest

from custom_components.qwen_tts.dashscope import (
    DashScopeClient,
    DashScopeConnectionError,
    DashScopeError,
    Endpoint,
    RateLimitError,
    ServiceError,
    SpeechSettings,
    Usage,
)
from tests.emulator import DashScopeEmulator
from tests.emulator.audio import render_pcm, wav_bytes

SAMPLE = wav_bytes(render_pcm("This is my voice, speaking clearly for a while."), 24000)
FLASH = SpeechSettings(model="qwen3-tts-flash", voice="Cherry")
TEXTS = [
    pytest.param("Hello there.", id="latin"),
    pytest.param("前门已经开了十分钟。", id="cjk-billed-twice"),
    pytest.param("Water leak in the basement! 地下室漏水了。", id="mixed"),
]


@pytest.fixture
def used() -> list[Usage]:
    """Every usage the client reported."""
    return []


@pytest.fixture
def counting(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, used: list[Usage]
) -> DashScopeClient:
    """A client on the emulator that reports its usage into ``used``."""
    return DashScopeClient(
        http,
        emulator.api_key,
        Endpoint.from_base_url(emulator.base_url),
        request_timeout=10,
        on_usage=used.append,
    )


def total(used: list[Usage]) -> Usage:
    return Usage(
        requests=sum(u.requests for u in used),
        characters=sum(u.characters for u in used),
        voices=sum(u.voices for u in used),
    )


@pytest.mark.parametrize("text", TEXTS)
async def test_a_streamed_synthesis_reports_one_request_and_the_billed_characters(
    counting: DashScopeClient, emulator: DashScopeEmulator, used: list[Usage], text: str
) -> None:
    async with aclosing(counting.stream_synthesis(FLASH, text)) as audio:
        assert b"".join([chunk async for chunk in audio])

    (record,) = emulator.requests_of("synthesis_stream")
    assert record.billed > 0
    assert total(used) == Usage(requests=1, characters=record.billed)


@pytest.mark.parametrize("texts", [["Hello there."], ["First. ", "二つ目。", "Third one."]])
async def test_a_realtime_session_reports_one_request_and_every_response_billed(
    counting: DashScopeClient, emulator: DashScopeEmulator, used: list[Usage], texts: list[str]
) -> None:
    settings = SpeechSettings(model="qwen3-tts-flash-realtime", voice="Cherry")
    async with counting.realtime_session(settings) as session:
        for text in texts:
            await session.append(text)
        await session.finish()
        assert b"".join([chunk async for chunk in session.audio()])

    (record,) = emulator.requests_of("realtime")
    assert record.billed > 0
    assert total(used) == Usage(requests=1, characters=record.billed)


def _refuse(status: int, code: str) -> Callable[[DashScopeEmulator], None]:
    return lambda emulator: emulator.fail_next(status, code, count=5)


def _break_after_one_frame(emulator: DashScopeEmulator) -> None:
    emulator.sse_error_after = 1


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        pytest.param(_refuse(503, "ServiceUnavailable"), ServiceError, id="503 refused"),
        pytest.param(_refuse(500, "InternalError"), ServiceError, id="500 refused"),
        pytest.param(_refuse(429, "Throttling"), RateLimitError, id="429 refused"),
        pytest.param(_break_after_one_frame, ServiceError, id="stream breaks -> nothing billed"),
    ],
)
async def test_a_failed_synthesis_is_a_request_without_characters(
    counting: DashScopeClient,
    emulator: DashScopeEmulator,
    used: list[Usage],
    fault: Callable[[DashScopeEmulator], None],
    expected: type[DashScopeError],
) -> None:
    fault(emulator)

    with pytest.raises(expected):
        async with aclosing(counting.stream_synthesis(FLASH, "Hello there.")) as audio:
            _ = [chunk async for chunk in audio]

    assert total(used) == Usage(requests=1)


async def test_an_unreachable_service_counts_nothing(
    counting: DashScopeClient, emulator: DashScopeEmulator, used: list[Usage]
) -> None:
    await emulator.stop()

    with pytest.raises(DashScopeConnectionError):
        async with aclosing(counting.stream_synthesis(FLASH, "Hello.")) as audio:
            _ = [chunk async for chunk in audio]
    settings = SpeechSettings(model="qwen3-tts-flash-realtime", voice="Cherry")
    with pytest.raises(DashScopeConnectionError):
        async with counting.realtime_session(settings):
            pass

    assert used == []


async def test_creating_voices_counts_each_and_listing_counts_nothing(
    counting: DashScopeClient, used: list[Usage]
) -> None:
    await counting.create_cloned_voice(
        name="mom", target_model="qwen3-tts-vc-2026-01-22", audio=SAMPLE
    )
    await counting.design_voice(
        name="narrator",
        description="A calm, warm male voice for bedtime stories.",
        preview_text="Once upon a time, in a quiet village by the sea.",
        target_model="qwen3-tts-vd-2026-01-26",
    )
    await counting.list_voices()
    await counting.validate_key()

    assert total(used) == Usage(voices=2)
