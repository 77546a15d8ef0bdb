"""A real Home Assistant (the release users run) in a child process, and a client for it.

``HomeAssistant`` writes a small config directory (this integration linked in, the development
speaker as a media player, an offline speech engine for the fallback, HTTP bound to loopback on
a free port), starts ``hass`` from ``.dev/venv-ha`` (``scripts/setup .dev/venv-ha
requirements_ha.txt``) and stops it. ``Client`` talks to it as the frontend does: REST with a
bearer token, and WebSocket commands.
"""

import asyncio
from collections.abc import Mapping
import json
import os
from pathlib import Path
import socket
import subprocess
import sys
import time
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
HA_VENV = ROOT / ".dev" / "venv-ha"
# The first start on a fresh machine installs the components' requirements (from PyPI).
START_TIMEOUT = 900.0
STOP_TIMEOUT = 60.0
# One probe of the API while hass starts; a hung one must not outlast START_TIMEOUT.
PROBE_TIMEOUT = aiohttp.ClientTimeout(total=5)
CLIENT_ID = "http://127.0.0.1/"


def free_port() -> int:
    """A TCP port nothing listens on right now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """SIGTERM, then SIGKILL after ``timeout`` seconds: no child outlives the run."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _configuration(port: int, media: Path, ffmpeg: str) -> str:
    return f"""\
homeassistant:
  name: Qwen TTS end-to-end
  unit_system: metric
  time_zone: UTC
  country: US
  language: en
  currency: USD
  latitude: 0
  longitude: 0
  elevation: 0
  internal_url: http://127.0.0.1:{port}
  media_dirs:
    local: {media}

api:
config:
onboarding:
tts:
media_source:
ffmpeg:
  ffmpeg_bin: {ffmpeg}
media_player:
  - platform: dev_speaker
fallback_tts:

logger:
  default: warning
  logs:
    custom_components.qwen_tts: debug
    custom_components.dev_speaker: info
    homeassistant.components.camera.img_util: critical
"""


class HomeAssistant:
    """``hass`` with its own config directory under ``workdir``."""

    def __init__(self, workdir: Path, ffmpeg: str) -> None:
        self.config = workdir / "config"
        self.media = self.config / "media"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "hass.log"
        self._ffmpeg = ffmpeg
        self._process: subprocess.Popen[bytes] | None = None

    def write_config(self) -> None:
        """configuration.yaml, the integrations linked in, and HTTP on loopback."""
        components = self.config / "custom_components"
        components.mkdir(parents=True)
        self.media.mkdir()
        (components / "qwen_tts").symlink_to(ROOT / "custom_components" / "qwen_tts")
        (components / "dev_speaker").symlink_to(ROOT / "scripts" / "dev_speaker")
        (components / "fallback_tts").symlink_to(ROOT / "tests_e2e" / "fallback_tts")
        (self.config / "configuration.yaml").write_text(
            _configuration(self.port, self.media, self._ffmpeg), encoding="utf-8"
        )
        # Home Assistant keeps its HTTP settings in .storage/http (a YAML http: block is a repair
        # on the release users run); built with its own schema so every default (SSL profile,
        # CORS...) is its own.
        storage = self.config / ".storage"
        storage.mkdir()
        script = (
            "import json, sys\n"
            "from homeassistant.components.http.config import HTTP_STORAGE_SCHEMA\n"
            "stable = dict(HTTP_STORAGE_SCHEMA({'server_host': ['127.0.0.1'],"
            " 'server_port': int(sys.argv[1])}))\n"
            "stable.update(created_at='2026-01-01T00:00:00+00:00', error=None, error_message=None)\n"
            "print(json.dumps({'version': 3, 'minor_version': 1, 'key': 'http', 'data':"
            " {'stable': stable, 'pending': None, 'yaml_migration_done': True}}))\n"
        )
        http = subprocess.run(
            [str(HA_VENV / "bin" / "python"), "-c", script, str(self.port)],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        (storage / "http").write_text(http, encoding="utf-8")

    async def start(self) -> None:
        """Start ``hass`` and wait until its API answers (bounded by START_TIMEOUT)."""
        self.write_config()
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: ASYNC220 - a long-lived child
                [
                    str(HA_VENV / "bin" / "python"),
                    "-m",
                    "homeassistant",
                    "--config",
                    str(self.config),
                ],
                cwd=self.config,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
            )
        deadline = time.monotonic() + START_TIMEOUT
        async with aiohttp.ClientSession() as session:
            while True:
                if self._process.poll() is not None:
                    raise RuntimeError(
                        f"hass exited with {self._process.returncode}:\n{self.tail()}"
                    )
                try:
                    async with session.get(
                        f"{self.url}/api/onboarding", timeout=PROBE_TIMEOUT
                    ) as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError, TimeoutError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"hass did not answer in {START_TIMEOUT:g} s:\n{self.tail()}"
                    )
                await asyncio.sleep(0.5)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT."""
        stop_process(self._process, STOP_TIMEOUT)

    def tail(self, lines: int = 60) -> str:
        """The end of Home Assistant's output."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Emulator:
    """The DashScope emulator (``python -m tests.emulator``) in a child process."""

    def __init__(self, workdir: Path, api_key: str) -> None:
        self.port = free_port()
        self.api_key = api_key
        self.base_url = f"http://127.0.0.1:{self.port}/api/v1"
        self.log = workdir / "emulator.log"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it (again: on the same port) and wait for its banner (bounded)."""
        # A restart appends to the same log: the requests before it stay readable.
        start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.emulator",
                    "--port",
                    str(self.port),
                    "--key",
                    self.api_key,
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while b"DashScope emulator on" not in self.log.read_bytes()[start:]:
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the emulator did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s."""
        stop_process(self._process, 10)

    async def logged_requests(self) -> list[str]:
        """The request lines it logged (``kind path model=... status=...``)."""
        text = await asyncio.to_thread(self.log.read_text, errors="replace")
        return [line for line in text.splitlines() if " model=" in line]


