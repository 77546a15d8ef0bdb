"""The DashScope client: HTTP synthesis, realtime sessions, voice enrollment and design."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp

from .endpoint import Endpoint
from .models import AccountVoice, DesignedVoice, RealtimeSettings, SynthesisRequest, SynthesisResult
from .realtime import RealtimeSession


class DashScopeClient:
    """Talks to one DashScope endpoint with one API key over the caller's aiohttp session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        endpoint: Endpoint,
        *,
        request_timeout: float = 60.0,
    ) -> None:
        """Keep the session, key and endpoint; nothing is sent until a method is called."""
        self._session = session
        self._api_key = api_key
        self.endpoint = endpoint
        self._timeout = request_timeout

    async def validate_key(self) -> None:
        """Check the key with a free call (enrollment ``list``, page_size 1)."""
        raise NotImplementedError

    async def synthesize(self, request: SynthesisRequest) -> SynthesisResult:
        """Non-streaming synthesis: POST, download ``output.audio.url`` without auth, fix RIFF."""
        raise NotImplementedError

    def stream_synthesis(self, request: SynthesisRequest) -> AsyncIterator[bytes]:
        """SSE synthesis: yield PCM (or MP3) bytes as frames arrive; raise on any error frame
        or when the stream ends without ``finish_reason: "stop"``."""
        raise NotImplementedError

    def realtime_session(self, settings: RealtimeSettings) -> RealtimeSession:
        """Return an (unopened) realtime WebSocket session; use it with ``async with``."""
        raise NotImplementedError

    async def list_voices(self) -> list[AccountVoice]:
        """All cloned and designed voices of the account (all pages)."""
        raise NotImplementedError

    async def create_cloned_voice(
        self,
        *,
        name: str,
        target_model: str,
        audio: bytes | None = None,
        mime_type: str | None = None,
        url: str | None = None,
        text: str | None = None,
        language: str | None = None,
    ) -> AccountVoice:
        """Clone a voice from sample bytes (sent as a data URI) or a public URL."""
        raise NotImplementedError

    async def design_voice(
        self,
        *,
        name: str,
        description: str,
        preview_text: str,
        target_model: str,
        language: str | None = None,
    ) -> DesignedVoice:
        """Design a voice from a description; returns the voice and its WAV preview."""
        raise NotImplementedError

    async def delete_voice(self, voice: str) -> None:
        """Delete a cloned (``qwen-tts-vc-``) or designed (``qwen-tts-vd-``) voice by id."""
        raise NotImplementedError
