"""Speech recognition: the synchronous HTTP call and the realtime session, against the emulator."""

import asyncio
import math

import aiohttp
import pytest

from custom_components.qwen_tts.dashscope import (
    AuthError,
    DashScopeClient,
    DashScopeTimeoutError,
    Endpoint,
    InvalidRequestError,
    ModelNotFoundError,
    ProtocolError,
    RateLimitError,
    RecognitionRequest,
    ServiceError,
    TranscriptionSettings,
    TranscriptUpdate,
    pcm_to_wav,
)
from tests.emulator import DashScopeEmulator, render_pcm

from .scripted import Message, RealtimeScript, ScriptedServer

RATE = 16000
SPEECH = render_pcm("Turn on the light", RATE)
SILENCE = bytes(RATE * 2)  # one second
REALTIME = "qwen3-asr-flash-realtime"


def _request(pcm: bytes = SPEECH, **fields: object) -> RecognitionRequest:
    return RecognitionRequest(model="qwen3-asr-flash", audio=pcm_to_wav(pcm, RATE), **fields)  # type: ignore[arg-type]


async def test_recognize_returns_the_text_language_and_billed_seconds(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.transcript = "打开客厅的灯。"
    transcript = await client.recognize(_request(language="zh", context="客厅, 卧室"))
    assert transcript.text == "打开客厅的灯。"
    assert transcript.language == "zh"
    assert transcript.seconds == math.ceil(len(SPEECH) / (RATE * 2))  # whole seconds billed
    (heard,) = emulator.heard
    assert (heard.mime_type, heard.sample_rate, heard.channels, heard.sample_width) == (
        "audio/wav",
        RATE,
        1,
        2,
    )
    assert heard.pcm == SPEECH
    assert (heard.language, heard.context) == ("zh", "客厅, 卧室")


async def test_without_a_language_the_service_detects_it(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.detected_language = "de"
    transcript = await client.recognize(_request())
    (request,) = emulator.requests_of("recognition")
    assert request.body is not None
    assert "language" not in request.body["parameters"]["asr_options"]
    assert transcript.language == "de"


async def test_silence_gives_an_empty_transcript(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    transcript = await client.recognize(_request(SILENCE))
    assert transcript.text == ""
    assert emulator.heard[0].seconds == 1.0


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (401, "InvalidApiKey", AuthError),
        (429, "Throttling.RateQuota", RateLimitError),
        (500, "InternalError", ServiceError),
        (503, "ServiceUnavailable", ServiceError),
    ],
)
async def test_refusals_raise_typed_errors(
    client: DashScopeClient,
    emulator: DashScopeEmulator,
    status: int,
    code: str,
    error: type[Exception],
) -> None:
    emulator.fail_next(status, code, kind="recognition")
    with pytest.raises(error):
        await client.recognize(_request())


async def test_an_unknown_model_is_model_not_found(client: DashScopeClient) -> None:
    with pytest.raises(ModelNotFoundError):
        await client.recognize(RecognitionRequest("qwen9-asr", pcm_to_wav(SPEECH, RATE)))


async def test_audio_over_a_request_size_is_refused_before_sending(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    big = bytes(8 * 1024 * 1024)  # 10.7 MB once base64-encoded
    with pytest.raises(InvalidRequestError, match="10 MB"):
        await client.recognize(RecognitionRequest("qwen3-asr-flash", big))
    assert emulator.requests_of("recognition") == []


async def test_a_slow_service_times_out_within_the_request_timeout(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    emulator.recognition_delay = 5
    client = DashScopeClient(
        http, emulator.api_key, Endpoint.from_base_url(emulator.base_url), request_timeout=0.3
    )
    async with asyncio.timeout(2):
        with pytest.raises(DashScopeTimeoutError):
            await client.recognize(_request())


# -- realtime ---------------------------------------------------------------------------------


async def _transcribe(
    client: DashScopeClient, pcm: bytes, settings: TranscriptionSettings, chunk: int = 640
) -> list[TranscriptUpdate]:
    async with client.transcription_session(settings, answer_timeout=2) as session:

        async def send() -> None:
            for start in range(0, len(pcm), chunk):
                await session.append(pcm[start : start + chunk])
            await session.finish()

        sender = asyncio.create_task(send())
        updates = [update async for update in session.updates()]
        await sender
        return updates


async def test_a_realtime_session_ends_with_the_transcript(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.transcript = "Turn on the kitchen light please"
    pcm = render_pcm("Turn on the kitchen light please", RATE)
    updates = await _transcribe(
        client, pcm, TranscriptionSettings(REALTIME, language="en", context="kitchen")
    )
    assert updates[-1] == TranscriptUpdate("Turn on the kitchen light please", True, "en")
    partials = [u.text for u in updates if not u.final]
    assert partials[0] == "Turn"  # one word per second of speech, then the completed text
    (heard,) = emulator.heard
    assert heard.pcm == pcm
    assert (heard.kind, heard.language, heard.context) == ("transcription", "en", "kitchen")
    (record,) = emulator.requests_of("transcription")
    types = record.event_types()
    assert types[0] == "session.update"
    assert types[-2:] == ["input_audio_buffer.commit", "session.finish"]
    assert record.events[0][1]["session"]["turn_detection"] is None  # manual mode


async def test_a_realtime_session_without_speech_ends_empty(client: DashScopeClient) -> None:
    updates = await _transcribe(client, SILENCE, TranscriptionSettings(REALTIME))
    assert updates == [TranscriptUpdate("", True, None)]


async def test_a_realtime_refused_key_is_an_auth_error(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    client = DashScopeClient(http, "wrong", Endpoint.from_base_url(emulator.base_url))
    with pytest.raises(AuthError):
        await _transcribe(client, SPEECH, TranscriptionSettings(REALTIME))


@pytest.mark.parametrize(
    ("code", "error"),
    [("Throttling.RateQuota", RateLimitError), ("InternalError", ServiceError)],
)
async def test_a_realtime_error_event_raises(
    client: DashScopeClient, emulator: DashScopeEmulator, code: str, error: type[Exception]
) -> None:
    emulator.ws_error_after_append = (code, "failed")
    with pytest.raises(error):
        await _transcribe(client, SPEECH, TranscriptionSettings(REALTIME))


async def test_a_realtime_socket_closed_before_finished_is_a_protocol_error(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.ws_close_before_finish = True
    with pytest.raises(ProtocolError):
        await _transcribe(client, SPEECH, TranscriptionSettings(REALTIME))


async def test_a_realtime_service_that_never_answers_times_out(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.recognition_delay = 10
    async with asyncio.timeout(5):
        with pytest.raises(DashScopeTimeoutError):
            await _transcribe(client, SPEECH, TranscriptionSettings(REALTIME))


def _completed(transcript: str) -> dict[str, object]:
    return {
        "type": "conversation.item.input_audio_transcription.completed",
        "item_id": "item_1",
        "content_index": 0,
        "transcript": transcript,
    }


@pytest.mark.parametrize(
    ("utterances", "text"),
    [
        pytest.param(
            ["Turn on the light.", "And the fan."],
            "Turn on the light. And the fan.",
            id="English -> a space",
        ),
        pytest.param(
            ["Schalte das Licht ein.", "Öffne die Tür."],
            "Schalte das Licht ein. Öffne die Tür.",
            id="German umlaut -> a space",
        ),
        pytest.param(
            ["Включи свет.", "Выключи вентилятор."],
            "Включи свет. Выключи вентилятор.",
            id="Russian -> a space",
        ),
        pytest.param(["불 켜줘.", "문 닫아."], "불 켜줘. 문 닫아.", id="Korean -> a space"),
        pytest.param(["打开灯。", "关上门。"], "打开灯。关上门。", id="Chinese -> none"),
        pytest.param(
            ["電気をつけて。", "ありがとう。"], "電気をつけて。ありがとう。", id="Japanese -> none"
        ),
        pytest.param(["打开灯", "please"], "打开灯please", id="Chinese then English -> none"),
        pytest.param(["  ", " Lights off. "], "Lights off.", id="blank utterance -> left out"),
    ],
)
async def test_a_realtime_transcript_of_several_utterances_joins_them_as_the_script_writes(
    http: aiohttp.ClientSession, utterances: list[str], text: str
) -> None:
    finish: list[Message] = [_completed(u) for u in utterances]
    script = RealtimeScript(on_finish=[*finish, {"type": "session.finished"}])
    async with ScriptedServer(realtime=script) as server:
        updates = await _transcribe(server.client(http), SPEECH, TranscriptionSettings(REALTIME))
    assert updates[-1] == TranscriptUpdate(text, True, None)


@pytest.mark.parametrize(
    ("failed", "error", "message"),
    [
        pytest.param(
            {"error": {"code": "InternalError", "message": "recognition failed"}},
            ServiceError,
            "recognition failed",
            id="failed with a cause -> its typed error",
        ),
        pytest.param({}, ProtocolError, "without details", id="failed without a cause -> protocol"),
    ],
)
async def test_a_realtime_transcription_that_failed_raises(
    http: aiohttp.ClientSession, failed: dict[str, object], error: type[Exception], message: str
) -> None:
    event = {"type": "conversation.item.input_audio_transcription.failed", **failed}
    script = RealtimeScript(on_finish=[event, {"type": "session.finished"}])
    async with ScriptedServer(realtime=script) as server:
        with pytest.raises(error, match=message):
            await _transcribe(server.client(http), SPEECH, TranscriptionSettings(REALTIME))
