"""An in-repo DashScope (Qwen-TTS) emulator: HTTP synthesis (JSON and SSE), the realtime
WebSocket, voice enrollment and design, with latency and fault knobs.

    emu = DashScopeEmulator(api_key="demo-key")
    await emu.start()  # emu.base_url, emu.ws_url
    ...
    await emu.stop()

``python -m tests.emulator --port 8765 --key demo`` runs it alone.
"""

from .audio import render_pcm
from .server import DashScopeEmulator
from .store import RecordedRequest

__all__ = ["DashScopeEmulator", "RecordedRequest", "render_pcm"]
