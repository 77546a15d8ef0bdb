"""RIFF/WAV helpers: repair the bogus size fields DashScope writes, strip a leading header."""

from __future__ import annotations

from dataclasses import dataclass
import struct

_RIFF_HEADER = 12  # "RIFF" <size> "WAVE"
_CHUNK_HEADER = 8  # <id> <size>


class WavFormatError(ValueError):
    """The bytes are not a RIFF/WAVE file the helpers can make sense of."""


@dataclass(frozen=True, slots=True)
class WavLayout:
    """Where the audio of a WAV file starts, and what the ``fmt `` chunk says about it."""

    data_offset: int  # first byte of the sample data
    data_size_field: int  # offset of the data chunk's size field
    sample_rate: int | None
    channels: int | None
    bits_per_sample: int | None
    block_align: int | None


def is_riff(data: bytes) -> bool:
    """Return whether ``data`` begins with a RIFF/WAVE header."""
    return len(data) >= _RIFF_HEADER and data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def find_data_chunk(data: bytes) -> WavLayout | None:
    """Walk the chunks of a RIFF/WAVE prefix up to the ``data`` chunk.

    Returns ``None`` when ``data`` is a valid but incomplete prefix (the ``data`` chunk header
    has not arrived yet); raises ``WavFormatError`` when it is not a RIFF/WAVE file.
    """
    if len(data) < _RIFF_HEADER:
        if not (b"RIFF".startswith(data[:4]) and b"WAVE".startswith(data[8:12])):
            raise WavFormatError("not a RIFF header")
        return None
    if not is_riff(data):
        raise WavFormatError("not a RIFF/WAVE header")
    pos = _RIFF_HEADER
    sample_rate = channels = bits = block_align = None
    while True:
        if len(data) < pos + _CHUNK_HEADER:
            return None
        chunk_id = data[pos : pos + 4]
        (size,) = struct.unpack_from("<I", data, pos + 4)
        if chunk_id == b"data":
            return WavLayout(
                data_offset=pos + _CHUNK_HEADER,
                data_size_field=pos + 4,
                sample_rate=sample_rate,
                channels=channels,
                bits_per_sample=bits,
                block_align=block_align,
            )
        body = pos + _CHUNK_HEADER
        if chunk_id == b"fmt ":
            if len(data) < body + 16:
                return None
            _tag, channels, sample_rate, _byte_rate, block_align, bits = struct.unpack_from(
                "<HHIIHH", data, body
            )
        pos = body + size + (size & 1)  # chunks are word aligned
        if size > 1 << 24:  # only "data" may be huge; any other bogus size is corruption
            raise WavFormatError(f"implausible {chunk_id!r} chunk size {size}")


def repair_wav(data: bytes) -> tuple[bytes, WavLayout]:
    """Rewrite the RIFF and ``data`` chunk sizes of a WAV from its actual length.

    DashScope's downloadable WAVs carry placeholder sizes (0x7FFFFFFF-ish), which players
    and Home Assistant's ffmpeg pipeline mistrust. The sample data are assumed to run to the
    end of the file; a trailing partial sample frame is dropped.
    """
    layout = find_data_chunk(data)
    if layout is None:
        raise WavFormatError("WAV header without a data chunk")
    audio_size = len(data) - layout.data_offset
    if layout.block_align:
        audio_size -= audio_size % layout.block_align
    end = layout.data_offset + audio_size
    fixed = bytearray(data[:end])
    struct.pack_into("<I", fixed, 4, end - 8)
    struct.pack_into("<I", fixed, layout.data_size_field, audio_size)
    return bytes(fixed), layout


def pcm_to_wav(pcm: bytes, sample_rate: int, *, channels: int = 1, sample_width: int = 2) -> bytes:
    """Wrap raw little-endian PCM in a canonical 44-byte WAV header."""
    block_align = channels * sample_width
    pcm = pcm[: len(pcm) - len(pcm) % block_align]
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(pcm),
        b"WAVE",
        b"fmt ",
        16,
        1,
        channels,
        sample_rate,
        sample_rate * block_align,
        block_align,
        sample_width * 8,
        b"data",
        len(pcm),
    )
    return header + pcm


class LeadingHeaderStripper:
    """Remove a RIFF/WAV header at the very start of an audio stream, if there is one.

    Feed the decoded chunks in order; a header split across chunks is reassembled. Bytes
    that do not begin with ``RIFF`` pass through untouched (PCM, MP3).
    """

    __slots__ = ("_buffer", "_done")

    def __init__(self) -> None:
        """Start before the first byte."""
        self._buffer = b""
        self._done = False

    def feed(self, chunk: bytes) -> bytes:
        """Return the audio bytes of ``chunk`` that follow any leading header."""
        if self._done:
            return chunk
        data = self._buffer + chunk
        try:
            layout = find_data_chunk(data)
        except WavFormatError:
            self._done = True
            self._buffer = b""
            return data
        if layout is None:
            self._buffer = data
            return b""
        self._done = True
        self._buffer = b""
        return data[layout.data_offset :]

    @property
    def pending(self) -> bool:
        """Whether an incomplete header is held back (no audio has been released yet)."""
        return bool(self._buffer)
