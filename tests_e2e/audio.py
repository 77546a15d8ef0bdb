"""Decode what Home Assistant served, with ffmpeg, into figures a listener would notice."""

from array import array
from dataclasses import dataclass
import math
import subprocess

from tests.sample_audio import decode_command

RATE = 16000


@dataclass(frozen=True)
class Decoded:
    """Mono 16 kHz PCM of a file: its length (s) and loudness (RMS of 16-bit samples)."""

    seconds: float
    rms: float


def decode(audio: bytes, ffmpeg: str) -> Decoded:
    """Decode ``audio`` (any format ffmpeg reads); raises AssertionError when it cannot."""
    result = subprocess.run(
        decode_command(RATE, ffmpeg),
        input=audio,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    samples = array("h", result.stdout[: len(result.stdout) // 2 * 2])
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
    return Decoded(len(samples) / RATE, rms)
