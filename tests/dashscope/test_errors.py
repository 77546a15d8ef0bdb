"""Every DashScope error code and transport failure maps to its exception, without the key."""

from collections.abc import Awaitable, Callable
import socket

import aiohttp
import pytest

from custom_components.qwen_tts.dashscope import (
    AccountError,
    AuthError,
    ContentFilterError,
    DashScopeClient,
    DashScopeConnectionError,
    DashScopeError,
    DashScopeTimeoutError,
    Endpoint,
    InvalidRequestError,
    ModelNotFoundError,
    RateLimitError,
    SampleError,
    ServiceError,
    SpeechSettings,
    VoiceNotFoundError,
)
from custom_components.qwen_tts.dashscope.errors import map_error_body
from tests.emulator import DashScopeEmulator


def _closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SETTINGS = SpeechSettings(model="qwen3-tts-flash", voice="Cherry")


async def _speak(client: DashScopeClient, settings: SpeechSettings = SETTINGS) -> bytes:
    """The whole audio of one streamed synthesis."""
    return b"".join([chunk async for chunk in client.stream_synthesis(settings, "Hello.")])


CASES = [
    (401, "InvalidApiKey", AuthError),
    (429, "Throttling", RateLimitError),
    (429, "Throttling.RateQuota", RateLimitError),
    (429, "Throttling.AllocationQuota", RateLimitError),
    (400, "DataInspectionFailed", ContentFilterError),
    (400, "Arrearage", AccountError),
    (403, "AccessDenied", AccountError),
    (403, "AccessDenied.Unpurchased", AccountError),
    (403, "Model.AccessDenied", AccountError),
    (403, "Forbidden", AccountError),
    (400, "Audio.PreprocessError", SampleError),
    (400, "Audio.DurationLimitError", SampleError),
    (400, "BadRequest.VoiceNotFound", VoiceNotFoundError),
    (404, "ModelNotFound", ModelNotFoundError),
    (400, "InvalidParameter", InvalidRequestError),
    (400, "SomethingNew", InvalidRequestError),
    (500, "InternalError", ServiceError),
    (503, "ServiceUnavailable", ServiceError),
    (504, "RequestTimeOut", ServiceError),
    (502, "BadGateway", ServiceError),
]


@pytest.mark.parametrize(("status", "code", "expected"), CASES)
async def test_an_http_error_raises_its_class_with_code_and_request_id(
    client: DashScopeClient,
    emulator: DashScopeEmulator,
    status: int,
    code: str,
    expected: type[DashScopeError],
) -> None:
    emulator.fail_next(status, code, "it failed", kind="synthesis_stream")
    with pytest.raises(expected) as caught:
        await _speak(client)
    assert type(caught.value) is expected
    assert caught.value.code == code
    assert caught.value.status == status
    assert caught.value.message == "it failed"
    assert caught.value.request_id
    assert caught.value.request_id in str(caught.value)


async def _speak_realtime(client: DashScopeClient, settings: SpeechSettings) -> bytes:
    """The whole audio of one realtime session speaking a short text."""
    async with client.realtime_session(settings) as session:
        await session.append("Hello.")
        await session.finish()
        return b"".join([chunk async for chunk in session.audio()])


@pytest.mark.parametrize(
    ("speak", "model"),
    [
        pytest.param(_speak, "qwen3-tts-flash", id="SSE synthesis"),
        pytest.param(_speak_realtime, "qwen3-tts-flash-realtime", id="realtime session"),
    ],
)
async def test_invalid_voice_specified_raises_voice_not_found_naming_the_voice(
    client: DashScopeClient,
    speak: Callable[[DashScopeClient, SpeechSettings], Awaitable[bytes]],
    model: str,
) -> None:
    with pytest.raises(VoiceNotFoundError) as caught:
        await speak(client, SpeechSettings(model=model, voice="NoSuchVoice"))
    assert caught.value.code == "InvalidParameter"
    assert caught.value.voice == "NoSuchVoice"


