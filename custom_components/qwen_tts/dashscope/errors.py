"""Exception hierarchy for DashScope failures, mapped from service codes and transport errors."""

from __future__ import annotations


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
    """BadRequest.VoiceNotFound or an invalid voice for the model."""


class ModelNotFoundError(DashScopeError):
    """ModelNotFound: the model does not exist in this region."""


class InvalidRequestError(DashScopeError):
    """Other 4xx: a parameter the service refused."""


class ServiceError(DashScopeError):
    """5xx or an InternalError: the service failed."""


class ProtocolError(DashScopeError):
    """The service answered something the protocol does not allow (e.g. a truncated stream)."""


class DashScopeConnectionError(DashScopeError):
    """The service could not be reached, or the connection broke."""


class DashScopeTimeoutError(DashScopeConnectionError):
    """The service did not answer in time."""
