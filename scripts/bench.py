"""Latency and memory of the streaming speech pipelines, against the DashScope emulator
(speech-to-text figures: ``bench_stt.py``).

Runs the code the TTS entity runs (``streaming.SpeechStream`` with a real ``DashScopeClient``
over aiohttp) outside Home Assistant, against the in-repo emulator with a latency model
(250 ms to the first audio of every synthesis, audio paced at 2x real time), side by side
with a naive baseline (non-streaming synthesis: whole synthesis, download, then play).

Prints one figure per line as ``name value unit``; lines starting with ``#`` explain.
Usage: ``scripts/bench`` (runs ``scripts/setup`` first).
"""

import argparse
import asyncio
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass
import gc
import statistics
import time
import tracemalloc
from typing import Any

import aiohttp

from custom_components.qwen_tts.const import DEFAULT_PROFILE
from custom_components.qwen_tts.dashscope import AccountVoice, DashScopeClient, Endpoint
from custom_components.qwen_tts.speech import SpeechPlan, resolve_plan
from custom_components.qwen_tts.streaming import SpeechStream
from scripts.bench_baseline import whole_file
from scripts.bench_endless import child_figures, endless_audio, endless_child
from scripts.bench_stt import RECOGNITION_DELAY, SPEED, stt_latency
from tests.emulator import DashScopeEmulator
from tests.emulator.store import RecordedRequest

FIRST_CHUNK_DELAY = 0.25
REALTIME_FACTOR = 2.0
TTFA_RUNS = 15
DELTA_CHARS = 5
DELTA_INTERVAL = 0.02
ASSIST_CHARS = 400
LONG_CHARS = 2500
TEXT_LIMIT = 600
MEMORY_CHARS = (LONG_CHARS, 4 * LONG_CHARS)
MEMORY_REALTIME_FACTOR = 20.0
# A WAV that Home Assistant converts (a satellite's format at the service's 24 kHz): it
# streams. ``preferred_format: wav`` alone makes a whole message one finished file (FILE_WAV).
WAV = {
    "preferred_format": "wav",
    "preferred_sample_rate": 24000,
    "preferred_sample_channels": 1,
    "preferred_sample_bytes": 2,
}
FILE_WAV = {"preferred_format": "wav"}

_SENTENCES = (
    "The washing machine has finished its program and the laundry is ready.",
    "Outside it is eleven degrees with a light breeze from the west.",
    "Tomorrow brings sunshine in the morning and a few clouds after lunch.",
    "The living room lights are off, the front door is locked, and the alarm is armed.",
    "Remember to water the plants on the balcony before the weekend.",
    "Your package was delivered to the front porch a few minutes ago.",
)


def text_of(chars: int) -> str:
    """English sentences adding up to exactly ``chars`` characters (ending with a period)."""
    text = ""
    index = 0
    while len(text) < chars:
        text += ("" if not text else " ") + _SENTENCES[index % len(_SENTENCES)]
        index += 1
    return text[: chars - 1].rstrip() + "."


class _NoAccountVoices:
    """The bench speaks with system voices only."""

    def find(self, voice: str) -> AccountVoice | None:
        return None


def plan_for(options: dict[str, Any]) -> SpeechPlan:
    """The default profile (qwen3-tts-flash, Cherry) resolved like the entity does."""
    return resolve_plan(DEFAULT_PROFILE, options, "en-US", _NoAccountVoices())


async def whole(text: str) -> AsyncGenerator[str]:
    """A tts.speak message: Home Assistant passes it as a one-item stream."""
    yield text


def message(text: str) -> Callable[[Run], AsyncGenerator[str]]:
    """``whole(text)`` for ``Bench.stream``."""

    def start(_run: Run) -> AsyncGenerator[str]:
        return whole(text)

    return start


@dataclass
class Run:
    """When the text and the audio of one stream moved (loop time)."""

    started: float
    first_audio: float | None = None
    last_audio: float | None = None
    last_delta: float | None = None
    first_sentence: float | None = None
    audio_bytes: int = 0


