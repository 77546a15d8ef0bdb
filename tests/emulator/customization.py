"""Voice enrollment (cloning) and voice design: ``POST /api/v1/services/audio/tts/customization``."""

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .audio import SampleRejectedError, check_sample, encode_mp3, render_pcm, wav_bytes
from .catalogue import CLONE_TARGETS, DESIGN_MODEL, DESIGN_TARGETS, ENROLLMENT_MODEL, SAMPLE_RATES
from .misbehaviour import html_page
from .store import DESIGN, ENROLLMENT, listed, new_voice_entry, new_voice_id, request_id, voice_kind
from .synthesis import RejectedError
from .wire import dumps

if TYPE_CHECKING:
    from .server import DashScopeEmulator

NAME_PATTERN = re.compile(r"[A-Za-z0-9_]{1,16}")
DATA_URI = re.compile(r"data:(?P<mime>[\w.+/-]+)?(?:;[\w=.-]+)*;base64,(?P<data>.*)", re.DOTALL)
MAX_DATA_URI_CHARS = 10 * 1024 * 1024
MAX_VOICE_PROMPT = 2048
PREVIEW_TEXT_RANGE = (15, 1024)
DESIGN_FORMATS = ("wav", "mp3", "pcm")


def _invalid(message: str) -> RejectedError:
    return RejectedError(400, "InvalidParameter", message)


def _ok(output: dict[str, Any] | None, count: int, rid: str) -> web.Response:
    body: dict[str, Any] = {}
    if output is not None:
        body["output"] = output
    body["usage"] = {"count": count}
    body["request_id"] = rid
    return web.json_response(body, dumps=dumps)


async def handle_customization(emu: DashScopeEmulator, request: web.Request) -> web.StreamResponse:
    """Enrollment (``qwen-voice-enrollment``) and design (``qwen-voice-design``) actions."""
    record, body = await emu.open_request(
        request, lambda model: DESIGN if model == DESIGN_MODEL else ENROLLMENT
    )
    model, kind = record.model, record.kind
    rid = request_id()
    if (refusal := await emu.admit(request, record, rid)) is not None:
        return refusal
    if emu.customization_html:
        return html_page()
    try:
        if not isinstance(body, dict):
            raise _invalid("The request body is not valid JSON.")
        if model not in (ENROLLMENT_MODEL, DESIGN_MODEL):
            raise RejectedError(404, "ModelNotFound", "Model not exist.")
        inputs = body.get("input")
        if not isinstance(inputs, dict):
            raise _invalid("input must be an object.")
        return _dispatch(emu, kind, inputs, body.get("parameters") or {}, rid)
    except RejectedError as err:
        return emu.error_response(err.status, err.code, err.message, rid)


def _dispatch(
    emu: DashScopeEmulator, kind: str, inputs: dict[str, Any], params: Any, rid: str
) -> web.Response:
    action = inputs.get("action")
    if action == "create" and kind == ENROLLMENT:
        return _ok(_enroll(emu, inputs), 1, rid)
    if action == "create":
        return _ok(_design(emu, inputs, params if isinstance(params, dict) else {}), 1, rid)
    if action == "list":
        return _ok(_list(emu, kind, inputs), 0, rid)
    if action == "query" and kind == DESIGN:
        return _ok(_stored(emu, kind, inputs), 0, rid)
    if action == "delete":
        voice = _stored(emu, kind, inputs)["voice"]
        del emu.voices[voice]
        return _ok(None, 0, rid)
    raise _invalid(f"Unsupported action: {action}")


def _name(inputs: dict[str, Any]) -> str:
    name = inputs.get("preferred_name")
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise _invalid("preferred_name must be 1-16 characters of letters, digits and underscores.")
    return name


def _target(inputs: dict[str, Any], allowed: frozenset[str]) -> str:
    target = inputs.get("target_model")
    if target not in allowed:
        raise _invalid(f"Unsupported target_model: {target}")
    return str(target)


