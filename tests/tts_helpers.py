"""Helpers for tests that make Home Assistant speak: its TTS stack, and decoding what it serves."""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
import io
import struct
from typing import Any
import wave

from homeassistant.components import tts
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .emulator import RecordedRequest, render_pcm
from .sample_audio import decode_command

ENTITY_ID = "tts.qwen_tts"
WAV = {"preferred_format": "wav"}
# What a voice satellite asks for; Home Assistant converts whatever it gets to this.
SATELLITE = {
    "preferred_format": "wav",
    "preferred_sample_rate": 16000,
    "preferred_sample_channels": 1,
    "preferred_sample_bytes": 2,
}


@dataclass
class Served:
    """What Home Assistant served for a tts.speak call or a tts_get_url URL."""

    status: int
    content_type: str
    body: bytes


# (message, language=None, options=None) -> what the player fetched.
type Speak = Callable[..., Awaitable[Served]]


async def get_audio(
    hass: HomeAssistant,
    message: str,
    language: str | None = None,
    options: dict[str, Any] | None = None,
) -> tuple[str, bytes]:
    """The audio of a media source id (raises what the entity raised)."""
    media_id = tts.generate_media_source_id(hass, message, ENTITY_ID, language, options)
    return await tts.async_get_media_source_audio(hass, media_id)


async def streamed(text: str, size: int = 5) -> AsyncGenerator[str]:
    """The text as an LLM streams it: ``size`` characters at a time, each after a pause."""
    for i in range(0, len(text), size):
        await asyncio.sleep(0)
        yield text[i : i + size]


def tts_entity_id(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """The entity id of the account's first voice profile."""
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return next(e.entity_id for e in entities if e.domain == "tts")


def wav_parts(data: bytes) -> tuple[wave._wave_params, bytes]:
    """The parameters and frames of a finished WAV file."""
    with wave.open(io.BytesIO(data)) as wav:
        return wav.getparams(), wav.readframes(wav.getnframes())


def assert_finished_wav(data: bytes) -> None:
    """A WAV whose RIFF and data sizes are the file's real ones (no streaming placeholder)."""
    assert data[:4] == b"RIFF"
    assert data[8:16] == b"WAVEfmt "
    assert struct.unpack_from("<I", data, 4)[0] == len(data) - 8
    assert data[36:40] == b"data"
    assert struct.unpack_from("<I", data, 40)[0] == len(data) - 44


async def decode(data: bytes, sample_rate: int = 24000) -> bytes:
    """Any audio Home Assistant serves (WAV, MP3) decoded by ffmpeg to s16le mono PCM."""
    process = await asyncio.create_subprocess_exec(
        *decode_command(sample_rate),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate(data)
    assert process.returncode == 0, err.decode()
    return out


def spoken_texts(requests: Sequence[RecordedRequest]) -> list[str]:
    """The text of each recorded synthesis, in the order they were received: the
    ``input.text`` of an HTTP one, the text a realtime session appended (its only events
    between ``session.update`` and ``session.finish``)."""
    texts = []
    for r in requests:
        if r.body:
            texts.append(r.body["input"]["text"])
        elif r.events:
            types = r.event_types()
            assert (types[0], types[-1]) == ("session.update", "session.finish")
            assert set(types[1:-1]) == {"input_text_buffer.append"}
            texts.append("".join(event["text"] for _, event in r.events[1:-1]))
    return texts


def expected_pcm(texts: Sequence[str], sample_rate: int = 24000) -> bytes:
    """The audio the emulator speaks for these texts, one after another."""
    return b"".join(render_pcm(text, sample_rate) for text in texts)


def max_overlap(requests: Sequence[RecordedRequest]) -> int:
    """How many of the requests were being answered at the same moment, at most (from the
    loop times the emulator recorded: received, and each audio chunk sent)."""
    edges: list[tuple[float, int]] = []
    for request in requests:
        end = request.audio_times[-1] if request.audio_times else request.started
        edges += [(request.started, 1), (end, -1)]
    running = peak = 0
    for _, step in sorted(edges, key=lambda edge: (edge[0], edge[1])):
        running += step
        peak = max(peak, running)
    return peak


async def gather_until_failure(audio: AsyncIterator[bytes], into: list[bytes]) -> None:
    """Keep each chunk of ``audio`` as it arrives, until the stream ends or raises: what a
    player had received when a stream failed."""
    async for chunk in audio:
        into.append(chunk)  # noqa: PERF401 - kept as it arrives, also when the stream fails
