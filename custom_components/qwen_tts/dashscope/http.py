"""Transport helpers shared by the HTTP and WebSocket paths: error mapping, body parsing."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
import json
from typing import Any

import aiohttp

from .errors import (
    AuthError,
    DashScopeConnectionError,
    DashScopeError,
    DashScopeTimeoutError,
    ProtocolError,
    map_error,
    map_error_body,
    redact,
)
from .sse import SSEParser

JsonObject = dict[str, Any]


def auth_headers(api_key: str) -> dict[str, str]:
    """The ``Authorization`` header; a key that cannot be one raises ``AuthError``.

    DashScope keys are printable ASCII (``sk-`` and letters and digits): a key with a control
    character (a pasted line break), a space or a non-ASCII character can never be valid,
    and would not even fit in an HTTP header.
    """
    if not api_key or not all("!" <= char <= "~" for char in api_key):
        raise AuthError(
            "the API key holds characters an API key never has (line breaks, spaces or"
            " other control or non-ASCII characters)"
        )
    return {"Authorization": f"Bearer {api_key}"}


@contextmanager
def transport_errors(what: str, secret: str | None) -> Iterator[None]:
    """Turn timeouts and aiohttp/socket failures inside the block into DashScope errors.

    The original exception is not chained: aiohttp's response errors hold the request
    headers, and with them the API key.
    """
    try:
        yield
    except TimeoutError:
        raise DashScopeTimeoutError(f"{what}: the service did not answer in time") from None
    except (aiohttp.ClientError, OSError) as err:
        detail = redact(str(err), secret) or type(err).__name__
        raise DashScopeConnectionError(f"{what}: {detail}") from None


def parse_json_object(body: bytes | str, what: str) -> JsonObject:
    """Decode a JSON object, or raise ``ProtocolError`` (naming a web page as such)."""
    try:
        data = json.loads(body)
    except ValueError:
        head = body.encode() if isinstance(body, str) else body
        if head.lstrip()[:1] == b"<":
            raise ProtocolError(
                f"{what}: the answer is a web page, not DashScope's API (a proxy, a captive"
                " portal or a wrong URL)"
            ) from None
        raise ProtocolError(f"{what}: the service answered something that is not JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError(f"{what}: the service answered JSON that is not an object")
    return data


def error_from_http(
    status: int, reason: str | None, body: bytes, *, secret: str | None, voice: str | None = None
) -> DashScopeError:
    """Map a non-2xx HTTP answer (to a request for ``voice``, when it named one): its JSON
    error body when there is one, else the status.

    An SSE request may be refused with an event stream holding one ``event:error`` frame:
    its ``data`` is read like a JSON body.
    """
    candidates: list[bytes | str] = [body, *_sse_data(body)]
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, Mapping):
            return map_error_body(data, status=status, secret=secret, voice=voice)
    return map_error(status=status, message=f"HTTP {status} {reason or ''}".strip(), secret=secret)


def _sse_data(body: bytes) -> list[str]:
    parser = SSEParser()
    frames = parser.feed(body)
    if (last := parser.close()) is not None:
        frames.append(last)
    return [frame.data for frame in frames if frame.data]


def as_object(value: object) -> JsonObject:
    """Return ``value`` if it is a JSON object, else an empty one (defensive parsing)."""
    return value if isinstance(value, dict) else {}


def as_str(value: object) -> str | None:
    """Return ``value`` if it is a non-empty string."""
    return value if isinstance(value, str) and value else None


def as_int(value: object) -> int | None:
    """Return ``value`` as an int if it is one (or a numeric string)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