class Bench:
    """The emulator and a client talking to it."""

    def __init__(
        self, emulator: DashScopeEmulator, session: aiohttp.ClientSession, client: DashScopeClient
    ) -> None:
        self.emu = emulator
        self.session = session
        self.client = client
        self.loop = asyncio.get_running_loop()

    def now(self) -> float:
        return self.loop.time()

    async def stream(
        self,
        message: Callable[[Run], AsyncGenerator[str]],
        options: dict[str, Any],
        *,
        first_only: bool = False,
    ) -> Run:
        """Run the entity's streaming pipeline over ``message``; note when audio came."""
        run = Run(self.now())
        speech = SpeechStream(self.client, plan_for(options), options)
        async with aclosing(speech.audio(message(run))) as audio:
            async for chunk in audio:
                now = self.now()
                if run.first_audio is None:
                    run.first_audio = now
                run.last_audio = now
                run.audio_bytes += len(chunk)
                if first_only:
                    break
        return run

    def llm(self, text: str) -> Callable[[Run], AsyncGenerator[str]]:
        """An LLM reply: DELTA_CHARS characters every DELTA_INTERVAL seconds."""
        sentence_end = text.index(". ") + 2

        async def deltas(run: Run) -> AsyncGenerator[str]:
            for start in range(0, len(text), DELTA_CHARS):
                if start:
                    await asyncio.sleep(DELTA_INTERVAL)
                now = self.now()
                run.last_delta = now
                if run.first_sentence is None and start + DELTA_CHARS >= sentence_end:
                    run.first_sentence = now
                yield text[start : start + DELTA_CHARS]

        return deltas

    @staticmethod
    def held_open(text: str) -> Callable[[Run], AsyncGenerator[str]]:
        """A reply whose first sentence has arrived while the rest is still being written."""

        async def deltas(run: Run) -> AsyncGenerator[str]:
            yield text
            await asyncio.Event().wait()
            yield ""  # pragma: no cover - never reached

        return deltas

    def newest(self, kind: str) -> RecordedRequest:
        return self.emu.requests_of(kind)[-1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def emit(name: str, value: float, unit: str) -> None:
    print(f"{name} {value:g} {unit}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


async def ttfa_overhead(bench: Bench) -> None:
    """Our first audio byte minus the emulator's first chunk, for both pipelines."""
    live: list[float] = []
    sentences: list[float] = []
    for index in range(TTFA_RUNS):
        text = f"Announcement number {index + 1} is ready. "
        run = await bench.stream(bench.held_open(text), WAV, first_only=True)
        record = bench.newest("realtime")
        assert run.first_audio is not None
        assert record.first_audio_at is not None
        live.append(run.first_audio - record.first_audio_at)
        run = await bench.stream(message(text), WAV, first_only=True)
        record = bench.newest("synthesis_stream")
        assert run.first_audio is not None
        assert record.first_audio_at is not None
        sentences.append(run.first_audio - record.first_audio_at)
    note(f"first audio byte after the emulator sent its first chunk, median of {TTFA_RUNS}")
    emit("ttfa_overhead_ms_p50", ms(statistics.median(live + sentences)), "ms")
    emit("ttfa_overhead_realtime_ms_p50", ms(statistics.median(live)), "ms")
    emit("ttfa_overhead_sse_ms_p50", ms(statistics.median(sentences)), "ms")
    emit("ttfa_overhead_target_ms", 5, "ms")


async def assist(bench: Bench) -> None:
    """A 400-character reply streamed by an LLM: first audio and tail."""
    text = text_of(ASSIST_CHARS)
    run = await bench.stream(bench.llm(text), WAV)
    record = bench.newest("realtime")
    assert run.first_audio is not None
    assert run.last_audio is not None
    assert run.last_delta is not None
    assert run.first_sentence is not None
    assert record.first_audio_at is not None
    last_text = max(t for t, e in record.events if e.get("type") == "input_text_buffer.append")
    service_tail = record.audio_times[-1] - last_text
    note(
        f"{ASSIST_CHARS}-char reply, {DELTA_CHARS}-char deltas every "
        f"{ms(DELTA_INTERVAL):g} ms, one realtime session ({record.model})"
    )
    emit("assist_first_audio_ms", ms(run.first_audio - run.started), "ms")
    emit(
        "assist_first_audio_target_ms",
        ms(FIRST_CHUNK_DELAY + run.first_sentence - run.started),
        "ms",
    )
    emit("assist_tail_ms", ms(run.last_audio - run.last_delta), "ms")
    emit("assist_tail_target_ms", ms(service_tail + 0.05), "ms")


async def long_text(bench: Bench) -> None:
    """A 2,500-character tts.speak message against one request's worth of it."""
    text = text_of(LONG_CHARS)
    chunk = text_of(TEXT_LIMIT)
    one = await bench.stream(message(chunk), WAV)
    before = len(bench.emu.requests_of("synthesis_stream"))
    run = await bench.stream(message(text), WAV)
    requests = bench.emu.requests_of("synthesis_stream")[before:]
    assert one.last_audio is not None
    assert run.last_audio is not None
    one_total = one.last_audio - one.started
    total = run.last_audio - run.started
    note(
        f"{LONG_CHARS}-char message in {len(requests)} requests (<= 3 at once): "
        f"{total:.2f} s; one request of the {len(chunk)}-char limit: {one_total:.2f} s"
    )
    emit("longtext_total_ratio", round(total / one_total, 3), "x")
    emit("longtext_total_ratio_target", 1.5, "x")


async def baseline(bench: Bench) -> None:
    """Naive baseline (non-streaming: synthesis, download, play) against ours, same text."""
    text = text_of(ASSIST_CHARS)
    ours = await bench.stream(message(text), WAV, first_only=True)
    assert ours.first_audio is not None
    started = bench.now()
    audio = await whole_file(
        bench.session, bench.emu.api_key, bench.client.endpoint, plan_for(WAV).settings, text
    )
    naive = bench.now() - started
    assert audio
    ttfa = ours.first_audio - ours.started
    held = await bench.stream(message(text), FILE_WAV, first_only=True)
    assert held.first_audio is not None
    note(
        f"{ASSIST_CHARS}-char message: baseline first audio {ms(naive):g} ms, ours {ms(ttfa):g} ms"
    )
    emit("baseline_ttfa_ms", ms(naive), "ms")
    emit("ours_ttfa_ms", ms(ttfa), "ms")
    emit("baseline_ttfa_ratio", round(naive / ttfa, 1), "x")
    note("the same message as a finished WAV (preferred_format wav alone: sent whole)")
    emit("finished_wav_ms", ms(held.first_audio - held.started), "ms")


async def memory(emu: DashScopeEmulator) -> None:
    """Peak memory of streaming, measured in a child process (so the emulator's own
    allocations do not count), for two text lengths."""
    for chars in MEMORY_CHARS:
        peak_kib, audio_kib = await child_figures(
            "--memory-child", emu.base_url, emu.api_key, str(chars)
        )
        kchars = chars / 1000
        if chars == LONG_CHARS:
            note(
                "extra peak memory (tracemalloc, client side only) while streaming a tts.speak "
                f"message, audio paced at {MEMORY_REALTIME_FACTOR:g}x; per 1,000 chars"
            )
            emit("stream_peak_mem_kib_per_kchar", round(peak_kib / kchars, 1), "KiB")
            emit("stream_audio_kib_per_kchar", round(audio_kib / kchars, 1), "KiB")
        else:
            note(f"the same for a {chars}-char message")
            emit(
                f"stream_peak_mem_kib_per_kchar_{chars}",
                round(peak_kib / kchars, 1),
                "KiB",
            )
        emit(f"stream_peak_mem_kib_{chars}", round(peak_kib, 1), "KiB")


async def memory_child(base_url: str, api_key: str, chars: int) -> None:
    """Stream one message and print the extra peak memory in KiB (child process)."""
    text = text_of(chars)
    async with aiohttp.ClientSession() as session:
        client = DashScopeClient(session, api_key, Endpoint.from_base_url(base_url))
        speech = SpeechStream(client, plan_for(WAV), WAV)
        # Warm up (imports, connection) outside the measurement.
        async with aclosing(speech.audio(whole("Hello."))) as audio:
            async for _ in audio:
                pass
        gc.collect()
        tracemalloc.start()
        base, _ = tracemalloc.get_traced_memory()
        received = 0
        async with aclosing(speech.audio(whole(text))) as audio:
            async for chunk in audio:
                received += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert received > 0
    print((peak - base) / 1024, received / 1024)


async def main() -> None:
    started = time.monotonic()
    emu = DashScopeEmulator(api_key="bench-key")
    await emu.start()
    try:
        async with aiohttp.ClientSession() as session:
            client = DashScopeClient(session, emu.api_key, Endpoint.from_base_url(emu.base_url))
            bench = Bench(emu, session, client)
            emu.first_chunk_delay = FIRST_CHUNK_DELAY
            emu.realtime_factor = REALTIME_FACTOR
            note(
                f"emulator: {ms(FIRST_CHUNK_DELAY):g} ms to first audio, audio paced at "
                f"{REALTIME_FACTOR:g}x real time; profile qwen3-tts-flash / Cherry, streamed WAV "
                "24 kHz (Home Assistant 2026.10 converts it; 2026.11 passes it on)"
            )
            await ttfa_overhead(bench)
            await assist(bench)
            await baseline(bench)
            await long_text(bench)
            note(
                f"speech-to-text: a command streamed at real time; the emulator answers "
                f"{ms(RECOGNITION_DELAY):g} ms after it has the audio and works at {SPEED:g}x "
                "real time (HTTP: the whole file after the end; realtime: while it arrives)"
            )
            await stt_latency(emu, client, emit)
            emu.first_chunk_delay = 0.0
            emu.realtime_factor = MEMORY_REALTIME_FACTOR
            await memory(emu)
            emu.realtime_factor = None
            await endless_audio(emu, plan_for, emit, note)
    finally:
        await emu.stop()
    note(f"bench took {time.monotonic() - started:.1f} s")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--memory-child", nargs=3, metavar=("BASE_URL", "KEY", "CHARS"))
    parser.add_argument(
        "--endless-child", nargs=3, metavar=("BASE_URL", "KEY", "TRANSPORT"), help="internal"
    )
    return parser.parse_args()


if __name__ == "__main__":
    args = _arguments()
    if args.memory_child:
        url, key, count = args.memory_child
        asyncio.run(memory_child(url, key, int(count)))
    elif args.endless_child:
        url, key, transport = args.endless_child
        asyncio.run(endless_child(url, key, transport, plan_for))
    else:
        asyncio.run(main())