async def test_an_unknown_model_raises_model_not_found(client: DashScopeClient) -> None:
    with pytest.raises(ModelNotFoundError):
        await _speak(client, SpeechSettings(model="qwen9-tts-nope", voice="Cherry"))


@pytest.mark.parametrize(
    ("body", "status", "expected", "message"),
    [
        ({"code": "Throttling", "msg": "slow down"}, 429, RateLimitError, "slow down"),
        ({"code": "Throttling"}, 429, RateLimitError, "HTTP 429"),
        ({"code": "SomethingNew"}, None, ServiceError, "DashScope error"),
        ({"code": "InvalidParameter.Text", "message": "bad"}, None, InvalidRequestError, "bad"),
    ],
    ids=["msg-field", "no-message", "unknown-code-no-status", "invalid-parameter-no-status"],
)
def test_an_error_body_without_status_or_message_still_maps(
    body: dict[str, str], status: int | None, expected: type[DashScopeError], message: str
) -> None:
    """Realtime ``error`` events carry no HTTP status; some bodies say ``msg``, some nothing."""
    err = map_error_body(body, status=status)

    assert type(err) is expected
    assert (err.code, err.message) == (body["code"], message)


async def test_the_client_describes_itself_without_its_key(http: aiohttp.ClientSession) -> None:
    client = DashScopeClient(http, "sk-secret-key", Endpoint.for_region("intl"))

    assert repr(client) == "DashScopeClient('https://dashscope-intl.aliyuncs.com/api/v1')"


async def test_a_wrong_key_raises_auth_error_without_the_key(
    http: aiohttp.ClientSession, emulator: DashScopeEmulator
) -> None:
    key = "sk-0123456789abcdef-secret"
    client = DashScopeClient(http, key, Endpoint.from_base_url(emulator.base_url))
    with pytest.raises(AuthError) as caught:
        await client.validate_key()
    assert caught.value.code == "InvalidApiKey"
    assert caught.value.status == 401
    assert key not in str(caught.value)
    assert key not in repr(caught.value)
    assert caught.value.__cause__ is None


async def test_a_key_echoed_by_the_service_is_redacted(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.fail_next(400, "InvalidParameter", f"bad key {emulator.api_key} given")
    with pytest.raises(InvalidRequestError) as caught:
        await client.validate_key()
    assert emulator.api_key not in str(caught.value)
    assert "bad key *** given" in str(caught.value)


async def test_a_refused_connection_raises_connection_error(
    http: aiohttp.ClientSession,
) -> None:
    port = _closed_port()
    client = DashScopeClient(
        http, "sk-secret", Endpoint.from_base_url(f"http://127.0.0.1:{port}/api/v1")
    )
    with pytest.raises(DashScopeConnectionError) as caught:
        await client.validate_key()
    assert not isinstance(caught.value, DashScopeTimeoutError)
    assert "sk-secret" not in str(caught.value)


async def test_a_refused_connection_on_realtime_raises_connection_error(
    http: aiohttp.ClientSession,
) -> None:
    port = _closed_port()
    client = DashScopeClient(http, "k", Endpoint.from_base_url(f"http://127.0.0.1:{port}/api/v1"))
    with pytest.raises(DashScopeConnectionError):
        async with client.realtime_session(SpeechSettings(model="m", voice="Cherry")):
            pass


async def _realtime_handshake(client: DashScopeClient) -> None:
    async with client.realtime_session(
        SpeechSettings(model="qwen3-tts-flash-realtime", voice="Cherry")
    ):
        pass


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(DashScopeClient.validate_key, id="slow JSON answer -> timeout"),
        pytest.param(_realtime_handshake, id="slow realtime handshake -> timeout"),
    ],
)
async def test_a_slow_answer_raises_timeout_error(
    http: aiohttp.ClientSession,
    emulator: DashScopeEmulator,
    call: Callable[[DashScopeClient], Awaitable[None]],
) -> None:
    emulator.response_delay = 2.0
    client = DashScopeClient(
        http, emulator.api_key, Endpoint.from_base_url(emulator.base_url), request_timeout=0.2
    )
    with pytest.raises(DashScopeTimeoutError):
        await call(client)
