"""WAV headers and MP3 tag handling for the audio handed to Home Assistant."""

from __future__ import annotations

import io
import struct
import wave

from custom_components.qwen_tts.audio import (
    STREAMING_SIZE,
    LeadingTagStripper,
    id3v2_length,
    pcm_to_wav,
    wav_header,
)

from .emulator import render_pcm
from .emulator.audio import id3_tag


def test_a_finished_wav_carries_its_real_sizes_and_plays() -> None:
    pcm = render_pcm("Hi.", 16000)

    data = pcm_to_wav(pcm, 16000)

    assert struct.unpack_from("<I", data, 4)[0] == len(data) - 8
    assert struct.unpack_from("<I", data, 40)[0] == len(pcm)
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        assert wav.readframes(wav.getnframes()) == pcm


def test_a_trailing_half_sample_is_dropped() -> None:
    data = pcm_to_wav(b"\x01\x02\x03", 24000)

    assert data[44:] == b"\x01\x02"
    assert struct.unpack_from("<I", data, 40)[0] == 2


def test_the_streaming_header_has_placeholder_sizes() -> None:
    header = wav_header(24000)

    assert len(header) == 44
    assert struct.unpack_from("<I", header, 4)[0] == STREAMING_SIZE
    assert struct.unpack_from("<I", header, 40)[0] == STREAMING_SIZE
    assert struct.unpack_from("<I", header, 24)[0] == 24000


def test_the_id3_length_counts_header_body_and_footer() -> None:
    tag = id3_tag()

    assert id3v2_length(tag + b"\xff\xfb") == len(tag)
    assert id3v2_length(b"\xff\xfb\x90") == 0
    assert id3v2_length(b"ID") is None
    assert id3v2_length(b"ID3\x04\x00") is None
    with_footer = b"ID3\x04\x00\x10\x00\x00\x00\x05"
    assert id3v2_length(with_footer) == 10 + 5 + 10


def test_a_leading_tag_split_across_pieces_is_dropped() -> None:
    frames = b"\xff\xfb\x90\x00" * 4
    stream = id3_tag() + frames
    stripper = LeadingTagStripper()

    out = b"".join(stripper.feed(stream[i : i + 3]) for i in range(0, len(stream), 3))

    assert out + stripper.flush() == frames


def test_a_stream_without_a_tag_passes_untouched() -> None:
    stripper = LeadingTagStripper()

    assert stripper.feed(b"\xff") == b"\xff"
    assert stripper.feed(b"ID3") == b"ID3"  # only a tag at the very start is one


def test_a_stream_ending_inside_a_would_be_tag_keeps_its_bytes() -> None:
    stripper = LeadingTagStripper()

    assert stripper.feed(b"ID") == b""
    assert stripper.flush() == b"ID"
