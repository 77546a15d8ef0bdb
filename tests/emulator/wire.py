"""Wire helpers: DashScope error bodies and SSE frames."""

import json
from typing import Any

from aiohttp import web

SSE_CONTENT_TYPE = "text/event-stream;charset=UTF-8"


def dumps(data: Any) -> str:
    """Compact JSON, as the service sends it."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def error_body(code: str, message: str, request_id: str) -> dict[str, str]:
    """The service's error JSON."""
    return {"request_id": request_id, "code": code, "message": message}


def json_error(status: int, code: str, message: str, request_id: str) -> web.Response:
    """An HTTP error answered as JSON."""
    return web.json_response(error_body(code, message, request_id), status=status, dumps=dumps)


def sse_frame(frame_id: int, data: dict[str, Any], *, status: int = 200, newline: str) -> bytes:
    """One SSE frame: ``id``, ``event`` (``result`` or ``error``), the status comment, ``data``.

    Error frames carry the status twice: ``:HTTP_STATUS/NNN`` (docs) and ``status:NNN`` (SDK).
    """
    lines = [f"id:{frame_id}"]
    if status == 200:
        lines += ["event:result", ":HTTP_STATUS/200"]
    else:
        lines += ["event:error", f":HTTP_STATUS/{status}", f"status:{status}"]
    lines.append(f"data:{dumps(data)}")
    return (newline.join(lines) + newline + newline).encode()


def sse_error(
    status: int, code: str, message: str, request_id: str, *, newline: str
) -> web.Response:
    """An HTTP error answered to an SSE request: the status, and one ``event:error`` frame."""
    return web.Response(
        status=status,
        body=sse_frame(1, error_body(code, message, request_id), status=status, newline=newline),
        headers={"Content-Type": SSE_CONTENT_TYPE},
    )
