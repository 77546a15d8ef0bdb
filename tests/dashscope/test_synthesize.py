"""Non-streaming HTTP synthesis: the request sent, the unauthenticated download, the WAV repair."""

import base64
import io
import struct
from typing import Literal
import wave

import aiohttp
import pytest

from custom_components.qwen_tts.dashscope import (
    AccountError,
    DashScopeClient,
    Endpoint,
    ProtocolError,
    ServiceError,
    SynthesisRequest,
)
from tests.emulator import DashScopeEmulator
from tests.emulator.audio import render_pcm

from .scripted import ScriptedServer

TEXT = "Hello from Qwen."


def _read_wav(data: bytes) -> tuple[int, int, int, bytes]:
    with wave.open(io.BytesIO(data)) as reader:
        return (
            reader.getframerate(),
            reader.getnchannels(),
            reader.getsampwidth(),
            reader.readframes(reader.getnframes()),
        )


async def test_synthesize_returns_the_spoken_pcm_in_a_wav(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    result = await client.synthesize(
        SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry")
    )
    assert result.audio_format == "wav"
    assert result.sample_rate == 24000
    assert _read_wav(result.audio) == (24000, 1, 2, render_pcm(TEXT))


async def test_synthesize_repairs_the_riff_and_data_sizes(client: DashScopeClient) -> None:
    result = await client.synthesize(
        SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry")
    )
    audio = result.audio
    assert struct.unpack_from("<I", audio, 4)[0] == len(audio) - 8
    data_at = audio.index(b"data")
    assert struct.unpack_from("<I", audio, data_at + 4)[0] == len(audio) - data_at - 8


async def test_synthesize_downloads_without_the_authorization_header(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    await client.synthesize(SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry"))
    (post,) = emulator.requests_of("synthesis")
    (download,) = emulator.requests_of("download")
    assert post.headers["Authorization"] == f"Bearer {emulator.api_key}"
    assert "Authorization" not in download.headers


async def test_synthesize_sends_input_and_parameters_without_unset_fields(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    await client.synthesize(
        SynthesisRequest(
            model="qwen3-tts-instruct-flash",
            text=TEXT,
            voice="Cherry",
            language_type="English",
            instructions="Speak softly.",
            optimize_instructions=True,
            speech_rate=1.2,
        )
    )
    (post,) = emulator.requests_of("synthesis")
    assert post.body == {
        "model": "qwen3-tts-instruct-flash",
        "input": {
            "text": TEXT,
            "voice": "Cherry",
            "language_type": "English",
            "format": "wav",
            "sample_rate": 24000,
        },
        "parameters": {
            "instructions": "Speak softly.",
            "optimize_instructions": True,
            "speech_rate": 1.2,
            "response_format": "wav",
            "sample_rate": 24000,
        },
    }


async def test_synthesize_at_16_khz_gives_a_16_khz_wav(client: DashScopeClient) -> None:
    result = await client.synthesize(
        SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry", sample_rate=16000)
    )
    assert result.sample_rate == 16000
    assert _read_wav(result.audio) == (16000, 1, 2, render_pcm(TEXT, 16000))


async def test_synthesize_mp3_returns_mp3_bytes(client: DashScopeClient) -> None:
    result = await client.synthesize(
        SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry", response_format="mp3")
    )
    assert result.audio_format == "mp3"
    assert result.audio[:3] == b"ID3"


async def test_synthesize_reports_request_id_and_characters(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    result = await client.synthesize(
        SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry")
    )
    assert result.request_id
    assert result.characters == len(TEXT)


async def test_synthesize_repairs_a_wav_with_a_list_chunk_before_data(
    http: aiohttp.ClientSession,
) -> None:
    pcm = render_pcm(TEXT)
    info = b"INFOISFT" + struct.pack("<I", 6) + b"Lavf6\x00"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 24000, 48000, 2, 16)
    listed = b"LIST" + struct.pack("<I", len(info)) + info
    body = b"WAVE" + fmt + listed + b"data" + struct.pack("<I", 0x7FFFFFDB) + pcm
    server = ScriptedServer(download=b"RIFF" + struct.pack("<I", 0x7FFFFFFF) + body)
    await server.start()
    try:
        server.json_answer = {
            "output": {"finish_reason": "stop", "audio": {"url": server.download_url}},
            "request_id": "r-1",
        }
        client = DashScopeClient(http, "demo-key", Endpoint.from_base_url(server.base_url))
        result = await client.synthesize(
            SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry")
        )
    finally:
        await server.stop()
    assert struct.unpack_from("<I", result.audio, 4)[0] == len(result.audio) - 8
    assert _read_wav(result.audio) == (24000, 1, 2, pcm)


async def test_a_failed_download_raises_service_error(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.fail_next(404, "NoSuchKey", kind="download")
    with pytest.raises(ServiceError) as caught:
        await client.synthesize(
            SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry")
        )
    assert caught.value.status == 404


async def test_inline_pcm_instead_of_a_url_is_returned_as_wav(
    http: aiohttp.ClientSession,
) -> None:
    pcm = render_pcm(TEXT)
    server = ScriptedServer(
        json_answer={
            "output": {"finish_reason": "stop", "audio": {"data": base64.b64encode(pcm).decode()}},
            "usage": {"characters": 16},
        }
    )
    await server.start()
    try:
        client = DashScopeClient(http, "demo-key", Endpoint.from_base_url(server.base_url))
        result = await client.synthesize(
            SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry")
        )
    finally:
        await server.stop()
    assert _read_wav(result.audio) == (24000, 1, 2, pcm)


async def test_an_answer_without_audio_raises_protocol_error(
    http: aiohttp.ClientSession,
) -> None:
    server = ScriptedServer(json_answer={"output": {"finish_reason": "stop"}, "request_id": "r2"})
    await server.start()
    try:
        client = DashScopeClient(http, "demo-key", Endpoint.from_base_url(server.base_url))
        with pytest.raises(ProtocolError) as caught:
            await client.synthesize(
                SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry")
            )
    finally:
        await server.stop()
    assert caught.value.request_id == "r2"


@pytest.mark.parametrize("response_format", ["pcm", "mp3"])
async def test_a_success_without_any_audio_raises_protocol_error(
    client: DashScopeClient, emulator: DashScopeEmulator, response_format: Literal["pcm", "mp3"]
) -> None:
    emulator.empty_audio = True
    with pytest.raises(ProtocolError):
        await client.synthesize(
            SynthesisRequest(
                model="qwen3-tts-flash",
                text=TEXT,
                voice="Cherry",
                response_format=response_format,
            )
        )
    assert len(emulator.requests_of("download")) == 1


async def test_a_wav_without_samples_names_the_request(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.empty_audio = True
    with pytest.raises(ProtocolError) as caught:
        await client.synthesize(
            SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry")
        )
    assert caught.value.request_id
    assert "no samples" in caught.value.message


# Malformed or refusing answers (a scripted server)

REQUEST = SynthesisRequest(model="qwen3-tts-flash", text=TEXT, voice="Cherry")


async def test_an_error_code_inside_a_200_answer_raises_its_class(
    http: aiohttp.ClientSession,
) -> None:
    answer = {"code": "Arrearage", "message": "Account in arrears.", "request_id": "r5"}
    async with ScriptedServer(json_answer=answer) as server:
        with pytest.raises(AccountError) as caught:
            await server.client(http).synthesize(REQUEST)
    assert (caught.value.code, caught.value.request_id) == ("Arrearage", "r5")
    assert caught.value.message == "Account in arrears."


@pytest.mark.parametrize(
    "body", [b"<html><body>Gateway login</body></html>", b'["not", "an", "object"]']
)
async def test_an_answer_that_is_not_a_json_object_raises_protocol_error(
    http: aiohttp.ClientSession, body: bytes
) -> None:
    async with ScriptedServer(raw_answer=body) as server:
        with pytest.raises(ProtocolError):
            await server.client(http).synthesize(REQUEST)


async def test_an_audio_url_that_is_not_http_is_not_fetched(http: aiohttp.ClientSession) -> None:
    answer = {"output": {"audio": {"url": "file:///etc/passwd"}}, "request_id": "r6"}
    async with ScriptedServer(json_answer=answer) as server:
        with pytest.raises(ProtocolError):
            await server.client(http).synthesize(REQUEST)
        assert len(server.requests) == 1


async def test_an_unreadable_wav_raises_protocol_error(http: aiohttp.ClientSession) -> None:
    fmt_without_channels = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 0, 24000, 48000, 2, 16)
    wav = b"RIFF" + struct.pack("<I", 0x7FFFFFFF) + b"WAVE" + fmt_without_channels + b"data"
    server = ScriptedServer(download=wav + struct.pack("<I", 0x7FFFFFFF) + bytes(100))
    async with server:
        server.json_answer = {"output": {"audio": {"url": server.download_url}}}
        with pytest.raises(ProtocolError) as caught:
            await server.client(http).synthesize(REQUEST)
    assert "unreadable WAV" in caught.value.message