def _check_audio(audio: Any) -> None:
    data = audio.get("data") if isinstance(audio, dict) else None
    if not isinstance(data, str) or not data:
        raise _invalid("audio.data is required.")
    if data.startswith(("http://", "https://")):
        return
    match = DATA_URI.fullmatch(data)
    if match is None:
        raise _invalid("audio.data must be a data URI or an http(s) URL.")
    if len(data) > MAX_DATA_URI_CHARS:
        raise _invalid("The audio data exceeds 10 MB.")
    try:
        raw = base64.b64decode(match["data"], validate=True)
    except (binascii.Error, ValueError) as err:
        raise RejectedError(400, "Audio.DecoderError", "Failed to decode the audio data.") from err
    try:
        check_sample(raw)
    except SampleRejectedError as err:
        raise RejectedError(400, err.code, err.message) from err


def _enroll(emu: DashScopeEmulator, inputs: dict[str, Any]) -> dict[str, Any]:
    target = _target(inputs, CLONE_TARGETS)
    name = _name(inputs)
    _check_audio(inputs.get("audio"))
    voice = new_voice_id(ENROLLMENT, name, emu.voices)
    emu.voices[voice] = new_voice_entry(voice, target, language=inputs.get("language"))
    return {"voice": voice, "target_model": target}


def _design(
    emu: DashScopeEmulator, inputs: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    target = _target(inputs, DESIGN_TARGETS)
    prompt = inputs.get("voice_prompt")
    if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > MAX_VOICE_PROMPT:
        raise _invalid(f"voice_prompt must be 1-{MAX_VOICE_PROMPT} characters.")
    preview = inputs.get("preview_text")
    low, high = PREVIEW_TEXT_RANGE
    if not isinstance(preview, str) or not low <= len(preview) <= high:
        raise _invalid(f"preview_text must be {low}-{high} characters.")
    name = _name(inputs)
    rate = params.get("sample_rate", 24000)
    audio_format = params.get("response_format", "wav")
    if rate not in SAMPLE_RATES or audio_format not in DESIGN_FORMATS:
        raise _invalid("Unsupported sample_rate or response_format.")
    pcm = render_pcm(preview, rate)
    audio = (
        encode_mp3(pcm, rate)
        if audio_format == "mp3"
        else pcm
        if audio_format == "pcm"
        else wav_bytes(pcm, rate)
    )
    voice = new_voice_id(DESIGN, name, emu.voices)
    emu.voices[voice] = new_voice_entry(
        voice,
        target,
        language=inputs.get("language"),
        voice_prompt=prompt,
        preview_text=preview,
    )
    return {
        "voice": voice,
        "target_model": target,
        "preview_audio": {
            "data": base64.b64encode(audio).decode(),
            "sample_rate": rate,
            "response_format": audio_format,
        },
    }


def _own_voices(emu: DashScopeEmulator, kind: str) -> list[dict[str, Any]]:
    """The voices this action family manages, newest first."""
    return [
        listed(voice, entry)
        for voice, entry in reversed(emu.voices.items())
        if voice_kind(voice, entry) == kind
    ]


def _list(emu: DashScopeEmulator, kind: str, inputs: dict[str, Any]) -> dict[str, Any]:
    page_index = inputs.get("page_index", 0)
    page_size = inputs.get("page_size", 10)
    if (
        not isinstance(page_index, int)
        or not isinstance(page_size, int)
        or not 0 <= page_index <= 1_000_000
        or not 0 <= page_size <= 1_000_000
    ):
        raise _invalid("page_index and page_size must be integers in [0, 1000000].")
    voices = _own_voices(emu, kind)
    start = page_index * page_size
    return {
        "voice_list": voices[start : start + page_size],
        "page_index": page_index,
        "page_size": page_size,
        "total_count": len(voices),
    }


def _stored(emu: DashScopeEmulator, kind: str, inputs: dict[str, Any]) -> dict[str, Any]:
    voice = inputs.get("voice")
    if not isinstance(voice, str) or not voice:
        raise _invalid("voice is required.")
    entry = emu.voices.get(voice)
    if entry is None or voice_kind(voice, entry) != kind:
        raise RejectedError(400, "BadRequest.VoiceNotFound", f"Voice not found: {voice}")
    return listed(voice, entry)
