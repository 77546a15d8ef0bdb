"""The incremental SSE parser: frames split anywhere, CRLF/CR/LF, both status notations."""

from custom_components.qwen_tts.dashscope.sse import SSEFrame, SSEParser

STREAM = (
    b'id:1\r\nevent:result\r\n:HTTP_STATUS/200\r\ndata:{"a":1}\r\n\r\n'
    b'id:2\r\nevent:error\r\nstatus:429\r\ndata:{"code":"Throttling"}\r\n\r\n'
)


def _feed_in_pieces(data: bytes, size: int) -> list[SSEFrame]:
    parser = SSEParser()
    frames: list[SSEFrame] = []
    for i in range(0, len(data), size):
        frames.extend(parser.feed(data[i : i + size]))
    last = parser.close()
    if last is not None:
        frames.append(last)
    return frames


def test_crlf_frames_give_data_event_and_status() -> None:
    assert _feed_in_pieces(STREAM, len(STREAM)) == [
        SSEFrame('{"a":1}', "result", "1", 200),
        SSEFrame('{"code":"Throttling"}', "error", "2", 429),
    ]


def test_frames_split_at_every_byte_parse_the_same() -> None:
    whole = _feed_in_pieces(STREAM, len(STREAM))
    for size in (1, 2, 3, 7):
        assert _feed_in_pieces(STREAM, size) == whole


def test_lf_and_lone_cr_line_endings_are_accepted() -> None:
    lf = b'data:{"x":1}\n\ndata: {"x":2}\n\n'
    cr = b'data:{"x":1}\r\rdata: {"x":2}\r\r'
    expected = ['{"x":1}', '{"x":2}']
    assert [f.data for f in _feed_in_pieces(lf, 1)] == expected
    assert [f.data for f in _feed_in_pieces(cr, 1)] == expected


def test_multiple_data_lines_are_joined_with_newlines() -> None:
    assert _feed_in_pieces(b"data:a\ndata:b\n\n", 1) == [SSEFrame("a\nb")]


def test_a_last_frame_without_blank_line_is_returned_at_close() -> None:
    assert _feed_in_pieces(b"event:result\ndata:{}", 4) == [SSEFrame("{}", "result")]


def test_comments_and_blank_lines_alone_dispatch_nothing() -> None:
    assert _feed_in_pieces(b": keep-alive\n\n\n\n", 1) == []


def test_error_frame_is_marked() -> None:
    (frame,) = _feed_in_pieces(b"event:error\ndata:{}\n\n", 100)
    assert frame.is_error
