"""Speaking a text in requests: order, bounded concurrency, and stopping or failing cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib

import aiohttp
import pytest

from custom_components.qwen_tts.const import DEFAULT_PROFILE
from custom_components.qwen_tts.dashscope import (
    AccountVoice,
    DashScopeClient,
    Endpoint,
    ProtocolError,
)
from custom_components.qwen_tts.speech import OutputFormat, SpeechPlan, resolve_plan
from custom_components.qwen_tts.synthesis import stream_audio, synthesize, with_gaps

from .emulator import DashScopeEmulator, render_pcm
from .tts_helpers import spoken_texts

PCM = OutputFormat("wav", "pcm", 24000)
SENTENCES = [f"This is sentence number {n}." for n in range(10)]


class NoVoices:
    def find(self, voice: str) -> AccountVoice | None:
        return None


def plan_for(model: str) -> SpeechPlan:
    return resolve_plan({**DEFAULT_PROFILE, "model": model}, {}, "en", NoVoices())


@pytest.fixture
async def client(emulator: DashScopeEmulator) -> AsyncIterator[DashScopeClient]:
    async with aiohttp.ClientSession() as session:
        yield DashScopeClient(
            session, emulator.api_key, Endpoint.from_base_url(emulator.base_url), request_timeout=10
        )


async def source(*texts: str, fail: bool = False) -> AsyncIterator[str]:
    """Text arriving piece by piece (an LLM's reply), optionally breaking off."""
    for text in texts:
        await asyncio.sleep(0)
        yield text
    if fail:
        raise RuntimeError("the reply broke off")


async def wait_until_closed(emulator: DashScopeEmulator) -> None:
    for _ in range(200):
        if not emulator.sockets:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the realtime socket stayed open")


async def test_streamed_text_is_spoken_in_order(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    audio = [
        a async for a in stream_audio(client, plan_for("qwen3-tts-flash"), source(*SENTENCES), PCM)
    ]

    assert spoken_texts(emulator.requests_of("synthesis_stream")) == SENTENCES
    assert b"".join(audio) == b"".join(render_pcm(s) for s in SENTENCES)


async def collect(audio: AsyncIterator[bytes], into: list[bytes]) -> None:
    """Gather audio as it arrives, until the stream ends or fails."""
    async for chunk in audio:
        into.append(chunk)  # noqa: PERF401 - kept as it arrives, also when the stream fails


async def test_a_failing_text_source_raises_after_the_audio_before_it(
    client: DashScopeClient,
) -> None:
    received: list[bytes] = []
    audio = stream_audio(client, plan_for("qwen3-tts-flash"), source("First one.", fail=True), PCM)

    with pytest.raises(RuntimeError, match="broke off"):
        await collect(audio, received)

    assert b"".join(received) == render_pcm("First one.")


async def test_stopping_early_starts_no_more_requests(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    audio = stream_audio(client, plan_for("qwen3-tts-flash"), source(*SENTENCES), PCM)
    async with contextlib.aclosing(audio):
        assert await anext(audio)

    assert len(emulator.requests_of("synthesis_stream")) <= 3


async def test_a_realtime_session_hears_the_text_as_it_arrives(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    pieces = ["Hello ", "there. ", "How are ", "you?"]

    audio = [
        a
        async for a in stream_audio(
            client, plan_for("qwen3-tts-flash-realtime"), source(*pieces), PCM
        )
    ]

    [session] = emulator.requests_of("realtime")
    appended = [e["text"] for _, e in session.events if e["type"] == "input_text_buffer.append"]
    assert appended == pieces
    assert b"".join(audio) == b"".join(render_pcm(t) for t in session.responses)


async def test_a_failing_text_source_ends_the_realtime_session(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    audio = stream_audio(
        client, plan_for("qwen3-tts-flash-realtime"), source("Hello", fail=True), PCM
    )

    with pytest.raises(RuntimeError, match="broke off"):
        await collect(audio, [])

    await wait_until_closed(emulator)


async def test_stopping_a_realtime_stream_early_closes_the_socket(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    audio = stream_audio(client, plan_for("qwen3-tts-flash-realtime"), source(*SENTENCES), PCM)
    async with contextlib.aclosing(audio):
        assert await anext(audio)

    await wait_until_closed(emulator)


async def test_there_is_nothing_to_synthesize_in_blank_text(client: DashScopeClient) -> None:
    with pytest.raises(ProtocolError):
        await synthesize(client, plan_for("qwen3-tts-flash"), " \n ", PCM)


def test_pieces_with_gaps_join_back_into_the_text() -> None:
    text = "One.  Two!\nThree?"

    assert with_gaps(text, ["One.", "Two!", "Three?"]) == ["One.", "  Two!", "\nThree?"]
