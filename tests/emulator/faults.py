"""Fault knobs: planned HTTP errors, broken SSE streams and WebSocket sessions."""

from dataclasses import dataclass

from .store import API_KINDS

DEFAULT_MESSAGES: dict[str, str] = {
    "InvalidApiKey": "Invalid API-key provided.",
    "InvalidParameter": "The request parameter is invalid.",
    "DataInspectionFailed": "Output data may contain inappropriate content.",
    "Arrearage": "Access denied, please make sure your account is in good standing.",
    "AccessDenied": "Access denied.",
    "Model.AccessDenied": "Model access denied.",
    "ModelNotFound": "Model not exist.",
    "Throttling": "Requests throttling triggered.",
    "Throttling.RateQuota": "Requests rate limit exceeded, please try again later.",
    "Throttling.AllocationQuota": "Allocated quota exceeded, please increase your quota limit.",
    "InternalError": "An internal error has occured, please try again later.",
    "ServiceUnavailable": "The service is temporarily unavailable, please try again later.",
    "RequestTimeOut": "Request timed out, please try again later.",
    "BadRequest.VoiceNotFound": "Voice not found.",
}

_STATUS_BY_CODE: dict[str, int] = {
    "InvalidApiKey": 401,
    "ModelNotFound": 404,
    "InternalError": 500,
    "ServiceUnavailable": 503,
    "RequestTimeOut": 504,
}


def default_message(code: str) -> str:
    """The service's usual message for ``code``."""
    return DEFAULT_MESSAGES.get(code, f"{code}: the request failed.")


def status_for_code(code: str) -> int:
    """The HTTP status the service pairs with ``code``."""
    if code.startswith("Throttling"):
        return 429
    if code.startswith("AccessDenied") or code == "Model.AccessDenied":
        return 403
    return _STATUS_BY_CODE.get(code, 400)


@dataclass(slots=True)
class PlannedFailure:
    """An error the next ``remaining`` requests (of ``kind``) answer."""

    status: int
    code: str
    message: str
    remaining: int
    kind: str | None


class FaultKnobs:
    """Fault knobs, set as attributes of the emulator.

    - ``fail_next(status, code, ...)``: the next ``count`` requests (of ``kind``; ``None`` = any
      DashScope API request, downloads excluded) answer that HTTP error. Realtime: 401 refuses
      the handshake; any other status answers the session's first client event with an
      ``error`` event and closes.
    - ``sse_error_after = K``: an ``event:error`` frame (``sse_error_code``) follows the first K
      audio chunks of every SSE stream (or the last chunk when there are fewer), no stop frame.
    - ``sse_cut_after = K``: every SSE stream ends cleanly after K audio chunks, no stop frame.
    - ``leading_riff``: the first PCM chunk of every SSE stream begins with a WAV header.
    - ``ws_close_before_finish``: at ``session.finish`` the remaining audio (or transcript) is
      sent, then the socket closes without ``session.finished``.
    - ``ws_error_after_append = (code, message)``: the first ``input_text_buffer.append`` (or
      ``input_audio_buffer.append``) of a session is answered with an ``error`` event, then the
      socket closes.
    - ``empty_audio``: every synthesis succeeds with zero audio bytes: an SSE stream sends only
      its stop frame, a realtime response has no ``response.audio.delta``, a non-streaming
      answer links a WAV without samples (an empty file for MP3).

    Misbehaviour of a broken service or proxy (each one never ends on its own; the stream
    stops when the client leaves, noted as ``client_left`` on the request's record):

    - ``sse_trickle = S``: an SSE stream answers 200, then sends one byte (``:``) every S
      seconds and never a complete event.
    - ``sse_reset_after = K``: an SSE stream sends K audio chunks, then resets the TCP
      connection (RST).
    - ``endless_audio = S``: SSE streams and realtime responses send ``ENDLESS_CHUNK_SECONDS``
      of audio every S seconds and never finish.
    - ``ws_chatter = S``: a realtime session answers text with ``{"type": "heartbeat"}`` every
      S seconds, never audio and never ``session.finished``.
    - ``customization_html``: enrollment and design requests (``list`` included) are
      answered ``200 text/html`` with a web page, as a captive portal or a proxy does.
    """

    sse_error_after: int | None
    sse_error_code: str
    sse_error_message: str | None
    sse_cut_after: int | None
    leading_riff: bool
    ws_close_before_finish: bool
    ws_error_after_append: tuple[str, str] | None
    empty_audio: bool
    sse_trickle: float | None
    sse_reset_after: int | None
    endless_audio: float | None
    ws_chatter: float | None
    customization_html: bool

    def __init__(self) -> None:
        """No faults."""
        self._planned: list[PlannedFailure] = []
        self.reset_faults()

    def reset_faults(self) -> None:
        """Clear every fault knob and planned failure."""
        self._planned = []
        self.sse_error_after = None
        self.sse_error_code = "InternalError"
        self.sse_error_message = None
        self.sse_cut_after = None
        self.leading_riff = False
        self.ws_close_before_finish = False
        self.ws_error_after_append = None
        self.empty_audio = False
        self.sse_trickle = None
        self.sse_reset_after = None
        self.endless_audio = None
        self.ws_chatter = None
        self.customization_html = False

    def fail_next(
        self,
        status: int,
        code: str,
        message: str | None = None,
        count: int = 1,
        kind: str | None = None,
    ) -> None:
        """Answer the next ``count`` requests (of ``kind``) with HTTP ``status`` and ``code``."""
        if kind is not None and kind not in API_KINDS | {"download"}:
            raise ValueError(f"unknown request kind {kind!r}")
        self._planned.append(
            PlannedFailure(status, code, message or default_message(code), count, kind)
        )

    def take_failure(self, kind: str) -> PlannedFailure | None:
        """The planned failure this request of ``kind`` answers, if any (consumes one)."""
        for failure in self._planned:
            if failure.kind == kind or (failure.kind is None and kind in API_KINDS):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._planned.remove(failure)
                return failure
        return None


class LatencyKnobs:
    """Latency knobs, set as attributes of the emulator (all off by default).

    - ``response_delay``: seconds before answering any HTTP request or WebSocket handshake.
    - ``first_chunk_delay``: seconds before the first audio of each synthesis (SSE stream,
      realtime response, non-streaming answer).
    - ``chunk_interval``: seconds between consecutive audio chunks.
    - ``realtime_factor``: N paces audio at N x real time (N seconds of audio take 1 s of wall
      time, counted from the first chunk); non-streaming answers wait duration / N.
      Recognition works at N x real time too: a file sent over HTTP waits its duration / N
      before the answer, realtime audio is processed while it arrives.
    - ``recognition_delay``: seconds between the end of the audio (the HTTP request received,
      or the realtime commit) and the transcript.
    """

    def __init__(self) -> None:
        """No added latency."""
        self.response_delay: float = 0.0
        self.first_chunk_delay: float = 0.0
        self.chunk_interval: float = 0.0
        self.realtime_factor: float | None = None
        self.recognition_delay: float = 0.0
