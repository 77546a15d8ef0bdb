"""WAV helpers: reading headers of every kind, writing canonical ones, repairing sizes,
removing a leading header across chunks."""

import io
import struct
import wave

import pytest

from custom_components.qwen_tts.dashscope import (
    LeadingHeaderStripper,
    WavFormatError,
    parse_wav,
    pcm_to_wav,
    wav_header,
)
from custom_components.qwen_tts.dashscope.wav import (
    STREAMING_SIZE,
    WAVE_FORMAT_IEEE_FLOAT,
    WAVE_FORMAT_PCM,
    find_data_chunk,
    repair_wav,
)
from tests import sample_audio
from tests.emulator.audio import render_pcm

PCM = bytes(range(256)) * 10


def _wav(pcm: bytes, *, extra: bytes = b"", rate: int = 24000, bogus: bool = True) -> bytes:
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    size = 0x7FFFFFFF if bogus else len(pcm)
    body = b"WAVE" + fmt + extra + b"data" + struct.pack("<I", size) + pcm
    return b"RIFF" + struct.pack("<I", 0x7FFFFFFF if bogus else len(body)) + body


def _chunk(chunk_id: bytes, body: bytes) -> bytes:
    return chunk_id + struct.pack("<I", len(body)) + body + b"\0" * (len(body) & 1)


def _read(data: bytes) -> tuple[int, bytes]:
    with wave.open(io.BytesIO(data)) as reader:
        return reader.getframerate(), reader.readframes(reader.getnframes())


# Reading a header


def test_a_16bit_mono_wav_is_pcm16_with_its_rate_and_sizes() -> None:
    data = sample_audio.wav(0.5, rate=48000)

    layout = parse_wav(data)

    assert (layout.format_tag, layout.channels, layout.sample_rate) == (WAVE_FORMAT_PCM, 1, 48000)
    assert (layout.bits_per_sample, layout.block_align, layout.byte_rate) == (16, 2, 96000)
    assert (layout.data_offset, layout.data_size) == (44, 48000)
    assert layout.is_pcm16
    assert layout.audio_size(len(data)) == 48000
    assert layout.duration(len(data)) == 0.5


def test_an_extensible_header_reports_its_sub_format() -> None:
    layout = parse_wav(sample_audio.wav_extensible(0.1, rate=48000, channels=2))

    assert layout.format_tag == WAVE_FORMAT_PCM
    assert (layout.channels, layout.block_align) == (2, 4)
    assert layout.is_pcm16


def test_float_and_24bit_wavs_are_not_pcm16() -> None:
    float_wav = parse_wav(sample_audio.wav_float(0.1))
    wav_24bit = parse_wav(sample_audio.wav_24bit(0.1))

    assert (float_wav.format_tag, float_wav.bits_per_sample) == (WAVE_FORMAT_IEEE_FLOAT, 32)
    assert (wav_24bit.format_tag, wav_24bit.bits_per_sample) == (WAVE_FORMAT_PCM, 24)
    assert not float_wav.is_pcm16
    assert not wav_24bit.is_pcm16


def test_placeholder_sizes_count_the_whole_frames_the_file_holds() -> None:
    data = sample_audio.with_bogus_sizes(sample_audio.wav(0.1)) + b"\x01"  # half a frame more

    layout = parse_wav(data)

    assert layout.data_size == STREAMING_SIZE
    assert layout.audio_size(len(data)) == 4800


def test_a_chunk_after_the_data_is_not_counted_as_audio() -> None:
    data = sample_audio.wav(0.1) + _chunk(b"LIST", b"INFOISFT\x04\x00\x00\x00Lavf")

    assert parse_wav(data).audio_size(len(data)) == 4800


def test_chunks_before_the_data_are_skipped_word_aligned() -> None:
    original = sample_audio.wav(0.1)
    odd = _chunk(b"bext", b"abc")  # an odd size: padded to a word
    data = original[:36] + odd + original[36:]

    layout = parse_wav(data)

    assert layout.data_offset == 44 + len(odd)
    assert data[layout.data_offset :] == original[44:]


def test_a_big_chunk_before_the_data_is_skipped_when_it_is_all_there() -> None:
    original = sample_audio.wav(0.1)
    junk = _chunk(b"JUNK", bytes(17 * 1024 * 1024))
    data = original[:36] + junk + original[36:]

    assert data[parse_wav(data).data_offset :] == original[44:]


def test_a_big_chunk_size_at_the_start_of_a_stream_is_corruption() -> None:
    prefix = sample_audio.wav(0.1)[:36] + b"JUNK" + struct.pack("<I", 0x7FFFFFFF)

    with pytest.raises(WavFormatError):
        find_data_chunk(prefix)


def test_every_prefix_of_a_header_is_incomplete_until_the_data_chunk() -> None:
    data = _wav(PCM, extra=_chunk(b"LIST", b"INFO"))
    header_end = parse_wav(data).data_offset

    assert all(find_data_chunk(data[:end]) is None for end in range(header_end))
    assert find_data_chunk(data[:header_end]) is not None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00", "not a RIFF"),
        (sample_audio.wav(0.1)[:40], "no audio data"),
        (b"RIFF\x10\x00\x00\x00WAVEdata\x00\x00\x00\x00", "data comes before its format"),
        (b"RIFF\x1c\x00\x00\x00WAVE" + _chunk(b"fmt ", bytes(12)), "truncated"),
        (b"RIFF\x20\x00\x00\x00WAVE" + _chunk(b"fmt ", bytes(16)) + _chunk(b"data", b""), "inv"),
    ],
    ids=["not-riff", "no-data", "data-first", "short-fmt", "zero-channels"],
)
def test_an_unreadable_header_is_refused_with_its_reason(data: bytes, reason: str) -> None:
    with pytest.raises(WavFormatError, match=reason):
        parse_wav(data)


# Writing one


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


def test_a_written_header_reads_back() -> None:
    data = pcm_to_wav(bytes(4 * 100 + 3), 48000, channels=2)

    layout = parse_wav(data)

    assert (layout.channels, layout.sample_rate, layout.block_align) == (2, 48000, 4)
    assert (layout.data_size, layout.audio_size(len(data))) == (400, 400)


# Repairing DashScope's sizes


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


# Removing a leading header from a stream


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
