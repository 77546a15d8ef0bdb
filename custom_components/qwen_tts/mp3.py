"""MP3 streams joined into one: the ID3v2 tag each of them starts with."""

_ID3_HEADER_SIZE = 10


def id3v2_length(data: bytes) -> int | None:
    """The length of the ID3v2 tag ``data`` begins with: 0 when there is none, ``None``
    while too few bytes have arrived to tell."""
    if len(data) < 3:
        return None if b"ID3".startswith(data) else 0
    if data[:3] != b"ID3":
        return 0
    if len(data) < _ID3_HEADER_SIZE:
        return None
    size = 0
    for byte in data[6:10]:  # a "syncsafe" integer: 7 bits per byte
        size = (size << 7) | (byte & 0x7F)
    footer = _ID3_HEADER_SIZE if data[5] & 0x10 else 0
    return _ID3_HEADER_SIZE + size + footer


class LeadingTagStripper:
    """Drop an ID3v2 tag at the very start of an MP3 stream (fed in pieces).

    The service starts every MP3 stream with a tag; when streams of several requests are
    joined into one file, the tags of the later ones would sit between audio frames.
    """

    __slots__ = ("_buffer", "_skip", "_started")

    def __init__(self) -> None:
        """Start before the first byte."""
        self._buffer = b""
        self._skip = 0
        self._started = False

    def feed(self, chunk: bytes) -> bytes:
        """Return the bytes of ``chunk`` that follow any leading tag."""
        if self._started:
            if self._skip:
                dropped = min(self._skip, len(chunk))
                self._skip -= dropped
                chunk = chunk[dropped:]
            return chunk
        data = self._buffer + chunk
        length = id3v2_length(data)
        if length is None:
            self._buffer = data
            return b""
        self._buffer = b""
        self._started = True
        self._skip = max(0, length - len(data))
        return data[length:]

    def flush(self) -> bytes:
        """Return what was held back when the stream ended inside a would-be tag header."""
        rest, self._buffer = self._buffer, b""
        return rest
