"""The DashScope emulator's own behaviour, seen by a plain aiohttp client over real sockets."""

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
import io
import json
import logging
import struct
from typing import Any

import aiohttp
from mutagen.mp3 import MP3
import pytest

from .emulator import DashScopeEmulator, RecordedRequest, render_pcm
from .emulator.audio import stream_chunks, wav_bytes

SYNTHESIS = "/services/aigc/multimodal-generation/generation"
CUSTOMIZATION = "/services/audio/tts/customization"
TEXT = "Hello there. The kettle is on, and tea will be ready soon!"
VC_REALTIME = "qwen3-tts-vc-realtime-2026-01-15"


@pytest.fixture
async def http(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp client."""
    async with aiohttp.ClientSession() as session:
        yield session


def _auth(emu: DashScopeEmulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {emu.api_key}"}


def _speak(
    text: str = TEXT, model: str = "qwen3-tts-flash", voice: str = "Cherry", **params: Any
) -> dict[str, Any]:
    return {"model": model, "input": {"text": text, "voice": voice}, "parameters": params}


async def _post(
    http: aiohttp.ClientSession,
    emu: DashScopeEmulator,
    path: str,
    body: dict[str, Any],
    *,
    sse: bool = False,
) -> tuple[int, bytes]:
    headers = _auth(emu) | ({"X-DashScope-SSE": "enable"} if sse else {})
    async with http.post(emu.base_url + path, json=body, headers=headers) as resp:
        return resp.status, await resp.read()


def _frames(body: bytes) -> list[dict[str, str]]:
    """Parse CRLF-framed SSE into {field: value} dicts (the comment line under ``comment``)."""
    assert b"\r\n\r\n" in body
    frames = []
    for raw in body.decode().split("\r\n\r\n"):
        if not raw:
            continue
        frame: dict[str, str] = {}
        for line in raw.split("\r\n"):
            name, _, value = line.partition(":")
            frame[name or "comment"] = value
        frames.append(frame)
    return frames


def _mp3_info(data: bytes) -> Any:
    """Sample rate and length of an MP3 stream, read by mutagen."""
    return MP3(io.BytesIO(data)).info  # type: ignore[no-untyped-call]


def _audio_of(frames: list[dict[str, str]]) -> bytes:
    return b"".join(
        base64.b64decode(json.loads(f["data"])["output"]["audio"]["data"])
        for f in frames
        if f.get("event") == "result"
    )


async def test_wrong_api_key_is_refused_with_invalid_api_key(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    async with http.post(
        emulator.base_url + SYNTHESIS, json=_speak(), headers={"Authorization": "Bearer nope"}
    ) as resp:
        assert resp.status == 401
        body = await resp.json()
    assert body["code"] == "InvalidApiKey"
    assert body["message"] == "Invalid API-key provided."
    assert body["request_id"]


async def test_non_streaming_answer_links_a_wav_with_bogus_riff_size_needing_no_auth(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    status, raw = await _post(http, emulator, SYNTHESIS, _speak())
    answer = json.loads(raw)
    assert status == 200
    assert answer["output"]["finish_reason"] == "stop"
    assert answer["usage"]["characters"] == len(TEXT)
    async with http.get(answer["output"]["audio"]["url"]) as resp:
        assert resp.status == 200
        wav = await resp.read()
    assert wav[:4] == b"RIFF"
    assert struct.unpack("<I", wav[4:8])[0] == 0x7FFFFFFF
    assert wav[44:] == render_pcm(TEXT)
    (download,) = emulator.requests_of("download")
    assert "Authorization" not in download.headers


async def test_download_sent_with_authorization_is_refused_like_oss(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    _, raw = await _post(http, emulator, SYNTHESIS, _speak())
    async with http.get(json.loads(raw)["output"]["audio"]["url"], headers=_auth(emulator)) as resp:
        assert resp.status == 400
        assert "InvalidArgument" in await resp.text()


async def test_sse_stream_sends_crlf_frames_of_pcm_then_a_stop_frame(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    status, body = await _post(http, emulator, SYNTHESIS, _speak(), sse=True)
    frames = _frames(body)
    assert status == 200
    assert [f["id"] for f in frames] == [str(i) for i in range(1, len(frames) + 1)]
    assert all(f["event"] == "result" and f["comment"] == "HTTP_STATUS/200" for f in frames)
    assert len(frames) > 3
    assert _audio_of(frames) == render_pcm(TEXT)
    final = json.loads(frames[-1]["data"])
    assert final["output"]["finish_reason"] == "stop"
    assert final["output"]["audio"]["data"] == ""
    assert final["output"]["audio"]["url"].startswith("http://")
    assert {json.loads(f["data"])["output"]["finish_reason"] for f in frames[:-1]} == {"null"}


async def test_sse_stream_honours_the_sample_rate(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    _, body = await _post(http, emulator, SYNTHESIS, _speak(sample_rate=16000), sse=True)
    assert _audio_of(_frames(body)) == render_pcm(TEXT, 16000)
    assert len(render_pcm(TEXT, 16000)) * 3 == len(render_pcm(TEXT)) * 2


async def test_sse_stream_in_mp3_is_one_mp3_stream_starting_with_id3(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    _, body = await _post(
        http, emulator, SYNTHESIS, _speak(response_format="mp3", sample_rate=48000), sse=True
    )
    frames = _frames(body)
    first = base64.b64decode(json.loads(frames[0]["data"])["output"]["audio"]["data"])
    info = _mp3_info(_audio_of(frames))
    assert first[:3] == b"ID3"
    assert info.sample_rate == 48000
    assert info.length == pytest.approx(len(render_pcm(TEXT)) / 48000, abs=0.15)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (_speak(model="qwen3-tts-nonexistent"), 404, "ModelNotFound"),
        (_speak(voice="Nobody"), 400, "InvalidParameter"),
        (_speak(voice="Chelsie", model="qwen3-tts-flash-2025-09-18"), 400, "InvalidParameter"),
        (_speak(text="x" * 601), 400, "InvalidParameter"),
        (_speak(text="好" * 257, model="qwen-tts"), 400, "InvalidParameter"),
        (_speak(text=""), 400, "InvalidParameter"),
    ],
    ids=[
        "unknown-model",
        "unknown-voice",
        "voice-of-another-model",
        "601-chars",
        "qwen-tts-cjk-tokens",
        "empty",
    ],
)
async def test_invalid_synthesis_requests_are_refused(
    http: aiohttp.ClientSession,
    emulator: DashScopeEmulator,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    got, raw = await _post(http, emulator, SYNTHESIS, body)
    assert (got, json.loads(raw)["code"]) == (status, code)


async def test_sse_request_refused_before_streaming_answers_an_error_frame(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    status, body = await _post(http, emulator, SYNTHESIS, _speak(voice="Nobody"), sse=True)
    (frame,) = _frames(body)
    assert status == 400
    assert frame["event"] == "error"
    assert frame["comment"] == "HTTP_STATUS/400"
    assert json.loads(frame["data"])["message"] == "Invalid voice specified"


async def test_fail_next_answers_the_planned_error_once(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    emulator.fail_next(429, "Throttling.RateQuota", kind="synthesis")
    first, raw = await _post(http, emulator, SYNTHESIS, _speak())
    second, _ = await _post(http, emulator, SYNTHESIS, _speak())
    assert (first, json.loads(raw)["code"]) == (429, "Throttling.RateQuota")
    assert second == 200
    assert [r.status for r in emulator.requests_of("synthesis")] == [429, 200]


async def test_sse_error_after_puts_an_error_frame_inside_a_200_stream(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    emulator.sse_error_after = 2
    emulator.sse_error_code = "DataInspectionFailed"
    status, body = await _post(http, emulator, SYNTHESIS, _speak(), sse=True)
    frames = _frames(body)
    assert status == 200
    assert [f["event"] for f in frames] == ["result", "result", "error"]
    assert frames[-1]["comment"] == "HTTP_STATUS/400"
    assert json.loads(frames[-1]["data"])["code"] == "DataInspectionFailed"


async def test_sse_cut_after_ends_the_stream_without_a_stop_frame(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    emulator.sse_cut_after = 3
    _, body = await _post(http, emulator, SYNTHESIS, _speak(), sse=True)
    frames = _frames(body)
    assert len(frames) == 3
    assert all(json.loads(f["data"])["output"]["finish_reason"] == "null" for f in frames)


async def test_leading_riff_puts_a_wav_header_before_the_first_chunk(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    emulator.leading_riff = True
    _, body = await _post(http, emulator, SYNTHESIS, _speak(), sse=True)
    audio = _audio_of(_frames(body))
    assert audio[:4] == b"RIFF"
    assert audio[44:] == render_pcm(TEXT)


async def test_empty_audio_makes_an_sse_stream_only_its_stop_frame(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    emulator.empty_audio = True
    status, body = await _post(http, emulator, SYNTHESIS, _speak(), sse=True)
    (frame,) = _frames(body)
    final = json.loads(frame["data"])
    assert (status, frame["event"]) == (200, "result")
    assert final["output"]["finish_reason"] == "stop"
    assert final["output"]["audio"]["data"] == ""
    assert final["usage"]["characters"] == len(TEXT)
    async with http.get(final["output"]["audio"]["url"]) as resp:
        assert await resp.read() == wav_bytes(b"", 24000, bogus=True)
    (record,) = emulator.requests_of("synthesis_stream")
    assert record.audio_times == []


async def test_empty_audio_links_a_wav_without_samples_or_an_empty_mp3(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    emulator.empty_audio = True
    files = []
    for audio_format in ("wav", "mp3"):
        status, raw = await _post(http, emulator, SYNTHESIS, _speak(response_format=audio_format))
        assert status == 200
        async with http.get(json.loads(raw)["output"]["audio"]["url"]) as resp:
            files.append(await resp.read())
    assert files == [wav_bytes(b"", 24000, bogus=True), b""]


async def test_empty_audio_makes_realtime_responses_without_deltas(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    emulator.empty_audio = True
    events = await _realtime(http, emulator, _say(TEXT))
    types = [e["type"] for e in events]
    assert types.count("response.created") == types.count("response.done") == 1
    assert "response.audio.delta" not in types
    assert types[-1] == "session.finished"
    (record,) = emulator.requests_of("realtime")
    assert record.responses == [TEXT]


async def _client_left(record: RecordedRequest) -> None:
    """Wait until the emulator noticed that the client went away (fails after 5 s)."""
    async with asyncio.timeout(5):
        while not record.client_left:  # noqa: ASYNC110 - the record offers no event
            await asyncio.sleep(0.01)


async def test_a_client_leaving_an_sse_stream_early_is_noted_without_an_error(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.chunk_interval = 0.01
    headers = _auth(emulator) | {"X-DashScope-SSE": "enable"}
    async with http.post(emulator.base_url + SYNTHESIS, json=_speak(), headers=headers) as resp:
        await resp.content.readuntil(b"\r\n\r\n")
        resp.close()
    (record,) = emulator.requests_of("synthesis_stream")

    await _client_left(record)

    assert len(record.audio_times) < len(stream_chunks(render_pcm(TEXT), 24000, "pcm"))
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_a_client_leaving_a_realtime_session_early_is_noted_without_an_error(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.chunk_interval = 0.01
    url = f"{emulator.ws_url}?model=qwen3-tts-flash-realtime"
    async with http.ws_connect(url, headers=_auth(emulator)) as ws:
        await ws.receive_json()
        await ws.send_json({"event_id": "e1", "type": "input_text_buffer.append", "text": TEXT})
        await ws.send_json({"event_id": "e2", "type": "session.finish"})
        while (await ws.receive_json())["type"] != "response.audio.delta":
            pass
    (record,) = emulator.requests_of("realtime")

    await _client_left(record)

    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def _realtime(
    http: aiohttp.ClientSession,
    emu: DashScopeEmulator,
    events: list[dict[str, Any]],
    model: str = "qwen3-tts-flash-realtime",
) -> list[dict[str, Any]]:
    """Send ``events`` after ``session.created``; return every server event until the close."""
    received: list[dict[str, Any]] = []
    async with http.ws_connect(f"{emu.ws_url}?model={model}", headers=_auth(emu)) as ws:
        received.append(await ws.receive_json())
        for number, event in enumerate(events):
            await ws.send_json({"event_id": f"e{number}", **event})
        received.extend([json.loads(message.data) async for message in ws])
    return received


def _say(text: str) -> list[dict[str, Any]]:
    """The client events that speak ``text`` and end the session."""
    return [{"type": "input_text_buffer.append", "text": text}, {"type": "session.finish"}]


def _deltas(events: list[dict[str, Any]]) -> bytes:
    return b"".join(
        base64.b64decode(e["delta"]) for e in events if e["type"] == "response.audio.delta"
    )


async def test_realtime_server_commit_session_speaks_in_several_responses(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    pieces = ["Hello there. The ket", "tle is on, and tea", " will be ready soon!"]
    events = await _realtime(
        http,
        emulator,
        [
            {"type": "session.update", "session": {"voice": "Cherry", "mode": "server_commit"}},
            *({"type": "input_text_buffer.append", "text": p} for p in pieces),
            {"type": "session.finish"},
        ],
    )
    types = [e["type"] for e in events]
    assert types[:2] == ["session.created", "session.updated"]
    assert types[-1] == "session.finished"
    assert types.count("response.created") == types.count("response.done") == 2
    assert _deltas(events) == render_pcm(TEXT)
    (record,) = emulator.requests_of("realtime")
    assert record.responses == ["Hello there.", " The kettle is on, and tea will be ready soon!"]
    assert record.event_types()[-1] == "session.finish"
    assert record.first_audio_at is not None
    assert len(record.audio_times) == types.count("response.audio.delta")


async def test_realtime_commit_mode_speaks_on_commit(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    events = await _realtime(
        http,
        emulator,
        [
            {
                "type": "session.update",
                "session": {"voice": "Ethan", "mode": "commit", "sample_rate": 8000},
            },
            {"type": "input_text_buffer.append", "text": "One. Two."},
            {"type": "input_text_buffer.commit"},
            {"type": "session.finish"},
        ],
    )
    types = [e["type"] for e in events]
    assert types.count("response.done") == 1
    assert types.index("input_text_buffer.committed") < types.index("response.created")
    assert _deltas(events) == render_pcm("One. Two.", 8000)


async def test_realtime_mp3_deltas_form_an_mp3_stream(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    events = await _realtime(
        http,
        emulator,
        [
            {"type": "session.update", "session": {"voice": "Cherry", "response_format": "mp3"}},
            *_say(TEXT),
        ],
    )
    assert _mp3_info(_deltas(events)).sample_rate == 24000


async def test_realtime_handshake_with_wrong_key_is_refused_401(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await http.ws_connect(
            f"{emulator.ws_url}?model=qwen3-tts-flash-realtime",
            headers={"Authorization": "Bearer x"},
        )
    assert refused.value.status == 401


async def test_realtime_unknown_model_closes_silently_after_session_created(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    events = await _realtime(http, emulator, [], model="qwen3-tts-imaginary-realtime")
    assert [e["type"] for e in events] == ["session.created"]


async def test_realtime_cloned_voice_speaks_only_with_its_target_model(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    voice = emulator.add_voice("mom", VC_REALTIME)
    update = {"type": "session.update", "session": {"voice": voice}}
    accepted = await _realtime(
        http, emulator, [update, {"type": "session.finish"}], model=VC_REALTIME
    )
    refused = await _realtime(http, emulator, [update], model="qwen3-tts-vc-realtime-2025-11-27")
    assert [e["type"] for e in accepted] == [
        "session.created",
        "session.updated",
        "session.finished",
    ]
    assert refused[-1]["type"] == "error"
    assert refused[-1]["error"]["message"] == "Invalid voice specified"


async def test_realtime_socket_closes_before_session_finished_when_asked(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    emulator.ws_close_before_finish = True
    events = await _realtime(http, emulator, _say("Hi"))
    types = [e["type"] for e in events]
    assert "response.done" in types
    assert "session.finished" not in types


def _error_after_append(emu: DashScopeEmulator) -> None:
    emu.ws_error_after_append = (
        "DataInspectionFailed",
        "Input data may contain inappropriate content.",
    )


def _planned_failure(emu: DashScopeEmulator) -> None:
    emu.fail_next(429, "Throttling.RateQuota", kind="realtime")


@pytest.mark.parametrize(
    ("fault", "event", "code"),
    [
        pytest.param(
            _error_after_append,
            {"type": "input_text_buffer.append", "text": "Hi"},
            "DataInspectionFailed",
            id="ws_error_after_append -> the first append is answered by that error",
        ),
        pytest.param(
            _planned_failure,
            {"type": "session.update", "session": {"voice": "Cherry"}},
            "Throttling.RateQuota",
            id="fail_next(kind=realtime) -> the first event is answered by that error",
        ),
    ],
)
async def test_realtime_planned_error_answers_an_error_event_and_closes(
    http: aiohttp.ClientSession,
    emulator: DashScopeEmulator,
    fault: Callable[[DashScopeEmulator], None],
    event: dict[str, Any],
    code: str,
) -> None:
    fault(emulator)
    events = await _realtime(http, emulator, [event])
    assert [e["type"] for e in events] == ["session.created", "error"]
    assert events[-1]["error"]["code"] == code


def _data_uri(audio: bytes, mime: str = "audio/wav") -> str:
    return f"data:{mime};base64,{base64.b64encode(audio).decode()}"


def _enroll(audio: str, name: str = "mom", target: str = VC_REALTIME) -> dict[str, Any]:
    return {
        "model": "qwen-voice-enrollment",
        "input": {
            "action": "create",
            "target_model": target,
            "preferred_name": name,
            "audio": {"data": audio},
        },
    }


async def test_enrolled_voices_are_listed_by_page_and_deleted(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    sample = _data_uri(wav_bytes(render_pcm("a" * 200), 24000))
    created = []
    for name in ("mom", "dad"):
        status, raw = await _post(http, emulator, CUSTOMIZATION, _enroll(sample, name))
        assert status == 200
        created.append(json.loads(raw)["output"]["voice"])
    listing = {
        "model": "qwen-voice-enrollment",
        "input": {"action": "list", "page_index": 1, "page_size": 1},
    }
    _, raw = await _post(http, emulator, CUSTOMIZATION, listing)
    page = json.loads(raw)["output"]
    delete = {"model": "qwen-voice-enrollment", "input": {"action": "delete", "voice": created[0]}}
    deleted, _ = await _post(http, emulator, CUSTOMIZATION, delete)
    again, raw_again = await _post(http, emulator, CUSTOMIZATION, delete)
    assert created[0].startswith("qwen-tts-vc-mom-voice-")
    assert page["total_count"] == 2
    assert [v["voice"] for v in page["voice_list"]] == [created[0]]
    assert page["voice_list"][0]["target_model"] == VC_REALTIME
    assert deleted == 200
    assert (again, json.loads(raw_again)["code"]) == (400, "BadRequest.VoiceNotFound")
    assert list(emulator.voices) == [created[1]]


@pytest.mark.parametrize(
    ("audio", "name", "code"),
    [
        (_data_uri(wav_bytes(render_pcm("a" * 200, 16000), 16000)), "mom", "Audio.AudioRateError"),
        (_data_uri(wav_bytes(bytes(2 * 24000 * 61), 24000)), "mom", "Audio.DurationLimitError"),
        (_data_uri(b"definitely not audio"), "mom", "Audio.DecoderError"),
        (_data_uri(wav_bytes(render_pcm("a" * 200), 24000)), "mom-and-dad", "InvalidParameter"),
        (_data_uri(wav_bytes(render_pcm("a" * 200), 24000)), "x" * 17, "InvalidParameter"),
    ],
    ids=["16-khz", "61-seconds", "not-audio", "dash-in-name", "17-char-name"],
)
async def test_enrollment_refuses_bad_samples_and_names(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator, audio: str, name: str, code: str
) -> None:
    status, raw = await _post(http, emulator, CUSTOMIZATION, _enroll(audio, name))
    assert (status, json.loads(raw)["code"]) == (400, code)
    assert emulator.voices == {}


async def test_enrollment_accepts_mp3_data_uri_and_public_url(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 100
    by_uri, _ = await _post(http, emulator, CUSTOMIZATION, _enroll(_data_uri(mp3, "audio/mpeg")))
    by_url, _ = await _post(
        http, emulator, CUSTOMIZATION, _enroll("https://example.com/mom.wav", "mom2")
    )
    assert (by_uri, by_url) == (200, 200)
    assert len(emulator.voices) == 2


async def test_designed_voice_comes_with_a_wav_preview_and_can_be_queried(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    preview = "Good evening, this is your announcer speaking."
    design = {
        "model": "qwen-voice-design",
        "input": {
            "action": "create",
            "target_model": "qwen3-tts-vd-2026-01-26",
            "voice_prompt": "A calm, deep radio voice.",
            "preview_text": preview,
            "preferred_name": "announcer",
        },
        "parameters": {"sample_rate": 24000, "response_format": "wav"},
    }
    status, raw = await _post(http, emulator, CUSTOMIZATION, design)
    output = json.loads(raw)["output"]
    query = {"model": "qwen-voice-design", "input": {"action": "query", "voice": output["voice"]}}
    _, queried = await _post(http, emulator, CUSTOMIZATION, query)
    wav = base64.b64decode(output["preview_audio"]["data"])
    assert status == 200
    assert output["voice"].startswith("qwen-tts-vd-announcer-voice-")
    assert wav == wav_bytes(render_pcm(preview), 24000)
    assert json.loads(queried)["output"]["voice_prompt"] == "A calm, deep radio voice."


async def test_synthesis_with_a_designed_voice_needs_its_target_model(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    voice = emulator.add_voice("announcer", "qwen3-tts-vd-2026-01-26", designed=True)
    right, _ = await _post(
        http, emulator, SYNTHESIS, _speak(model="qwen3-tts-vd-2026-01-26", voice=voice)
    )
    wrong, _ = await _post(http, emulator, SYNTHESIS, _speak(model="qwen3-tts-flash", voice=voice))
    assert (right, wrong) == (200, 400)


def test_render_pcm_is_deterministic_and_grows_with_text() -> None:
    assert render_pcm(TEXT) == render_pcm(TEXT)
    assert render_pcm("Hello. ") + render_pcm("World") == render_pcm("Hello. World")
    assert 0.04 <= len(render_pcm(TEXT)) / 2 / 24000 / len(TEXT) <= 0.06
    assert render_pcm("a") != render_pcm("b")


async def test_stop_cuts_streams_and_sessions_still_in_flight(http: aiohttp.ClientSession) -> None:
    emu = DashScopeEmulator()
    await emu.start()
    emu.realtime_factor = 0.1  # ten seconds of wall time per second of audio
    async with http.post(
        emu.base_url + SYNTHESIS, json=_speak(), headers=_auth(emu) | {"X-DashScope-SSE": "enable"}
    ) as resp:
        await resp.content.readuntil(b"\r\n\r\n")
        ws = await http.ws_connect(
            f"{emu.ws_url}?model=qwen3-tts-flash-realtime", headers=_auth(emu)
        )
        await ws.receive_json()
        await ws.send_json({"type": "input_text_buffer.append", "text": TEXT})
        while (await ws.receive_json())["type"] != "response.audio.delta":
            pass
        await emu.stop()
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()
    assert (await ws.receive()).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    await ws.close()
