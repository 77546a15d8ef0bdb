"""The audio the emulator speaks: deterministic PCM per text, WAV/MP3 packaging, chunking,
and the checks enrollment applies to uploaded samples."""

from dataclasses import dataclass
from functools import lru_cache
import io
import math
import struct
import wave

import lameenc
import numpy as np

# Seconds of audio per character: a voiced "syllable" per letter, short silences elsewhere.
CHAR_SECONDS = 0.05
SPACE_SECONDS = 0.04
PAUSE_SECONDS = 0.06
PAUSE_CHARS = frozenset(".,;:!?。，、；：！？…\n")
# One render never exceeds this (about 2,400 characters of text).
MAX_RENDER_SECONDS = 120.0
# Streaming chunk length.
CHUNK_SECONDS = 0.15
# What the service writes into the RIFF/data size fields of its WAV files.
BOGUS_RIFF_SIZE = 0x7FFFFFFF
BOGUS_DATA_SIZE = BOGUS_RIFF_SIZE - 36
WAV_HEADER_SIZE = 44


def _segment_seconds(char: str) -> float:
    if char in PAUSE_CHARS:
        return PAUSE_SECONDS
    if char.isspace():
        return SPACE_SECONDS
    return CHAR_SECONDS


@lru_cache(maxsize=8192)
def _segment(char: str, sample_rate: int) -> bytes:
    """The s16le samples of one character: a short harmonic tone with soft edges, or silence."""
    count = round(sample_rate * _segment_seconds(char))
    if char.isspace() or char in PAUSE_CHARS:
        return bytes(2 * count)
    # A pitch per character between ~110 and ~430 Hz, so different texts sound different.
    freq = 110.0 + (ord(char) * 37 % 28) * 12.0
    t = np.arange(count, dtype=np.float64) / sample_rate
    wave_ = (
        0.62 * np.sin(2 * math.pi * freq * t)
        + 0.25 * np.sin(2 * math.pi * 2 * freq * t)
        + 0.13 * np.sin(2 * math.pi * 3 * freq * t)
    )
    ramp = max(1, round(sample_rate * 0.008))
    envelope = np.ones(count)
    edge = 0.5 - 0.5 * np.cos(np.linspace(0.0, math.pi, ramp))
    envelope[:ramp] = edge
    envelope[-ramp:] = edge[::-1]
    samples = np.round(wave_ * envelope * 0.45 * 32767).astype("<i2")
    return samples.tobytes()


def render_pcm(text: str, sample_rate: int = 24000) -> bytes:
    """The s16le mono PCM the emulator speaks for ``text`` at ``sample_rate``.

    Deterministic, one segment per character (so ``render_pcm(a) + render_pcm(b) ==
    render_pcm(a + b)`` below the cap), about 50 ms per character, capped at
    ``MAX_RENDER_SECONDS``. The same text at another rate lasts as long.
    """
    parts: list[bytes] = []
    seconds = 0.0
    for char in text:
        seconds += _segment_seconds(char)
        if seconds > MAX_RENDER_SECONDS:
            break
        parts.append(_segment(char, sample_rate))
    return b"".join(parts)


def pcm_seconds(pcm: bytes | int, sample_rate: int) -> float:
    """Duration of s16le mono PCM (bytes or a byte count)."""
    size = pcm if isinstance(pcm, int) else len(pcm)
    return size / (2 * sample_rate)


def wav_header(data_size: int, sample_rate: int, *, bogus: bool = False) -> bytes:
    """A 44-byte PCM s16le mono WAV header; ``bogus`` writes the service's 0x7FFFFFFF sizes."""
    riff_size = BOGUS_RIFF_SIZE if bogus else 36 + data_size
    data_size = BOGUS_DATA_SIZE if bogus else data_size
    return (
        b"RIFF"
        + struct.pack("<I", riff_size)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
        + b"data"
        + struct.pack("<I", data_size)
    )


def wav_bytes(pcm: bytes, sample_rate: int, *, bogus: bool = False) -> bytes:
    """A WAV file of s16le mono PCM."""
    return wav_header(len(pcm), sample_rate, bogus=bogus) + pcm


def _syncsafe(value: int) -> bytes:
    return bytes(((value >> shift) & 0x7F) for shift in (21, 14, 7, 0))


def id3_tag() -> bytes:
    """A small ID3v2.4 tag (encoder name), as the service puts before its MP3 streams."""
    text = b"\x03Lavf61.7.100\x00"
    frame = b"TSSE" + _syncsafe(len(text)) + b"\x00\x00" + text
    return b"ID3\x04\x00\x00" + _syncsafe(len(frame)) + frame


