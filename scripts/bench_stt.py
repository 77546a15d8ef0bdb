"""Speech-to-text latency: the end of speech to the transcript, over both recognition paths.

Runs the code the STT entity runs (``stt_recognition.recognize_once`` / ``transcribe_live``
with a real ``DashScopeClient``) against the emulator. The command is streamed at real time in 20 ms
chunks, as a satellite sends it; the stream ends right after the last chunk, as Home
Assistant's voice activity detection ends it. The emulator's latency model: the service
answers ``RECOGNITION_DELAY`` after it has the whole audio, and works through audio at
``SPEED`` x real time, so a file sent over HTTP also waits its duration / ``SPEED``, while
realtime audio is processed as it arrives.
"""

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
import statistics

from custom_components.qwen_tts.dashscope import DashScopeClient
from custom_components.qwen_tts.stt_recognition import Command, recognize_once, transcribe_live
from tests.emulator import DashScopeEmulator, render_pcm

RATE = 16000
CHUNK_SECONDS = 0.02
RECOGNITION_DELAY = 0.2
SPEED = 10.0
RUNS = 3
COMMAND = "Turn on the kitchen light and close the living room blinds"


class _Clock:
    """When the last audio chunk left the satellite."""

    def __init__(self) -> None:
        self.end_of_speech = 0.0


async def _satellite(pcm: bytes, clock: _Clock) -> AsyncGenerator[bytes]:
    loop = asyncio.get_running_loop()
    size = int(RATE * 2 * CHUNK_SECONDS)
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]
        clock.end_of_speech = loop.time()
        await asyncio.sleep(CHUNK_SECONDS)


async def _http(client: DashScopeClient, pcm: bytes, clock: _Clock) -> str:
    update = await recognize_once(client, Command("qwen3-asr-flash"), _satellite(pcm, clock))
    return update.text


async def _realtime(client: DashScopeClient, pcm: bytes, clock: _Clock) -> str:
    command = Command("qwen3-asr-flash-realtime")
    text = ""
    async with aclosing(transcribe_live(client, command, _satellite(pcm, clock))) as updates:
        async for update in updates:
            if update.final:
                text = update.text
    return text


async def _measure(
    client: DashScopeClient,
    pcm: bytes,
    path: Callable[[DashScopeClient, bytes, _Clock], Awaitable[str]],
) -> float:
    """Median milliseconds from the end of speech to the transcript."""
    loop = asyncio.get_running_loop()
    figures = []
    for _ in range(RUNS):
        clock = _Clock()
        text = await path(client, pcm, clock)
        assert text, "the emulator recognised nothing"
        figures.append((loop.time() - clock.end_of_speech) * 1000)
    return statistics.median(figures)


async def stt_latency(
    emu: DashScopeEmulator, client: DashScopeClient, emit: Callable[[str, float, str], None]
) -> None:
    """Print the end-of-speech-to-transcript figures of both paths and the emulator's own."""
    emu.first_chunk_delay = 0.0
    emu.recognition_delay = RECOGNITION_DELAY
    emu.realtime_factor = SPEED
    emu.transcript = COMMAND + "."
    pcm = render_pcm(COMMAND, RATE)
    seconds = len(pcm) / (RATE * 2)
    http_service = (RECOGNITION_DELAY + seconds / SPEED) * 1000
    realtime_service = RECOGNITION_DELAY * 1000
    emit("stt_command_seconds", round(seconds, 2), "s")
    emit("stt_http_emulator_ms", round(http_service, 1), "ms")
    emit("stt_http_end_to_text_ms", round(await _measure(client, pcm, _http), 1), "ms")
    emit("stt_realtime_emulator_ms", round(realtime_service, 1), "ms")
    emit("stt_realtime_end_to_text_ms", round(await _measure(client, pcm, _realtime), 1), "ms")
    emu.recognition_delay = 0.0
