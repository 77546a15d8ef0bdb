"""Run the emulator alone: ``python -m tests.emulator --port 8765 --key demo``."""

import argparse
import asyncio
import contextlib
import logging
import signal
from typing import Any

from .server import DashScopeEmulator

_LOGGER = logging.getLogger("tests.emulator")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.emulator",
        description="A local DashScope (Qwen-TTS and Qwen-ASR) emulator.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--key", default="demo", help="the API key it accepts")
    parser.add_argument("--first-chunk-delay", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--chunk-interval", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument(
        "--realtime-factor",
        type=float,
        default=None,
        metavar="N",
        help="pace audio at N x real time",
    )
    parser.add_argument("--response-delay", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument(
        "--transcript",
        default=None,
        metavar="TEXT",
        help="what speech recognition hears in any audio with sound",
    )
    parser.add_argument(
        "--recognition-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="from the end of the audio to the transcript",
    )
    return parser.parse_args()


def _language_type(body: dict[str, Any] | None) -> str | None:
    """The ``language_type`` an HTTP synthesis asked for (``None`` for other requests)."""
    synthesis_input = (body or {}).get("input")
    if isinstance(synthesis_input, dict):
        return synthesis_input.get("language_type")
    return None


async def _serve(args: argparse.Namespace) -> None:
    emu = DashScopeEmulator(api_key=args.key, host=args.host, port=args.port)
    emu.first_chunk_delay = args.first_chunk_delay
    emu.chunk_interval = args.chunk_interval
    emu.realtime_factor = args.realtime_factor
    emu.response_delay = args.response_delay
    emu.recognition_delay = args.recognition_delay
    if args.transcript is not None:
        emu.transcript = args.transcript
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await emu.start()
    print(f"DashScope emulator on {emu.base_url} (realtime {emu.ws_url}), API key {args.key!r}")
    print("Ctrl-C stops it.", flush=True)
    seen = 0
    try:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)
            for request in emu.requests[seen:]:
                _LOGGER.info(
                    "%s %s model=%s status=%s language_type=%s",
                    request.kind,
                    request.path,
                    request.model,
                    request.status,
                    _language_type(request.body),
                )
            seen = len(emu.requests)
    finally:
        await emu.stop()


def main() -> None:
    """Parse the arguments and serve until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_arguments()))


if __name__ == "__main__":
    main()