def _mp3_encoder(sample_rate: int) -> lameenc.Encoder:
    encoder = lameenc.Encoder()
    encoder.set_channels(1)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_out_sample_rate(sample_rate)
    encoder.set_bit_rate(64 if sample_rate >= 16000 else 32)
    encoder.set_quality(7)
    return encoder


def split_pcm(pcm: bytes, sample_rate: int, chunk_seconds: float = CHUNK_SECONDS) -> list[bytes]:
    """Split PCM into chunks of ``chunk_seconds`` (whole samples; the last may be shorter)."""
    step = max(2, round(sample_rate * chunk_seconds) * 2)
    return [pcm[i : i + step] for i in range(0, len(pcm), step)]


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """One streamed piece: the bytes sent and the seconds of audio they carry."""

    data: bytes
    seconds: float


def stream_chunks(
    pcm: bytes,
    sample_rate: int,
    audio_format: str,
    *,
    leading_riff: bool = False,
    id3: bool = True,
) -> list[AudioChunk]:
    """Chunk a synthesis for streaming as ``pcm``, ``wav`` (first chunk carries a WAV header
    with bogus sizes) or ``mp3`` (one continuous MP3 stream, first chunk starting with ID3).
    ``leading_riff`` puts a WAV header before the first PCM chunk (as the service sometimes
    does)."""
    pieces = split_pcm(pcm, sample_rate)
    chunks = [AudioChunk(p, pcm_seconds(p, sample_rate)) for p in pieces]
    if audio_format == "mp3":
        return _mp3_chunks(chunks, sample_rate, id3=id3)
    if chunks and (audio_format == "wav" or leading_riff):
        first = chunks[0]
        chunks[0] = AudioChunk(wav_header(0, sample_rate, bogus=True) + first.data, first.seconds)
    return chunks


def _mp3_chunks(pcm_chunks: list[AudioChunk], sample_rate: int, *, id3: bool) -> list[AudioChunk]:
    encoder = _mp3_encoder(sample_rate)
    out: list[AudioChunk] = []
    prefix = id3_tag() if id3 else b""
    seconds = 0.0
    for chunk in pcm_chunks:
        data = bytes(encoder.encode(chunk.data))
        seconds += chunk.seconds
        if data:
            out.append(AudioChunk(prefix + data, seconds))
            prefix, seconds = b"", 0.0
    tail = bytes(encoder.flush())
    if out and not prefix and (seconds == 0.0 or not tail):
        last = out.pop()
        out.append(AudioChunk(last.data + tail, last.seconds + seconds))
    elif tail or prefix:
        out.append(AudioChunk(prefix + tail, seconds))
    return out


def encode_mp3(pcm: bytes, sample_rate: int, *, id3: bool = True) -> bytes:
    """A whole MP3 file of s16le mono PCM."""
    encoder = _mp3_encoder(sample_rate)
    body = bytes(encoder.encode(pcm)) + bytes(encoder.flush())
    return (id3_tag() if id3 else b"") + body


class SampleRejectedError(Exception):
    """An enrollment sample the service refuses: ``code`` is the DashScope error code."""

    def __init__(self, code: str, message: str) -> None:
        """Keep the code and message."""
        super().__init__(message)
        self.code = code
        self.message = message


MIN_SAMPLE_RATE = 24000
MAX_SAMPLE_SECONDS = 60.0


def check_sample(data: bytes) -> str:
    """Check an enrollment sample like the service does; return its format (wav/mp3/mp4).

    WAV is parsed (rate >= 24 kHz, <= 60 s); MP3 and M4A are recognised by magic bytes.
    """
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        _check_wav(data)
        return "wav"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    if data[4:8] == b"ftyp":
        return "mp4"
    raise SampleRejectedError("Audio.DecoderError", "Failed to decode the audio file.")


def _check_wav(data: bytes) -> None:
    try:
        with wave.open(io.BytesIO(data)) as reader:
            rate = reader.getframerate()
            frame_size = reader.getsampwidth() * reader.getnchannels()
            frames = len(reader.readframes(reader.getnframes())) // max(1, frame_size)
    except (wave.Error, EOFError, struct.error) as err:
        raise SampleRejectedError("Audio.DecoderError", "Failed to decode the audio file.") from err
    if rate < MIN_SAMPLE_RATE:
        raise SampleRejectedError(
            "Audio.AudioRateError",
            f"The audio sample rate {rate} Hz is lower than {MIN_SAMPLE_RATE} Hz.",
        )
    if frames / rate > MAX_SAMPLE_SECONDS:
        raise SampleRejectedError(
            "Audio.DurationLimitError",
            f"The audio is longer than {MAX_SAMPLE_SECONDS:.0f} seconds.",
        )
    if frames == 0:
        raise SampleRejectedError("Audio.DecoderError", "The audio file holds no samples.")
