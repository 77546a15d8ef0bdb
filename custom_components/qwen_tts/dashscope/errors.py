"""Exception hierarchy for DashScope failures, mapped from service codes and transport errors."""

from collections.abc import Mapping
from typing import override


class DashScopeError(Exception):
    """Base class: every failure the client raises carries code, message and request id."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        status: int | None = None,
    ) -> None:
        """Store the service's code, message and request id (never the API key)."""
        super().__init__(message)
        self.message = message
        self.code = code
        self.request_id = request_id
        self.status = status

    @override
    def __str__(self) -> str:
        """Return a one-line description with the code and request id when known."""
        parts = [self.message]
        if self.code:
            parts.insert(0, f"{self.code}:")
        if self.request_id:
            parts.append(f"(request id {self.request_id})")
        return " ".join(parts)


class AuthError(DashScopeError):
    """401 InvalidApiKey: wrong key, or a key from another region."""


class RateLimitError(DashScopeError):
    """429 Throttling*: too many requests."""


class ContentFilterError(DashScopeError):
    """DataInspectionFailed: the text or audio was rejected by content moderation."""


class AccountError(DashScopeError):
    """Arrearage, AccessDenied*: the account cannot use this service or model."""


class SampleError(DashScopeError):
    """Audio.*: the enrollment sample was refused."""


class VoiceNotFoundError(DashScopeError):
    """BadRequest.VoiceNotFound or an invalid voice for the model.

    ``voice``: the voice (id or system voice name) the refused request asked for, when the
    request named one; the client builds the error with it where the request is made.
    """

    def __init__(
        self,
        message: str,
        *,
        voice: str | None = None,
        code: str | None = None,
        request_id: str | None = None,
        status: int | None = None,
    ) -> None:
        """Store the refused ``voice`` with the service's code, message and request id."""
        super().__init__(message, code=code, request_id=request_id, status=status)
        self.voice = voice


class ModelNotFoundError(DashScopeError):
    """ModelNotFound: the model does not exist in this region."""


class InvalidRequestError(DashScopeError):
    """Other 4xx: a parameter the service refused."""


class ServiceError(DashScopeError):
    """5xx or an InternalError: the service failed."""


class ProtocolError(DashScopeError):
    """The service answered something the protocol does not allow (e.g. a truncated stream)."""


class IncompleteAudioError(ProtocolError):
    """The audio stopped before it was complete: the stream broke off or ended early, or
    finished without any audio."""


class AudioLimitError(ProtocolError):
    """The service sent far more audio than the text can take; the request was ended."""


class DashScopeConnectionError(DashScopeError):
    """The service could not be reached (before any answer)."""


class DashScopeTimeoutError(DashScopeConnectionError):
    """The service did not answer in time."""


class StalledStreamError(DashScopeTimeoutError):
    """A stream that had started made no progress within its bound (see ``bounds.py``)."""


_SERVICE_CODES = frozenset(
    {"InternalError", "ServiceUnavailable", "RequestTimeOut", "SystemError", "InternalServerError"}
)
_INVALID_VOICE = "invalid voice"


def error_class_for(
    status: int | None, code: str | None, message: str = ""
) -> type[DashScopeError]:
    """Return the exception class for a DashScope ``code`` and/or HTTP ``status``.

    Codes decide first (they are the same in HTTP bodies, SSE error frames and realtime
    ``error`` events); the HTTP status decides when the code is unknown or missing.
    """
    code = code or ""
    if code == "InvalidApiKey" or status == 401:
        return AuthError
    if code.startswith("Throttling") or status == 429:
        return RateLimitError
    if code.startswith("DataInspection"):
        return ContentFilterError
    if code in ("Arrearage", "Model.AccessDenied") or code.startswith("AccessDenied"):
        return AccountError
    if code.startswith("Audio."):
        return SampleError
    if code.endswith("VoiceNotFound") or (
        code.startswith("InvalidParameter") and _INVALID_VOICE in message.lower()
    ):
        return VoiceNotFoundError
    if code.startswith("ModelNotFound"):
        return ModelNotFoundError
    if code in _SERVICE_CODES or code.startswith("InternalError"):
        return ServiceError
    if status is not None and status >= 500:
        return ServiceError
    if status == 403:
        return AccountError
    if status is not None and 400 <= status < 500:
        return InvalidRequestError
    if code.startswith(("InvalidParameter", "BadRequest", "Invalid", "MissingParameter")):
        return InvalidRequestError
    return ServiceError


def redact(text: str, secret: str | None) -> str:
    """Replace every occurrence of ``secret`` (the API key) in ``text``."""
    if secret and secret in text:
        return text.replace(secret, "***")
    return text


def map_error(
    *,
    status: int | None = None,
    code: str | None = None,
    message: str | None = None,
    request_id: str | None = None,
    secret: str | None = None,
    voice: str | None = None,
) -> DashScopeError:
    """Build the exception for a DashScope failure: HTTP body, SSE error frame or realtime event.

    ``secret`` (the API key) is scrubbed from the message should the service echo it;
    ``voice`` is the voice the request asked for, named by a ``VoiceNotFoundError``.
    """
    text = redact(message or "", secret)
    if not text:
        text = f"HTTP {status}" if status is not None else "DashScope error"
    cls = error_class_for(status, code, text)
    code, request_id = code or None, request_id or None
    if cls is VoiceNotFoundError:
        return VoiceNotFoundError(
            text, voice=voice, code=code, request_id=request_id, status=status
        )
    return cls(text, code=code, request_id=request_id, status=status)


def map_error_body(
    body: Mapping[str, object],
    *,
    status: int | None = None,
    secret: str | None = None,
    voice: str | None = None,
) -> DashScopeError:
    """Map an error body ``{"request_id", "code", "message" | "msg"}`` (or an ``error`` event)
    of a request for ``voice``."""
    message = body.get("message")
    if not isinstance(message, str) or not message:
        message = body.get("msg")
    code = body.get("code")
    request_id = body.get("request_id")
    return map_error(
        status=status,
        code=code if isinstance(code, str) else (str(code) if code is not None else None),
        message=message if isinstance(message, str) else None,
        request_id=request_id if isinstance(request_id, str) else None,
        secret=secret,
        voice=voice,
    )
