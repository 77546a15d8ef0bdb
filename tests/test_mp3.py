"""MP3 streams joined into one keep only the first stream's ID3v2 tag (the WAV headers are
the client's: tests/dashscope/test_wav.py)."""

from custom_components.qwen_tts.mp3 import LeadingTagStripper, id3v2_length

from .emulator.audio import id3_tag


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
