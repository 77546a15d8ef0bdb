"""Service failures as test cases: what DashScope answers, and what the user then sees."""

import pytest


def failure_cases(
    *cases: tuple[int | None, str | None, str],
    names: tuple[str, str, str] = ("status", "code", "expected"),
) -> pytest.MarkDecorator:
    """Parametrize a test over ``(HTTP status, DashScope code, what it shows)``, each case
    named like ``503 ServiceUnavailable -> server_error`` (status ``None``: the service
    cannot be reached)."""
    return pytest.mark.parametrize(
        names,
        [
            pytest.param(
                status,
                code,
                shown,
                id=f"{status} {code} -> {shown}" if status else f"unreachable -> {shown}",
            )
            for status, code, shown in cases
        ],
    )
