"""Memory of one synthesis against a service that never stops sending audio.

The emulator streams 1 s of audio every 20 ms and never finishes (``endless_audio``), over
SSE and over the realtime WebSocket. The integration's streaming code (a ``SpeechStream``
with a real ``DashScopeClient``) runs in a child process, so that only its own allocations
count; it must end with ``AudioLimitError`` at the audio bound of the text, with its memory
bounded by that too.
"""

import asyncio
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
import gc
import resource
import sys
import time
import tracemalloc
from typing import Any

import aiohttp

from custom_components.qwen_tts.dashscope import (
    AudioLimitError,
    DashScopeClient,
    Endpoint,
    StreamBounds,
)
from custom_components.qwen_tts.speech import SpeechPlan
from custom_components.qwen_tts.streaming import SpeechStream
from tests.emulator import DashScopeEmulator

# The longest a child process may take: far more than a bounded synthesis needs, so that a
# request the bounds no longer end fails the bench instead of hanging it.
CHILD_TIMEOUT = 120.0
# The alert of the report: 30 characters.
MESSAGE = "The garage door is still open."
ENDLESS_INTERVAL = 0.02
TRANSPORTS = ("sse", "realtime")
# The shape a satellite asks for: streamed 24 kHz PCM in a WAV.
WAV = {
    "preferred_format": "wav",
    "preferred_sample_rate": 24000,
    "preferred_sample_channels": 1,
    "preferred_sample_bytes": 2,
}

type Emit = Callable[[str, float, str], None]
type Note = Callable[[str], None]
type PlanFor = Callable[[dict[str, Any]], SpeechPlan]


async def endless_audio(emu: DashScopeEmulator, plan_for: PlanFor, emit: Emit, note: Note) -> None:
    """Run the endless-audio synthesis in a child process per transport; emit its figures."""
    emu.endless_audio = ENDLESS_INTERVAL
    cap = StreamBounds().max_audio(len(MESSAGE)) * 2 * 24000
    note(
        f"endless audio: the service sends 1 s of audio every {ENDLESS_INTERVAL * 1000:g} ms "
        f"and never finishes; a {len(MESSAGE)}-char message may bring at most "
        f"{cap / 1024:.0f} KiB (24 kHz PCM); client side only, child process"
    )
    emit("endless_audio_bound_kib", round(cap / 1024), "KiB")
    try:
        for transport in TRANSPORTS:
            peak_kib, rss_kib, received_kib, stop_ms = await child_figures(
                "--endless-child", emu.base_url, emu.api_key, transport
            )
            emit(f"endless_audio_peak_mem_kib_{transport}", round(peak_kib), "KiB")
            emit(f"endless_audio_rss_growth_kib_{transport}", round(rss_kib), "KiB")
            emit(f"endless_audio_received_kib_{transport}", round(received_kib), "KiB")
            emit(f"endless_audio_stopped_after_ms_{transport}", round(stop_ms), "ms")
    finally:
        emu.endless_audio = None


async def child_figures(*arguments: str) -> list[float]:
    """Run ``scripts.bench`` with ``arguments`` in a child process (so that only its own
    allocations count) and return the figures it printed; one that fails or outlasts
    ``CHILD_TIMEOUT`` raises ``RuntimeError``."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "scripts.bench", *arguments, stdout=asyncio.subprocess.PIPE
    )
    try:
        async with asyncio.timeout(CHILD_TIMEOUT):
            out, _ = await child.communicate()
    except TimeoutError:
        child.kill()
        await child.wait()
        raise RuntimeError(f"{arguments[0]} run took over {CHILD_TIMEOUT:g} s") from None
    if child.returncode != 0:
        raise RuntimeError(f"{arguments[0]} run failed ({child.returncode})")
    return [float(value) for value in out.decode().split()]


async def endless_child(base_url: str, api_key: str, transport: str, plan_for: PlanFor) -> None:
    """Speak the message against the endless service; print the extra peak memory
    (tracemalloc), the growth of the peak RSS, the audio received (KiB) and the time until
    the request was stopped (ms)."""
    plan = plan_for(WAV)
    if transport == "realtime":
        plan = plan_for({**WAV, "model": "qwen3-tts-flash-realtime"})
    async with aiohttp.ClientSession() as session:
        client = DashScopeClient(session, api_key, Endpoint.from_base_url(base_url))
        speech = SpeechStream(client, plan, WAV)
        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        base, _ = tracemalloc.get_traced_memory()
        received = 0
        started = time.monotonic()
        try:
            async with aclosing(speech.audio(_once(MESSAGE))) as audio:
                async for chunk in audio:
                    received += len(chunk)
        except AudioLimitError:
            pass
        else:
            raise RuntimeError("the endless synthesis ended without AudioLimitError")
        stopped = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print((peak - base) / 1024, rss_after - rss_before, received / 1024, stopped * 1000)


async def _once(text: str) -> AsyncGenerator[str]:
    """A whole message, as Home Assistant hands it over."""
    yield text
