"""Which failures are the service's (status, fallback) and which are the caller's own."""

import pytest

from custom_components.qwen_tts.dashscope import errors as ds
from custom_components.qwen_tts.service_status import (
    ServiceStatus,
    StatusTracker,
    is_service_failure,
    status_for,
)


@pytest.mark.parametrize(
    ("err", "status"),
    [
        (ds.DashScopeConnectionError("refused"), ServiceStatus.UNREACHABLE),
        (ds.DashScopeTimeoutError("no answer in time"), ServiceStatus.UNREACHABLE),
        (ds.StalledStreamError("no audio for too long"), ServiceStatus.UNREACHABLE),
        (ds.IncompleteAudioError("ended before the final frame"), ServiceStatus.SERVER_ERROR),
        (
            ds.ServiceError("busy", code="ServiceUnavailable", status=503),
            ServiceStatus.SERVER_ERROR,
        ),
        (ds.ProtocolError("stream ended early"), ServiceStatus.SERVER_ERROR),
        (ds.RateLimitError("slow down", code="Throttling", status=429), ServiceStatus.RATE_LIMITED),
        (ds.AuthError("bad key", code="InvalidApiKey", status=401), ServiceStatus.AUTH_FAILED),
        (ds.AccountError("unpaid", code="Arrearage", status=400), ServiceStatus.ARREARS),
        (ds.AccountError("denied", code="AccessDenied", status=403), ServiceStatus.AUTH_FAILED),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_failures_of_the_service(err: ds.DashScopeError, status: ServiceStatus) -> None:
    assert status_for(err) is status
    assert is_service_failure(err)


@pytest.mark.parametrize(
    "err",
    [
        ds.ContentFilterError("rude", code="DataInspectionFailed"),
        ds.VoiceNotFoundError("who?", code="BadRequest.VoiceNotFound"),
        ds.InvalidRequestError("bad parameter", code="InvalidParameter"),
        ds.ModelNotFoundError("no such model", code="ModelNotFound"),
        ds.SampleError("too short", code="Audio.TooShort"),
    ],
    ids=lambda err: f"{type(err).__name__} {err.code} -> ok",
)
def test_refusals_of_the_callers_request_leave_the_service_ok(err: ds.DashScopeError) -> None:
    assert status_for(err) is ServiceStatus.OK
    assert not is_service_failure(err)


def test_the_last_failure_is_kept_when_the_service_answers_again() -> None:
    tracker = StatusTracker()
    heard: list[ServiceStatus] = []
    tracker.async_add_listener(lambda: heard.append(tracker.status))

    tracker.report(ds.ServiceError("busy", request_id="rid-1"))
    tracker.report(ds.ServiceError("still busy", request_id="rid-2"))
    tracker.report()
    tracker.report()

    assert heard == [ServiceStatus.SERVER_ERROR, ServiceStatus.SERVER_ERROR, ServiceStatus.OK]
    assert tracker.last_failure is not None
    assert tracker.last_failure.message == "still busy (request id rid-2)"
