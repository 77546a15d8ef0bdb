"""WAV helpers: header repair with extra chunks, leading header removal across chunks."""

from __future__ import annotations

import io
import struct
import wave

import pytest

from custom_components.qwen_tts.dashscope import LeadingHeaderStripper, WavFormatError, repair_wav

PCM = bytes(range(256)) * 10


def _wav(pcm: bytes, *, extra: bytes = b"", rate: int = 24000, bogus: bool = True) -> bytes:
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    size = 0x7FFFFFFF if bogus else len(pcm)
    body = b"WAVE" + fmt + extra + b"data" + struct.pack("<I", size) + pcm
    return b"RIFF" + struct.pack("<I", 0x7FFFFFFF if bogus else len(body)) + body


def _read(data: bytes) -> tuple[int, bytes]:
    with wave.open(io.BytesIO(data)) as reader:
        return reader.getframerate(), reader.readframes(reader.getnframes())


def test_repair_rewrites_riff_and_data_sizes() -> None:
    fixed, layout = repair_wav(_wav(PCM))
    assert struct.unpack_from("<I", fixed, 4)[0] == len(fixed) - 8
    assert struct.unpack_from("<I", fixed, 40)[0] == len(PCM)
    assert layout.sample_rate == 24000
    assert _read(fixed) == (24000, PCM)


def test_repair_handles_a_list_chunk_before_data() -> None:
    info = b"INFOISFT" + struct.pack("<I", 5) + b"Lavf\x00\x00"
    extra = b"LIST" + struct.pack("<I", len(info)) + info
    fixed, _ = repair_wav(_wav(PCM, extra=extra, rate=16000))
    assert struct.unpack_from("<I", fixed, 4)[0] == len(fixed) - 8
    assert _read(fixed) == (16000, PCM)


def test_repair_drops_a_trailing_half_sample() -> None:
    fixed, _ = repair_wav(_wav(PCM + b"\x01"))
    assert _read(fixed)[1] == PCM


def test_repair_refuses_a_header_without_data_chunk() -> None:
    with pytest.raises(WavFormatError):
        repair_wav(_wav(PCM)[:30])


def test_stripper_removes_a_header_split_across_chunks() -> None:
    stream = _wav(PCM, extra=b"LIST" + struct.pack("<I", 4) + b"INFO")
    for split in (3, 10, 30, 50, 60):
        stripper = LeadingHeaderStripper()
        out = stripper.feed(stream[:split]) + stripper.feed(stream[split:])
        assert out == PCM, split


def test_stripper_passes_pcm_and_mp3_through() -> None:
    for first in (PCM, b"ID3\x04\x00" + PCM):
        stripper = LeadingHeaderStripper()
        assert stripper.feed(first) + stripper.feed(b"RIFF") == first + b"RIFF"
