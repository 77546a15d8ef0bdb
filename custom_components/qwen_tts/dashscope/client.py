"""The DashScope client: SSE synthesis, recognition, realtime sessions, voice enrollment and
design."""

import base64
import binascii
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import override

import aiohttp

from .bounds import ProgressWatch, StreamBounds, audio_byte_rate, read_answer
from .endpoint import Endpoint
from .enrollment import (
    DESIGN_MODEL,
    ENROLLMENT_MODEL,
    data_uri,
    is_mp3,
    model_for_voice,
    parse_voice,
    parse_voice_list,
)
from .errors import (
    IncompleteAudioError,
    InvalidRequestError,
    ProtocolError,
    VoiceNotFoundError,
    map_error_body,
)
from .http import (
    JsonObject,
    as_int,
    as_object,
    as_str,
    auth_headers,
    error_from_http,
    parse_json_object,
    transport_errors,
)
from .models import (
    DEFAULT_SAMPLE_RATE,
    AccountVoice,
    DesignedVoice,
    RecognitionRequest,
    SpeechSettings,
    Transcript,
    TranscriptionSettings,
    Usage,
    UsageCallback,
    VoiceKind,
)
from .realtime import RealtimeSession
from .recognition import parse_transcript, recognition_payload
from .sse import SSEFrame, SSEParser
from .transcription import ANSWER_TIMEOUT, TranscriptionSession
from .wav import (
    LeadingHeaderStripper,
    WavFormatError,
    is_riff,
    pcm_to_wav,
    repair_wav,
)

LIST_PAGE_SIZE = 100
# What a customization action is, in the words of the one who asked for it.
_CUSTOMIZATION_WHAT = {
    "list": "the voice list",
    "create": "creating the voice",
    "delete": "deleting the voice",
}
# One SSE event carries a fraction of a second of audio (tens of kB of base64).
MAX_FRAME_SIZE = 4 * 1024 * 1024
_MAX_PAGES = 1000
_NOT_FINISHED = (None, "", "null")


def _synthesis_payload(settings: SpeechSettings, text: str) -> JsonObject:
    """The JSON body of an SSE synthesis of ``text``; parameters that are not set are omitted.

    Source: qwen-tts-api.md (``input``: text, voice, language_type; ``parameters``).
    """
    return {
        "model": settings.model,
        "input": {
            "text": text,
            "voice": settings.voice,
            "language_type": settings.language_type,
            # The SDK 2.x client sends the format here; the service also reads ``parameters``.
            "format": settings.response_format,
            "sample_rate": settings.sample_rate,
        },
        "parameters": {
            **settings.optional_parameters(),
            "response_format": settings.response_format,
            "sample_rate": settings.sample_rate,
        },
    }


async def _sse_frames(
    resp: aiohttp.ClientResponse, watch: ProgressWatch
) -> AsyncGenerator[SSEFrame]:
    """The frames of an event stream as they arrive (a last one without its blank line too).

    Every read waits within the watch's bounds; a connection that breaks off raises
    ``IncompleteAudioError``, a frame that outgrows ``MAX_FRAME_SIZE`` ``ProtocolError``.
    """
    parser = SSEParser()
    while True:
        try:
            chunk = await watch.wait(resp.content.readany())
        except (aiohttp.ClientError, OSError) as err:
            raise IncompleteAudioError(
                f"{watch.what}: the connection broke off ({type(err).__name__})"
            ) from None
        if not chunk:
            break
        for frame in parser.feed(chunk):
            yield frame
        if parser.pending > MAX_FRAME_SIZE:
            raise ProtocolError(f"{watch.what}: an event larger than {MAX_FRAME_SIZE} bytes")
    if (last := parser.close()) is not None:
        yield last


def _created_count(answer: JsonObject) -> int:
    """Voices a ``create`` answer bills (``usage.count``; one when not reported)."""
    return as_int(as_object(answer.get("usage")).get("count")) or 1


