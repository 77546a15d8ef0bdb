"""RIFF/WAV: read a header, write one, repair DashScope's bogus sizes, strip a leading header."""

from dataclasses import dataclass
import struct

WAVE_FORMAT_PCM = 0x0001
WAVE_FORMAT_IEEE_FLOAT = 0x0003
WAVE_FORMAT_EXTENSIBLE = 0xFFFE
# The size a header carries while the length of its audio is not known yet (a live stream).
STREAMING_SIZE = 0xFFFFFFFF
WAV_HEADER_SIZE = 44  # the canonical header ``wav_header`` writes

_RIFF_HEADER = 12  # "RIFF" <size> "WAVE"
_CHUNK_HEADER = 8  # <id> <size>
_FMT_SIZE = 16  # the fields every ``fmt `` chunk has
_SUBFORMAT_OFFSET = 24  # WAVE_FORMAT_EXTENSIBLE: the sub-format GUID begins with a format tag
# Only ``data`` may be huge; any other chunk claiming more, and not all there, is corruption.
_MAX_CHUNK_SIZE = 1 << 24


class WavFormatError(ValueError):
    """The bytes are not a RIFF/WAVE file the helpers can make sense of."""


@dataclass(frozen=True, slots=True)
class WavLayout:
    """What a WAV header says about its samples, and where they are."""

    format_tag: int  # for WAVE_FORMAT_EXTENSIBLE, the tag of its sub-format
    channels: int
    sample_rate: int
    bits_per_sample: int
    block_align: int  # bytes per frame (one sample of every channel)
    data_offset: int  # first byte of the sample data
    data_size_field: int  # offset of the data chunk's size field
    data_size: int  # what that field claims (DashScope and live streams write placeholders)

    @property
    def is_pcm16(self) -> bool:
        """Whether the samples are 16-bit integer PCM (usable without a decoder)."""
        return (
            self.format_tag == WAVE_FORMAT_PCM
            and self.bits_per_sample == 16
            and self.block_align == 2 * self.channels
        )

    @property
    def byte_rate(self) -> int:
        """Bytes of sample data per second."""
        return self.block_align * self.sample_rate

    def audio_size(self, file_size: int) -> int:
        """Bytes of whole frames in a file of ``file_size`` bytes: as far as the data
        chunk's size field claims and the file goes."""
        size = min(self.data_size, max(0, file_size - self.data_offset))
        return size - size % self.block_align

    def duration(self, file_size: int) -> float:
        """Seconds of audio in a file of ``file_size`` bytes (see ``audio_size``)."""
        return self.audio_size(file_size) / self.byte_rate


def is_riff(data: bytes) -> bool:
    """Return whether ``data`` begins with a RIFF/WAVE header."""
    return len(data) >= _RIFF_HEADER and data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def find_data_chunk(data: bytes) -> WavLayout | None:
    """Read the chunks of a RIFF/WAVE file, or a prefix of one, up to the ``data`` chunk.

    Returns ``None`` when ``data`` is a valid but incomplete prefix (the ``data`` chunk header
    has not arrived yet); raises ``WavFormatError`` when it is not a RIFF/WAVE file or its
    format cannot be read.
    """
    if len(data) < _RIFF_HEADER:
        if not (b"RIFF".startswith(data[:4]) and b"WAVE".startswith(data[8:12])):
            raise WavFormatError("not a RIFF header")
        return None
    if not is_riff(data):
        raise WavFormatError("not a RIFF/WAVE header")
    pos = _RIFF_HEADER
    fmt: tuple[int, int, int, int, int] | None = None
    while len(data) >= pos + _CHUNK_HEADER:
        chunk_id = data[pos : pos + 4]
        (size,) = struct.unpack_from("<I", data, pos + 4)
        body = pos + _CHUNK_HEADER
        if chunk_id == b"data":
            if fmt is None:
                raise WavFormatError("the WAV data comes before its format")
            format_tag, channels, sample_rate, block_align, bits = fmt
            return WavLayout(
                format_tag=format_tag,
                channels=channels,
                sample_rate=sample_rate,
                bits_per_sample=bits,
                block_align=block_align,
                data_offset=body,
                data_size_field=pos + 4,
                data_size=size,
            )
        if size > _MAX_CHUNK_SIZE and len(data) < body + size:
            raise WavFormatError(f"implausible {chunk_id!r} chunk size {size}")
        if chunk_id == b"fmt ":
            if len(data) < body + size:
                return None
            fmt = _parse_fmt(data[body : body + size])
        pos = body + size + (size & 1)  # chunks are word aligned
    return None


