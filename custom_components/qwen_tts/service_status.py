"""What the service's answers say about the account: ok, or why it cannot speak.

Synthesis, voice calls and the periodic voice refresh report here; the status sensor
shows it. Only failures of the SERVICE change the status: a refused request of the caller
(moderation, an unknown voice, a bad option) proves the service answers, so it reads ``ok``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.util import dt as dt_util

from .dashscope import (
    AccountError,
    AuthError,
    DashScopeConnectionError,
    DashScopeError,
    ProtocolError,
    RateLimitError,
    ServiceError,
)


class ServiceStatus(StrEnum):
    """The account's status as the last answer (or its absence) showed it."""

    OK = "ok"
    AUTH_FAILED = "auth_failed"
    ARREARS = "arrears"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    UNREACHABLE = "unreachable"


def status_for(err: DashScopeError) -> ServiceStatus:
    """The status a failure shows: ``OK`` for refusals of the caller's own request."""
    if isinstance(err, AuthError):
        return ServiceStatus.AUTH_FAILED
    if isinstance(err, AccountError):
        # Arrearage: unpaid bills; AccessDenied: the key may not use the service.
        return ServiceStatus.ARREARS if err.code == "Arrearage" else ServiceStatus.AUTH_FAILED
    if isinstance(err, RateLimitError):
        return ServiceStatus.RATE_LIMITED
    if isinstance(err, DashScopeConnectionError):
        return ServiceStatus.UNREACHABLE
    if isinstance(err, ServiceError | ProtocolError):
        return ServiceStatus.SERVER_ERROR
    return ServiceStatus.OK


def is_service_failure(err: DashScopeError) -> bool:
    """Whether the failure is the service's (not the caller's own request)."""
    return status_for(err) is not ServiceStatus.OK


@dataclass(frozen=True, slots=True)
class Failure:
    """The last failure of the service: when, its status and message (with the request id;
    the API key never appears in a client error)."""

    time: datetime
    status: ServiceStatus
    message: str


class StatusTracker:
    """The account's ``ServiceStatus``, updated by every call's outcome."""

    def __init__(self) -> None:
        """Start ``ok``: nothing went wrong yet."""
        self.status = ServiceStatus.OK
        self.last_failure: Failure | None = None
        self._listeners: list[Callable[[], None]] = []

    @callback
    def report(self, err: DashScopeError | None = None) -> None:
        """Record a call's outcome: ``None`` (the service answered) or the failure; the
        listeners hear of a new status or a new failure."""
        status = ServiceStatus.OK if err is None else status_for(err)
        if status is not ServiceStatus.OK and err is not None:
            self.last_failure = Failure(dt_util.utcnow(), status, str(err))
        elif status is self.status:
            return
        self.status = status
        for listener in list(self._listeners):
            listener()

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` when the status or the last failure changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)
