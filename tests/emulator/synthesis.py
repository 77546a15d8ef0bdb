"""HTTP synthesis: non-streaming (JSON + audio URL), SSE streaming, and the audio download."""

import base64
from collections.abc import Mapping
from dataclasses import dataclass
import secrets
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .audio import encode_mp3, pcm_seconds, render_pcm, stream_chunks, wav_bytes
from .catalogue import (
    HTTP_FORMATS,
    HTTP_MODELS,
    SAMPLE_RATES,
    billed_characters,
    is_account_voice_model,
    text_limit_error,
)
from .faults import default_message, status_for_code
from .misbehaviour import forever, reset_connection, tone
from .pacing import Pacer, generation_delay
from .store import DOWNLOAD, SYNTHESIS_STREAM, RecordedRequest, request_id
from .wire import SSE_CONTENT_TYPE, dumps, error_body, sse_frame

if TYPE_CHECKING:
    from .server import DashScopeEmulator

URL_LIFETIME = 24 * 3600


class RejectedError(Exception):
    """A request the service refuses with ``status`` and ``code``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        """Keep the status, code and message."""
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _invalid(message: str) -> RejectedError:
    return RejectedError(400, "InvalidParameter", message)


@dataclass(frozen=True, slots=True)
class SynthesisJob:
    """A validated synthesis request."""

    model: str
    text: str
    voice: str
    audio_format: str
    sample_rate: int

    @property
    def characters(self) -> int:
        """``usage.characters`` of the request."""
        return billed_characters(self.text)

    def pcm(self) -> bytes:
        """The audio of the text."""
        return render_pcm(self.text, self.sample_rate)


def voice_allowed(
    model: str, voice: str, system_voices: frozenset[str], account: Mapping[str, Any]
) -> bool:
    """System voices for system models; for vc/vd models only account voices made for it."""
    if is_account_voice_model(model):
        entry = account.get(voice)
        return entry is not None and entry.get("target_model") == model
    return voice in system_voices


def parse_job(body: dict[str, Any] | None, account: Mapping[str, Any]) -> SynthesisJob:
    """Validate a synthesis body like the service does."""
    if not isinstance(body, dict):
        raise _invalid("The request body is not valid JSON.")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise _invalid("Model is required.")
    if model not in HTTP_MODELS:
        raise RejectedError(404, "ModelNotFound", default_message("ModelNotFound"))
    inputs = body.get("input")
    params = body.get("parameters") or {}
    if not isinstance(inputs, dict) or not isinstance(params, dict):
        raise _invalid("input must be an object.")
    text = inputs.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _invalid("Input text is empty.")
    if (reason := text_limit_error(model, text)) is not None:
        raise _invalid(reason)
    voice = inputs.get("voice")
    if not isinstance(voice, str) or not voice_allowed(model, voice, HTTP_MODELS[model], account):
        raise _invalid("Invalid voice specified")
    audio_format = params.get("response_format", inputs.get("format", "pcm"))
    if audio_format not in HTTP_FORMATS:
        raise _invalid(f"Unsupported response_format: {audio_format}")
    rate = params.get("sample_rate", inputs.get("sample_rate", 24000))
    if rate not in SAMPLE_RATES:
        raise _invalid(f"Unsupported sample_rate: {rate}")
    return SynthesisJob(model, text, voice, str(audio_format), int(rate))


def _audio_file(job: SynthesisJob, pcm: bytes) -> tuple[bytes, str]:
    """The file behind ``output.audio.url``: MP3 when asked (empty without audio), else WAV
    with bogus sizes."""
    if job.audio_format == "mp3":
        return (encode_mp3(pcm, job.sample_rate) if pcm else b""), "mp3"
    return wav_bytes(pcm, job.sample_rate, bogus=True), "wav"


def _audio_out(url: str, audio_id: str) -> dict[str, Any]:
    return {
        "data": "",
        "url": url,
        "id": audio_id,
        "expires_at": int(time.time()) + URL_LIFETIME,
    }


async def handle_synthesis(
    emu: DashScopeEmulator,
    request: web.Request,
    record: RecordedRequest,
    body: dict[str, Any] | None,
) -> web.StreamResponse:
    """``POST /api/v1/services/aigc/multimodal-generation/generation`` with a TTS model (its
    ``body`` as the server read it): a whole file, or an SSE stream (``synthesis_stream``)."""
    stream = record.kind == SYNTHESIS_STREAM
    rid = request_id()
    if (refusal := await emu.admit(request, record, rid, sse=stream)) is not None:
        return refusal
    try:
        job = parse_job(body, emu.voices)
    except RejectedError as err:
        return emu.error_response(err.status, err.code, err.message, rid, sse=stream)
    if stream:
        return await _stream(emu, request, record, job, rid)
    pcm = b"" if emu.empty_audio else job.pcm()
    await generation_delay(emu, pcm_seconds(pcm, job.sample_rate))
    data, extension = _audio_file(job, pcm)
    url = emu.publish(data, extension)
    record.billed += job.characters
    return web.json_response(
        {
            "output": {
                "text": None,
                "finish_reason": "stop",
                "choices": None,
                "audio": _audio_out(url, f"audio_{rid}"),
            },
            "usage": {"characters": job.characters},
            "request_id": rid,
        },
        dumps=dumps,
    )


async def _stream(
    emu: DashScopeEmulator,
    request: web.Request,
    record: RecordedRequest,
    job: SynthesisJob,
    rid: str,
) -> web.StreamResponse:
    response = web.StreamResponse(
        status=200, headers={"Content-Type": SSE_CONTENT_TYPE, "Cache-Control": "no-cache"}
    )
    try:
        await response.prepare(request)
        if emu.sse_trickle is not None:
            await forever(emu.sse_trickle, lambda: response.write(b":"))
        elif emu.endless_audio is not None:
            await _send_endless(emu, response, record, job, rid)
        else:
            await _send_stream(emu, request, response, record, job=job, rid=rid)
    except ConnectionError:  # the client stopped reading: nothing more to send, no error
        record.client_left = True
    return response


async def _send_endless(
    emu: DashScopeEmulator,
    response: web.StreamResponse,
    record: RecordedRequest,
    job: SynthesisJob,
    rid: str,
) -> None:
    """Audio frames that never end (``endless_audio``)."""
    assert emu.endless_audio is not None
    frame = _audio_frame(tone(job.sample_rate), f"audio_{rid}", rid)
    frame_id = 0

    async def send() -> None:
        nonlocal frame_id
        frame_id += 1
        await response.write(sse_frame(frame_id, frame, newline=emu.sse_line_ending))
        record.audio_sent(emu.now())

    await forever(emu.endless_audio, send)


def _audio_frame(data: bytes, audio_id: str, rid: str) -> dict[str, Any]:
    return {
        "output": {
            "finish_reason": "null",
            "audio": {
                "data": base64.b64encode(data).decode(),
                "id": audio_id,
                "expires_at": int(time.time()) + URL_LIFETIME,
            },
        },
        "request_id": rid,
    }


async def _send_stream(
    emu: DashScopeEmulator,
    request: web.Request,
    response: web.StreamResponse,
    record: RecordedRequest,
    *,
    job: SynthesisJob,
    rid: str,
) -> None:
    """The frames of one SSE stream: audio chunks, then the stop frame (or a fault)."""
    newline = emu.sse_line_ending
    pcm = b"" if emu.empty_audio else job.pcm()
    chunks = (
        stream_chunks(pcm, job.sample_rate, job.audio_format, leading_riff=emu.leading_riff)
        if pcm
        else []
    )
    audio_id = f"audio_{rid}"
    pacer = Pacer(emu, record, lambda: request.transport is None or request.transport.is_closing())
    frame_id = 0
    for index in range(len(chunks) + 1):
        if emu.sse_error_after is not None and index == min(emu.sse_error_after, len(chunks)):
            code = emu.sse_error_code
            status = status_for_code(code)
            message = emu.sse_error_message or default_message(code)
            frame_id += 1
            error = sse_frame(
                frame_id, error_body(code, message, rid), status=status, newline=newline
            )
            await response.write(error)
            break
        if emu.sse_cut_after is not None and index == min(emu.sse_cut_after, len(chunks)):
            break
        if emu.sse_reset_after is not None and index == min(emu.sse_reset_after, len(chunks)):
            reset_connection(request)
            raise ConnectionResetError("reset by the emulator")
        if index == len(chunks):
            data, extension = (
                (b"".join(c.data for c in chunks), "mp3")
                if job.audio_format == "mp3"
                else _audio_file(job, pcm)
            )
            url = emu.publish(data, extension)
            frame_id += 1
            final = {
                "output": {"finish_reason": "stop", "audio": _audio_out(url, audio_id)},
                "usage": {"characters": job.characters},
                "request_id": rid,
            }
            await response.write(sse_frame(frame_id, final, newline=newline))
            record.billed += job.characters
            break
        chunk = chunks[index]
        await pacer.wait_turn()
        frame_id += 1
        payload = _audio_frame(chunk.data, audio_id, rid)
        await response.write(sse_frame(frame_id, payload, newline=newline))
        pacer.sent(chunk.seconds)
    await response.write_eof()


def _oss_error(status: int, code: str, message: str) -> web.Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n'
        f"  <Code>{code}</Code>\n  <Message>{message}</Message>\n"
        f"  <RequestId>{secrets.token_hex(12).upper()}</RequestId>\n</Error>\n"
    )
    return web.Response(status=status, text=body, content_type="application/xml")


async def handle_download(emu: DashScopeEmulator, request: web.Request) -> web.StreamResponse:
    """``GET`` a published audio file (OSS-like: signed URL, no DashScope auth)."""
    record = emu.record(request, DOWNLOAD, None, None, emu.now())
    await emu.response_pause()
    if (failure := emu.take_failure(DOWNLOAD)) is not None:
        return _oss_error(failure.status, failure.code, failure.message)
    if emu.download_rejects_auth and "Authorization" in request.headers:
        return _oss_error(
            400,
            "InvalidArgument",
            "Authorization header is invalid for a pre-signed URL.",
        )
    found = emu.published(request.match_info["name"])
    if found is None:
        return _oss_error(404, "NoSuchKey", "The specified key does not exist.")
    data, content_type = found
    response = web.Response(body=data, content_type=content_type)
    record.audio_sent(emu.now())
    return response