def _parse_fmt(chunk: bytes) -> tuple[int, int, int, int, int]:
    """(format tag, channels, sample rate, block align, bits) of a ``fmt `` chunk's body."""
    if len(chunk) < _FMT_SIZE:
        raise WavFormatError("the WAV format header is truncated")
    format_tag, channels, sample_rate, _byte_rate, block_align, bits = struct.unpack_from(
        "<HHIIHH", chunk
    )
    if format_tag == WAVE_FORMAT_EXTENSIBLE and len(chunk) >= _SUBFORMAT_OFFSET + 2:
        (format_tag,) = struct.unpack_from("<H", chunk, _SUBFORMAT_OFFSET)
    if not channels or not sample_rate or not block_align:
        raise WavFormatError("the WAV format header is invalid")
    return format_tag, channels, sample_rate, block_align, bits


def parse_wav(data: bytes) -> WavLayout:
    """The layout of a whole WAV file; raises ``WavFormatError`` when there is none."""
    layout = find_data_chunk(data)
    if layout is None:
        raise WavFormatError("the WAV file has no audio data")
    return layout


def repair_wav(data: bytes) -> tuple[bytes, WavLayout]:
    """Rewrite the RIFF and ``data`` chunk sizes of a WAV from its actual length.

    DashScope's downloadable WAVs carry placeholder sizes (0x7FFFFFFF-ish), which players
    and Home Assistant's ffmpeg pipeline mistrust. The sample data are assumed to run to the
    end of the file; a trailing partial sample frame is dropped.
    """
    layout = parse_wav(data)
    audio_size = len(data) - layout.data_offset
    audio_size -= audio_size % layout.block_align
    end = layout.data_offset + audio_size
    fixed = bytearray(data[:end])
    struct.pack_into("<I", fixed, 4, end - 8)
    struct.pack_into("<I", fixed, layout.data_size_field, audio_size)
    return bytes(fixed), layout


def wav_header(
    sample_rate: int, data_size: int | None = None, *, channels: int = 1, sample_width: int = 2
) -> bytes:
    """A canonical 44-byte header for little-endian integer PCM (s16le mono by default).

    ``data_size`` ``None`` gives the streaming header (RIFF and data sizes 0xFFFFFFFF) for
    audio whose length is not known yet; a finished file always carries its real size.
    """
    if data_size is None:
        riff_size = data_size = STREAMING_SIZE
    else:
        riff_size = WAV_HEADER_SIZE - 8 + data_size
    block_align = channels * sample_width
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        riff_size,
        b"WAVE",
        b"fmt ",
        _FMT_SIZE,
        WAVE_FORMAT_PCM,
        channels,
        sample_rate,
        sample_rate * block_align,
        block_align,
        sample_width * 8,
        b"data",
        data_size,
    )


def pcm_to_wav(pcm: bytes, sample_rate: int, *, channels: int = 1, sample_width: int = 2) -> bytes:
    """A WAV file of raw little-endian PCM with its real sizes (a trailing partial frame is
    dropped)."""
    pcm = pcm[: len(pcm) - len(pcm) % (channels * sample_width)]
    header = wav_header(sample_rate, len(pcm), channels=channels, sample_width=sample_width)
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