class DashScopeClient:
    """Talks to one DashScope endpoint with one API key over the caller's aiohttp session.

    Every failure is raised as a ``DashScopeError`` subclass (see ``errors.py``); the API
    key never appears in an exception or a log message.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        endpoint: Endpoint,
        *,
        request_timeout: float = 60.0,
        stream_bounds: StreamBounds | None = None,
        on_usage: UsageCallback | None = None,
    ) -> None:
        """Keep the session, key and endpoint; nothing is sent until a method is called.

        ``request_timeout`` bounds a whole JSON call (and a realtime handshake,
        together with ``stream_bounds.first_audio``); ``stream_bounds`` bounds the waits and
        the audio of SSE and realtime synthesis (see ``StreamBounds``). ``on_usage`` hears
        what each call used (see ``Usage``): a synthesis request once the service answered
        it, the characters it billed, a voice once created.
        """
        self._on_usage = on_usage
        self._session = session
        self._api_key = api_key
        self.endpoint = endpoint
        self._timeout = request_timeout
        self.stream_bounds = stream_bounds or StreamBounds()

    # -- plumbing -------------------------------------------------------------------------

    def _used(self, requests: int = 0, characters: int = 0, voices: int = 0) -> None:
        if self._on_usage is not None:
            self._on_usage(Usage(requests=requests, characters=characters, voices=voices))

    def _auth_headers(self) -> dict[str, str]:
        return auth_headers(self._api_key)

    async def _post_json(self, url: str, payload: JsonObject, what: str) -> JsonObject:
        """POST JSON with the key; return the JSON answer or raise the mapped error."""
        timeout = aiohttp.ClientTimeout(total=self._timeout)
        with transport_errors(what, self._api_key):
            async with self._session.post(
                url, json=payload, headers=self._auth_headers(), timeout=timeout
            ) as resp:
                body = await read_answer(resp, what)
                if resp.status >= 400:
                    raise error_from_http(resp.status, resp.reason, body, secret=self._api_key)
                data = parse_json_object(body, what)
        if as_str(data.get("code")):  # an error inside an HTTP 200 answer
            raise map_error_body(data, status=resp.status, secret=self._api_key)
        return data

    async def _customize(
        self, model: str, action_input: JsonObject, parameters: JsonObject | None = None
    ) -> JsonObject:
        payload: JsonObject = {"model": model, "input": action_input}
        if parameters:
            payload["parameters"] = parameters
        action = str(action_input.get("action"))
        what = _CUSTOMIZATION_WHAT.get(action, action) + f" ({model} {action})"
        return await self._post_json(self.endpoint.customization_url, payload, what)

    # -- account ----------------------------------------------------------------------------

    async def validate_key(self) -> None:
        """Check the key with a free call (enrollment ``list``, page_size 1)."""
        await self._customize(ENROLLMENT_MODEL, {"action": "list", "page_index": 0, "page_size": 1})

    # -- HTTP synthesis -----------------------------------------------------------------------

    async def stream_synthesis(self, settings: SpeechSettings, text: str) -> AsyncGenerator[bytes]:
        """SSE synthesis: yield PCM (or MP3) bytes as frames arrive.

        Raises the mapped error of an error frame, or of an answer that is not an event
        stream (``ProtocolError`` when it tells none: a web page, other JSON);
        ``IncompleteAudioError`` when the stream breaks off or ends without
        ``finish_reason: "stop"``, or finishes without any audio;
        ``StalledStreamError`` when a wait exceeds ``stream_bounds`` (first audio, gap,
        overall by the text's length); ``AudioLimitError`` when more audio arrives than the
        text can take. The connection is closed on every failure.

        A RIFF header in front of the first audio is removed, so ``pcm``/``wav`` requests
        yield bare s16le mono PCM at ``settings.sample_rate``. Close the generator
        (``aclose()``, or ``contextlib.aclosing``) when stopping early: that releases the
        HTTP response at once.
        """
        payload = _synthesis_payload(settings, text)
        headers = {
            **self._auth_headers(),
            "X-DashScope-SSE": "enable",
            "Accept": "text/event-stream",
        }
        bounds = self.stream_bounds
        what = f"streaming synthesis with {settings.model}"
        watch = bounds.watch(
            what,
            characters=len(text),
            byte_rate=audio_byte_rate(settings.response_format, settings.sample_rate),
        )
        # The watch bounds every wait; aiohttp's own read timeout restarts with each byte.
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=bounds.first_audio)
        stripper = None if settings.response_format == "mp3" else LeadingHeaderStripper()
        finished = heard = False
        request_id: str | None = None
        voice = settings.voice  # named by a refusal of the voice
        with transport_errors(what, self._api_key):
            resp = await watch.wait(
                self._session.post(
                    self.endpoint.synthesis_url, json=payload, headers=headers, timeout=timeout
                )
            )
        self._used(requests=1)
        billed = 0
        try:
            with transport_errors(what, self._api_key):
                if resp.status >= 400:
                    body = await watch.wait(read_answer(resp, what))
                    raise error_from_http(
                        resp.status, resp.reason, body, secret=self._api_key, voice=voice
                    )
                if resp.content_type != "text/event-stream":  # not a stream: an answer
                    data = parse_json_object(await watch.wait(read_answer(resp, what)), what)
                    raise (
                        map_error_body(data, status=resp.status, secret=self._api_key, voice=voice)
                        if as_str(data.get("code"))
                        else ProtocolError(f"{what}: the service did not open an event stream")
                    )
            async with aclosing(_sse_frames(resp, watch)) as frames:
                async for frame in frames:
                    audio, finished, request_id, characters = self._sse_frame(
                        frame, resp.status, voice
                    )
                    billed = characters if characters is not None else billed
                    if stripper is not None and audio:
                        audio = stripper.feed(audio)
                    if audio:
                        watch.received(len(audio))
                        heard = True
                        yield audio
                    if finished:
                        # The final frame's usage covers the whole request.
                        self._used(characters=billed)
                        break
        finally:
            if not finished:
                resp.close()  # stopped early or failed: drop the connection now
            resp.release()
        if not finished:
            raise IncompleteAudioError(
                f"{what}: the stream ended before the final frame", request_id=request_id
            )
        if not heard:
            raise IncompleteAudioError(
                f"{what}: the stream finished without any audio", request_id=request_id
            )

    def _sse_frame(
        self, frame: SSEFrame, http_status: int, voice: str
    ) -> tuple[bytes, bool, str | None, int | None]:
        """Decode one frame of a synthesis with ``voice``: (audio bytes, whether it is the
        final ``stop`` frame, request id, the ``usage.characters`` it reports)."""
        if not frame.data.strip():
            if frame.is_error:
                raise map_error_body(
                    {"message": "the service sent an error frame"},
                    status=frame.status or http_status,
                    secret=self._api_key,
                    voice=voice,
                )
            return b"", False, None, None
        data = parse_json_object(frame.data, "streaming synthesis")
        if frame.is_error or as_str(data.get("code")):
            status = frame.status if frame.status and frame.status >= 400 else None
            raise map_error_body(data, status=status, secret=self._api_key, voice=voice)
        output = as_object(data.get("output"))
        encoded = as_str(as_object(output.get("audio")).get("data"))
        audio = self._b64(encoded, "streaming synthesis") if encoded else b""
        request_id = as_str(data.get("request_id"))
        reason = output.get("finish_reason")
        if reason not in (*_NOT_FINISHED, "stop"):
            raise ProtocolError(
                f"the stream finished with reason {reason!r}", request_id=request_id
            )
        characters = as_int(as_object(data.get("usage")).get("characters"))
        return audio, reason == "stop", request_id, characters

    @staticmethod
    def _b64(encoded: str, what: str) -> bytes:
        try:
            return base64.b64decode(encoded, validate=False)
        except binascii.Error, ValueError:
            raise ProtocolError(f"{what}: audio that is not base64") from None

    # -- recognition ----------------------------------------------------------------------------

    async def recognize(self, request: RecognitionRequest) -> Transcript:
        """Recognise one audio file synchronously (``qwen3-asr-flash``); see ``recognition.py``.

        The request timeout bounds the whole call, upload included. Raises
        ``InvalidRequestError`` for audio larger than a request holds (10 MB data URI)
        before sending anything, and the mapped ``DashScopeError`` for every failure. A
        transcript with an empty ``text`` means no speech was recognised.
        """
        try:
            payload = recognition_payload(request)
        except ValueError as err:
            raise InvalidRequestError(str(err)) from None
        data = await self._post_json(
            self.endpoint.recognition_url,
            payload,
            f"recognition with {request.model}",
        )
        return parse_transcript(data)

    def transcription_session(
        self, settings: TranscriptionSettings, *, answer_timeout: float = ANSWER_TIMEOUT
    ) -> TranscriptionSession:
        """Return an (unopened) realtime recognition session; use it with ``async with``.

        The request timeout bounds connecting and the handshake; ``answer_timeout`` each wait
        for the transcript once the audio ended (see ``TranscriptionSession``).
        """
        return TranscriptionSession(
            self._session,
            self.endpoint.ws_url,
            self._api_key,
            settings,
            timeout=self._timeout,
            answer_timeout=answer_timeout,
        )

    # -- realtime -------------------------------------------------------------------------------

    def realtime_session(self, settings: SpeechSettings) -> RealtimeSession:
        """Return an (unopened) realtime WebSocket session; use it with ``async with``.

        Its waits and audio are bounded by ``stream_bounds`` (see ``RealtimeSession``).
        """
        return RealtimeSession(
            self._session,
            self.endpoint.ws_url,
            self._api_key,
            settings,
            timeout=self._timeout,
            bounds=self.stream_bounds,
            on_usage=self._on_usage,
        )

    # -- voices -----------------------------------------------------------------------------

    async def _list_all(
        self, model: str, kind: VoiceKind, page_size: int
    ) -> dict[str, AccountVoice]:
        voices: dict[str, AccountVoice] = {}
        seen = 0
        for page_index in range(_MAX_PAGES):
            data = await self._customize(
                model, {"action": "list", "page_index": page_index, "page_size": page_size}
            )
            output = as_object(data.get("output"))
            raw = output.get("voice_list")
            page = parse_voice_list(output, kind)
            for voice in page:
                voices.setdefault(voice.voice, voice)
            count = len(raw) if isinstance(raw, list) else 0
            seen += count
            total = as_int(output.get("total_count"))
            if count == 0 or (seen >= total if total is not None else count < page_size):
                break
        return voices

    async def list_voices(self, *, page_size: int = LIST_PAGE_SIZE) -> list[AccountVoice]:
        """All cloned and designed voices of the account (all pages of both lists)."""
        cloned = await self._list_all(ENROLLMENT_MODEL, VoiceKind.CLONED, page_size)
        designed = await self._list_all(DESIGN_MODEL, VoiceKind.DESIGNED, page_size)
        return [*cloned.values(), *(v for k, v in designed.items() if k not in cloned)]

    async def create_cloned_voice(
        self,
        *,
        name: str,
        target_model: str,
        audio: bytes | None = None,
        mime_type: str | None = None,
        url: str | None = None,
        text: str | None = None,
        language: str | None = None,
    ) -> AccountVoice:
        """Clone a voice from sample bytes (sent as a data URI) or a public URL.

        ``mime_type`` defaults to one sniffed from the bytes (``audio/wav``, ``audio/mpeg``,
        ``audio/mp4``). Exactly one of ``audio`` and ``url`` must be given.
        """
        if (audio is None) == (url is None):
            raise ValueError("give exactly one of audio or url")
        sample = data_uri(audio, mime_type) if audio is not None else url
        action_input: JsonObject = {
            "action": "create",
            "target_model": target_model,
            "preferred_name": name,
            "audio": {"data": sample},
        }
        if text:
            action_input["text"] = text
        if language:
            action_input["language"] = language
        data = await self._customize(ENROLLMENT_MODEL, action_input)
        output = as_object(data.get("output"))
        return self._created(
            data, output, VoiceKind.CLONED, name=name, target_model=target_model, language=language
        )

    async def design_voice(
        self,
        *,
        name: str,
        description: str,
        preview_text: str,
        target_model: str,
        language: str | None = None,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
    ) -> DesignedVoice:
        """Design a voice from a description; returns the voice and its WAV preview."""
        action_input: JsonObject = {
            "action": "create",
            "target_model": target_model,
            "voice_prompt": description,
            "preview_text": preview_text,
            "preferred_name": name,
        }
        if language:
            action_input["language"] = language
        data = await self._customize(
            DESIGN_MODEL,
            action_input,
            {"sample_rate": sample_rate, "response_format": "wav"},
        )
        output = as_object(data.get("output"))
        preview = as_object(output.pop("preview_audio", None))
        voice = self._created(
            data,
            output,
            VoiceKind.DESIGNED,
            name=name,
            target_model=target_model,
            language=language,
        )
        preview_format = as_str(preview.get("response_format")) or "wav"
        preview_rate = as_int(preview.get("sample_rate")) or sample_rate
        encoded = as_str(preview.get("data"))
        audio = self._b64(encoded, "voice design preview") if encoded else b""
        if audio and is_riff(audio):
            try:
                audio, layout = repair_wav(audio)
            except WavFormatError as err:
                raise ProtocolError(f"unreadable preview WAV: {err}") from None
            preview_rate = layout.sample_rate
            preview_format = "wav"
        elif audio and preview_format in ("wav", "pcm") and not is_mp3(audio):
            audio, preview_format = pcm_to_wav(audio, preview_rate), "wav"
        return DesignedVoice(
            voice=voice,
            preview_audio=audio,
            preview_format=preview_format,
            preview_sample_rate=preview_rate,
            request_id=as_str(data.get("request_id")),
        )

    def _created(
        self,
        answer: JsonObject,
        output: JsonObject,
        kind: VoiceKind,
        *,
        name: str,
        target_model: str,
        language: str | None,
    ) -> AccountVoice:
        """The voice a ``create`` answer made (counted as used); ``ProtocolError`` when it
        holds no voice id."""
        self._used(voices=_created_count(answer))
        voice = parse_voice(
            {"language": language, **output},
            kind,
            fallback_model=target_model,
            fallback_name=name,
        )
        if voice is None:
            what = "enrollment" if kind is VoiceKind.CLONED else "design"
            raise ProtocolError(
                f"the {what} answer holds no voice id", request_id=as_str(answer.get("request_id"))
            )
        return voice

    async def delete_voice(self, voice: str) -> None:
        """Delete a cloned (``qwen-tts-vc-``) or designed (``qwen-tts-vd-``) voice by id.

        An id with neither prefix is tried with enrollment, then with design.
        """
        model = model_for_voice(voice)
        if model is not None:
            await self._customize(model, {"action": "delete", "voice": voice})
            return
        try:
            await self._customize(ENROLLMENT_MODEL, {"action": "delete", "voice": voice})
        except VoiceNotFoundError as err:
            try:
                await self._customize(DESIGN_MODEL, {"action": "delete", "voice": voice})
            except VoiceNotFoundError:
                raise err from None

    @override
    def __repr__(self) -> str:
        """Describe the client without its key."""
        return f"DashScopeClient({self.endpoint.http_base!r})"
