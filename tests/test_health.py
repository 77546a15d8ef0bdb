"""Which failures are the service's (status, fallback) and which are the caller's own."""

import pytest

from custom_components.qwen_tts.dashscope import (
    AccountError,
    AuthError,
    ContentFilterError,
    DashScopeConnectionError,
    DashScopeError,
    DashScopeTimeoutError,
    IncompleteAudioError,
    InvalidRequestError,
    ModelNotFoundError,
    ProtocolError,
    RateLimitError,
    SampleError,
    ServiceError,
    StalledStreamError,
    VoiceNotFoundError,
)
from custom_components.qwen_tts.health import (
    ServiceStatus,
    StatusTracker,
    is_service_failure,
    status_for,
)


@pytest.mark.parametrize(
    ("err", "status"),
    [
        (DashScopeConnectionError("refused"), ServiceStatus.UNREACHABLE),
        (DashScopeTimeoutError("no answer in time"), ServiceStatus.UNREACHABLE),
        (StalledStreamError("no audio for too long"), ServiceStatus.UNREACHABLE),
        (IncompleteAudioError("ended before the final frame"), ServiceStatus.SERVER_ERROR),
        (ServiceError("busy", code="ServiceUnavailable", status=503), ServiceStatus.SERVER_ERROR),
        (ProtocolError("stream ended early"), ServiceStatus.SERVER_ERROR),
        (RateLimitError("slow down", code="Throttling", status=429), ServiceStatus.RATE_LIMITED),
        (AuthError("bad key", code="InvalidApiKey", status=401), ServiceStatus.AUTH_FAILED),
        (AccountError("unpaid", code="Arrearage", status=400), ServiceStatus.ARREARS),
        (AccountError("denied", code="AccessDenied", status=403), ServiceStatus.AUTH_FAILED),
    ],
)
def test_failures_of_the_service(err: DashScopeError, status: ServiceStatus) -> None:
    assert status_for(err) is status
    assert is_service_failure(err)


@pytest.mark.parametrize(
    "err",
    [
        ContentFilterError("rude", code="DataInspectionFailed"),
        VoiceNotFoundError("who?", code="BadRequest.VoiceNotFound"),
        InvalidRequestError("bad parameter", code="InvalidParameter"),
        ModelNotFoundError("no such model", code="ModelNotFound"),
        SampleError("too short", code="Audio.TooShort"),
    ],
)
def test_refusals_of_the_callers_request_leave_the_service_ok(err: DashScopeError) -> None:
    assert status_for(err) is ServiceStatus.OK
    assert not is_service_failure(err)


def test_the_last_failure_is_kept_when_the_service_answers_again() -> None:
    tracker = StatusTracker()
    heard: list[ServiceStatus] = []
    tracker.async_add_listener(lambda: heard.append(tracker.status))

    tracker.report(ServiceError("busy", request_id="rid-1"))
    tracker.report(ServiceError("still busy", request_id="rid-2"))
    tracker.report()
    tracker.report()

    assert heard == [ServiceStatus.SERVER_ERROR, ServiceStatus.SERVER_ERROR, ServiceStatus.OK]
    assert tracker.last_failure is not None
    assert tracker.last_failure.message == "still busy (request id rid-2)"