class Client:
    """REST and WebSocket calls with the owner's token."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.token = ""
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ws_id = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def onboard(self, name: str, username: str, password: str) -> None:
        """Create the owner as the onboarding page does, then trade its code for a token."""
        async with self.session.post(
            f"{self.url}/api/onboarding/users",
            json={
                "client_id": CLIENT_ID,
                "name": name,
                "username": username,
                "password": password,
                "language": "en",
            },
        ) as response:
            assert response.status == 200, await response.text()
            code = (await response.json())["auth_code"]
        async with self.session.post(
            f"{self.url}/auth/token",
            data={"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID},
        ) as response:
            assert response.status == 200, await response.text()
            self.token = (await response.json())["access_token"]

    async def get(self, path: str) -> Any:
        async with self.session.get(f"{self.url}{path}", headers=self.headers) as response:
            assert response.status == 200, f"GET {path}: {response.status} {await response.text()}"
            return await response.json()

    async def post(self, path: str, data: Mapping[str, Any] | None = None) -> Any:
        async with self.session.post(
            f"{self.url}{path}", headers=self.headers, json=dict(data or {})
        ) as response:
            body = await response.text()
            assert response.status == 200, f"POST {path}: {response.status} {body}"
            return json.loads(body) if body else None

    async def fetch(self, path_or_url: str) -> tuple[int, str, bytes]:
        """(status, content type, body) of a URL on Home Assistant (no token)."""
        url = path_or_url if "://" in path_or_url else f"{self.url}{path_or_url}"
        async with self.session.get(url) as response:
            return response.status, response.content_type, await response.read()

    async def connect_ws(self) -> aiohttp.ClientWebSocketResponse:
        """A WebSocket authenticated with the owner's token, as the frontend opens one."""
        ws = await self.session.ws_connect(f"{self.url}/api/websocket")
        async with asyncio.timeout(30):
            assert (await ws.receive_json())["type"] == "auth_required"
            await ws.send_json({"type": "auth", "access_token": self.token})
            assert (await ws.receive_json())["type"] == "auth_ok"
        return ws

    async def ws(self, message_type: str, **fields: Any) -> Any:
        """One WebSocket command; its result (raises on an error result)."""
        if self._ws is None:
            self._ws = await self.connect_ws()
        self._ws_id += 1
        await self._ws.send_json({"id": self._ws_id, "type": message_type, **fields})
        async with asyncio.timeout(60):
            while True:
                message = await self._ws.receive_json()
                if message.get("id") == self._ws_id and message["type"] == "result":
                    break
        assert message["success"], message
        return message["result"]

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()


def ffmpeg_binary() -> str:
    """The static ffmpeg of the imageio-ffmpeg wheel (no system ffmpeg needed)."""
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())
