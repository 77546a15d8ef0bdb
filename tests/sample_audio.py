"""Voice samples generated in code: WAV (wave module, RF64 by hand), MP3 (lameenc), M4A
(imageio's ffmpeg)."""

from array import array
import io
import math
from pathlib import Path
import struct
import subprocess
import tempfile
import wave

import imageio_ffmpeg
import lameenc

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def decode_command(rate: int, ffmpeg: str = FFMPEG) -> list[str]:
    """ffmpeg reading any audio it knows on stdin, writing s16le mono PCM at ``rate`` Hz to
    stdout (only errors on stderr)."""
    return [
        ffmpeg,
        *["-v", "error", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar"],
        str(rate),
        "pipe:1",
    ]


def tone(seconds: float, rate: int, *, frequency: float = 220.0, amplitude: int = 8000) -> array:
    """A 16-bit sine tone."""
    return array(
        "h",
        (
            int(amplitude * math.sin(2 * math.pi * frequency * i / rate))
            for i in range(round(seconds * rate))
        ),
    )


def interleave(*channels: array) -> bytes:
    """Interleave equally long 16-bit channels into little-endian PCM."""
    frames = array("h", (s for frame in zip(*channels, strict=True) for s in frame))
    return frames.tobytes()


def wav(seconds: float, rate: int = 24000, channels: int = 1) -> bytes:
    """A 16-bit PCM WAV written by the wave module (each channel a different tone)."""
    lanes = [tone(seconds, rate, frequency=220.0 * (c + 1)) for c in range(channels)]
    return wav_from_pcm(interleave(*lanes), rate, channels)


def wav_from_pcm(pcm: bytes, rate: int, channels: int = 1, sample_width: int = 2) -> bytes:
    """Wrap PCM with the wave module."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(sample_width)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def pcm_of(wav_bytes: bytes) -> tuple[bytes, int, int]:
    """(PCM frames, sample rate, channels) of a 16-bit WAV, read with the wave module."""
    with wave.open(io.BytesIO(wav_bytes), "rb") as reader:
        assert reader.getsampwidth() == 2
        return reader.readframes(reader.getnframes()), reader.getframerate(), reader.getnchannels()


def with_chunk_before_data(wav_bytes: bytes, chunk_id: bytes = b"LIST", size: int = 26) -> bytes:
    """The same WAV with an extra chunk between ``fmt `` and ``data`` (as editors write)."""
    body = b"INFOISFT" + struct.pack("<I", size - 12) + b"x" * (size - 12)
    chunk = chunk_id + struct.pack("<I", len(body)) + body
    out = bytearray(wav_bytes[:36] + chunk + wav_bytes[36:])
    struct.pack_into("<I", out, 4, len(out) - 8)
    return bytes(out)


def with_bogus_sizes(wav_bytes: bytes) -> bytes:
    """The same WAV with the placeholder sizes of a streamed file (0xFFFFFFFF)."""
    out = bytearray(wav_bytes)
    struct.pack_into("<I", out, 4, 0xFFFFFFFF)
    struct.pack_into("<I", out, 40, 0xFFFFFFFF)
    return bytes(out)


def wav_24bit(seconds: float, rate: int = 48000) -> bytes:
    """A 24-bit PCM mono WAV."""
    samples = tone(seconds, rate)
    pcm = b"".join(struct.pack("<i", s << 8)[:3] for s in samples)
    return wav_from_pcm(pcm, rate, 1, 3)


def wav_float(seconds: float, rate: int = 44100) -> bytes:
    """A 32-bit float stereo WAV (format tag 3, with a ``fact`` chunk as float WAVs carry)."""
    samples = tone(seconds, rate)
    pcm = b"".join(struct.pack("<ff", s / 32768, -s / 32768) for s in samples)
    fmt = struct.pack("<HHIIHHH", 3, 2, rate, rate * 8, 8, 32, 0)
    fact = b"fact" + struct.pack("<II", 4, len(samples))
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt + fact
    chunks += b"data" + struct.pack("<I", len(pcm)) + pcm
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def rf64(seconds: float, rate: int = 48000) -> bytes:
    """A 16-bit PCM mono RF64 WAV (the 64-bit sizes of its ``ds64`` chunk, placeholders in
    the RIFF and ``data`` size fields), as broadcast recorders write long takes."""
    pcm = tone(seconds, rate).tobytes()
    ds64 = struct.pack("<QQQI", 4 + 8 + 28 + 8 + 16 + 8 + len(pcm), len(pcm), len(pcm) // 2, 0)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    chunks = b"ds64" + struct.pack("<I", len(ds64)) + ds64
    chunks += b"fmt " + struct.pack("<I", len(fmt)) + fmt
    chunks += b"data" + struct.pack("<I", 0xFFFFFFFF) + pcm
    return b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + chunks


def mp3(seconds: float, rate: int = 44100, channels: int = 2) -> bytes:
    """An MP3 encoded by LAME."""
    lanes = [tone(seconds, rate, frequency=220.0 * (c + 1)) for c in range(channels)]
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(64)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(channels)
    encoder.set_quality(7)
    return bytes(encoder.encode(interleave(*lanes)) + encoder.flush())


def id3_tagged(
    mp3_bytes: bytes, *, major: int = 4, flags: int = 0, size_top_bit: bool = False
) -> bytes:
    """``mp3_bytes`` behind an ID3v2 tag holding a title; ``major``/``flags``/``size_top_bit``
    make its header one that players and ffmpeg take but the ID3 standard does not
    (ID3v2.5, reserved flag bits, a size byte that is not synchsafe)."""
    title = b"\x03Grandma says goodnight"
    frame = b"TIT2" + len(title).to_bytes(4, "big") + b"\x00\x00" + title
    size = [(len(frame) >> shift) & 0x7F for shift in (21, 14, 7, 0)]
    if size_top_bit:
        size[3] |= 0x80
    return b"ID3" + bytes([major, 0, flags, *size]) + frame + mp3_bytes


def m4a(seconds: float, rate: int = 48000, channels: int = 2) -> bytes:
    """An AAC-in-MP4 file with its index at the end, as phones record them."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "memo.m4a"
        subprocess.run(
            [
                FFMPEG,
                "-hide_banner",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=220:sample_rate={rate}:duration={seconds}",
                "-ac",
                str(channels),
                "-c:a",
                "aac",
                "-y",
                str(target),
            ],
            check=True,
        )
        return target.read_bytes()


def wav_extensible(seconds: float, rate: int = 48000, channels: int = 2) -> bytes:
    """A 16-bit PCM WAV with a 40-byte WAVE_FORMAT_EXTENSIBLE header (as many recorders write)."""
    lanes = [tone(seconds, rate, frequency=220.0 * (c + 1)) for c in range(channels)]
    pcm = interleave(*lanes)
    block_align = 2 * channels
    pcm_guid = b"\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
    fmt = struct.pack(
        "<HHIIHHHHI", 0xFFFE, channels, rate, rate * block_align, block_align, 16, 22, 16, 3
    )
    fmt += pcm_guid
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    chunks += b"data" + struct.pack("<I", len(pcm)) + pcm
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks
