"""Voice enrollment samples: check them against DashScope's limits, fix what can be fixed.

A sample is recognised by its content (WAV, MP3 or M4A magic bytes), never by its file name.
Whatever DashScope would refuse (too short, too long, below 24 kHz, over 10 MB once base64
encoded, not audio) is refused here, before anything is uploaded. What can be fixed without
losing what a voice needs is fixed: a 16-bit PCM WAV at 24 to 48 kHz with several channels,
extra chunks or wrong size fields is rewritten as a canonical mono WAV at its own sample rate
(in Python, losslessly); MP3, M4A, a WAV above 48 kHz and any other WAV (24-bit, float, RF64,
...) are converted to a 24 kHz mono 16-bit WAV with Home Assistant's ffmpeg. The rate a sample
was recorded at is read from its header (a WAV's ``fmt `` chunk; an MP3's or M4A's with
mutagen, which Home Assistant's tts installs), never from the converted audio.
"""

from array import array
import asyncio
from dataclasses import dataclass, replace
from enum import StrEnum
import io
import math
from pathlib import Path
import shutil
import sys
import tempfile

from homeassistant.components.ffmpeg import get_ffmpeg_manager
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from mutagen import FileType, MutagenError
from mutagen.mp3 import MPEGInfo
from mutagen.mp4 import MP4

from .const import DOMAIN, LOGGER
from .dashscope import WavFormatError, WavLayout, is_riff, parse_wav, pcm_to_wav
from .errors import validation_error

MIN_DURATION = 3.0  # seconds
MAX_DURATION = 60.0  # seconds
MIN_SAMPLE_RATE = 24000  # Hz
# A 16-bit WAV up to this rate is uploaded at its own rate; above it, it is resampled to
# 24 kHz (a long 88.2 or 96 kHz recording would not fit the upload limit).
MAX_KEPT_SAMPLE_RATE = 48000  # Hz
MAX_UPLOAD_SIZE = 10_000_000  # bytes, once base64 encoded
CONVERTED_SAMPLE_RATE = 24000
FFMPEG_TIMEOUT = 120.0  # seconds

WAV_MIME_TYPE = "audio/wav"


class AudioContainer(StrEnum):
    """The audio formats DashScope accepts for enrollment, as recognised by content."""

    WAV = "wav"
    MP3 = "mp3"
    M4A = "m4a"


@dataclass(frozen=True, slots=True)
class Sample:
    """A checked sample, ready to upload: a mono 16-bit WAV."""

    audio: bytes
    mime_type: str
    sample_rate: int
    duration: float
    source: AudioContainer
    converted: bool  # whether the audio bytes differ from the input


def _unreadable(reason: str) -> ServiceValidationError:
    return validation_error("sample_unreadable", reason=reason)


def detect_container(data: bytes) -> AudioContainer | None:
    """Recognise WAV, MP3 or M4A by magic bytes; ``None`` for anything else."""
    if len(data) >= 12 and data[:4] in (b"RIFF", b"RF64") and data[8:12] == b"WAVE":
        return AudioContainer.WAV
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return AudioContainer.M4A
    if data[:3] == b"ID3" and len(data) >= 10:
        return AudioContainer.MP3
    if len(data) >= 4 and _is_mpeg_audio_frame(data[:4]):
        return AudioContainer.MP3
    return None


def _is_mpeg_audio_frame(header: bytes) -> bool:
    """An MPEG audio frame header (Layer III); ADTS AAC shares the sync word but not the layer."""
    b1, b2 = header[1], header[2]
    return (
        header[0] == 0xFF
        and b1 & 0xE0 == 0xE0
        and (b1 >> 3) & 0x03 != 0x01  # version: 01 is reserved
        and (b1 >> 1) & 0x03 == 0x01  # layer III
        and b2 >> 4 not in (0x0, 0xF)  # bitrate index: free/bad
        and (b2 >> 2) & 0x03 != 0x03  # sample rate index: reserved
    )


def read_wav(data: bytes) -> WavLayout:
    """Read the header of a RIFF/WAVE sample; refuse it when the header cannot be read.

    Size fields that claim more than the file holds (streamed or truncated WAVs) are
    trusted only as far as the bytes go (``WavLayout.audio_size``).
    """
    try:
        return parse_wav(data)
    except WavFormatError as err:
        raise _unreadable(str(err)) from None


def keeps_its_rate(layout: WavLayout) -> bool:
    """Whether a WAV sample is uploaded at its own rate, losslessly: 16-bit PCM at 24 to
    48 kHz (60 s of it, made mono, always fits the upload limit)."""
    return layout.is_pcm16 and layout.sample_rate <= MAX_KEPT_SAMPLE_RATE


def downmix_pcm16(pcm: bytes, channels: int) -> bytes:
    """Average interleaved 16-bit little-endian channels into one."""
    if channels == 1:
        return pcm
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % (2 * channels)])
    if sys.byteorder == "big":
        samples.byteswap()
    lanes = [samples[channel::channels] for channel in range(channels)]
    mono = array("h", [sum(frame) // channels for frame in zip(*lanes, strict=True)])
    if sys.byteorder == "big":
        mono.byteswap()
    return mono.tobytes()


def check_sample_rate(sample_rate: int) -> None:
    """Refuse a sample recorded below 24 kHz (upsampling would not add the missing detail)."""
    if sample_rate < MIN_SAMPLE_RATE:
        raise validation_error(
            "sample_rate_too_low",
            sample_rate=str(sample_rate),
            min_sample_rate=str(MIN_SAMPLE_RATE),
        )


def check_duration(duration: float) -> None:
    """Refuse a sample shorter than 3 s or longer than 60 s."""
    if duration < MIN_DURATION:
        raise validation_error(
            "sample_too_short", duration=f"{duration:.1f}", min_duration=f"{MIN_DURATION:g}"
        )
    if duration > MAX_DURATION:
        raise validation_error(
            "sample_too_long", duration=f"{duration:.1f}", max_duration=f"{MAX_DURATION:g}"
        )


def check_upload_size(audio: bytes) -> None:
    """Refuse a sample whose base64 encoding exceeds DashScope's 10 MB (a last guard: at
    most 60 s of mono 16-bit audio at 48 kHz or less stays below it)."""
    encoded = 4 * math.ceil(len(audio) / 3)
    if encoded > MAX_UPLOAD_SIZE:
        raise validation_error(
            "sample_too_large",
            size=f"{encoded / 1_000_000:.1f}",
            max_size=f"{MAX_UPLOAD_SIZE / 1_000_000:g}",
        )


def pcm16_sample(data: bytes, layout: WavLayout, source: AudioContainer) -> Sample:
    """A 16-bit PCM WAV as a canonical mono WAV at its own rate (blocking for a long
    multi-channel sample: run in the executor). Rate and duration are checked already."""
    size = layout.audio_size(len(data))
    pcm = data[layout.data_offset : layout.data_offset + size]
    audio = pcm_to_wav(downmix_pcm16(pcm, layout.channels), layout.sample_rate)
    check_upload_size(audio)
    return Sample(
        audio=audio,
        mime_type=WAV_MIME_TYPE,
        sample_rate=layout.sample_rate,
        duration=size / layout.byte_rate,
        source=source,
        converted=audio != data,
    )


def recorded_sample_rate(data: bytes, container: AudioContainer) -> int | None:
    """The sample rate (Hz) a sample was recorded at, from its header: a WAV's ``fmt `` chunk
    (RIFF or RF64), an MP3's first frame, an M4A's first audio track (as ffmpeg decodes it:
    ``-map 0:a:0``); ``None`` when the header cannot be read. Blocking: run in the executor."""
    if container is AudioContainer.WAV:
        # RF64 (WAVs over 4 GB) has RIFF's chunks after its own signature; its size
        # placeholders are trusted only as far as the bytes go.
        try:
            return parse_wav(b"RIFF" + data[4:]).sample_rate
        except WavFormatError:
            return None
    try:
        if container is AudioContainer.MP3:
            # The frames alone: a tag whose header players accept but the ID3 standard does
            # not (reserved flags, ID3v2.5, a size that is not synchsafe) must not hide them.
            return MPEGInfo(io.BytesIO(data)).sample_rate or None
        # Read as mutagen's typed base class; it declares ``info`` as None, every reader sets it.
        reader: type[FileType] = MP4
        sample_rate: int = getattr(reader(io.BytesIO(data)).info, "sample_rate", 0)
    except MutagenError:
        return None
    return sample_rate or None


async def async_prepare_sample(hass: HomeAssistant, data: bytes) -> Sample:
    """Check a sample and return what to upload; raise a translated refusal otherwise."""
    container = detect_container(data)
    if container is None:
        raise _unreadable("not a WAV, MP3 or M4A file")
    if container is AudioContainer.WAV and is_riff(data):
        layout = read_wav(data)
        # The header tells: refuse without converting anything.
        check_sample_rate(layout.sample_rate)
        check_duration(layout.duration(len(data)))
        if keeps_its_rate(layout):
            return await hass.async_add_executor_job(pcm16_sample, data, layout, AudioContainer.WAV)
    return await _async_convert(hass, data, container)


async def _async_convert(hass: HomeAssistant, data: bytes, container: AudioContainer) -> Sample:
    """Convert any supported audio to a 24 kHz mono 16-bit WAV with ffmpeg, then check it."""
    workdir = Path(await hass.async_add_executor_job(tempfile.mkdtemp, None, f"{DOMAIN}-"))
    source, target = workdir / "sample", workdir / "sample.wav"
    try:
        # A file, not a pipe: M4A files from phones keep their index at the end.
        await hass.async_add_executor_job(source.write_bytes, data)
        await _async_run_ffmpeg(hass, source, target)
        sample_rate = await hass.async_add_executor_job(recorded_sample_rate, data, container)
        if sample_rate is None:
            raise _unreadable("no audio stream found")
        converted = await hass.async_add_executor_job(target.read_bytes)
    finally:
        await hass.async_add_executor_job(shutil.rmtree, workdir, True)
    check_sample_rate(sample_rate)
    layout = read_wav(converted)
    check_duration(layout.duration(len(converted)))
    return replace(pcm16_sample(converted, layout, container), converted=True)


async def _async_run_ffmpeg(hass: HomeAssistant, source: Path, target: Path) -> None:
    """Run ffmpeg without blocking the event loop; refuse on failure (its log is debugged)."""
    binary = get_ffmpeg_manager(hass).binary
    command = [
        binary,
        "-hide_banner",
        "-nostdin",
        "-i",
        str(source),
        "-map",
        "0:a:0",
        # Enough to tell "too long" without converting an hour of audio.
        "-t",
        str(MAX_DURATION + 1),
        "-ac",
        "1",
        "-ar",
        str(CONVERTED_SAMPLE_RATE),
        "-c:a",
        "pcm_s16le",
        "-map_metadata",
        "-1",
        "-fflags",
        "+bitexact",
        "-flags:a",
        "+bitexact",
        "-f",
        "wav",
        "-y",
        str(target),
    ]
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as err:  # no ffmpeg installed (a Core install), or not executable
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="ffmpeg_unavailable",
            translation_placeholders={"binary": binary, "error": err.strerror or str(err)},
        ) from err
    try:
        async with asyncio.timeout(FFMPEG_TIMEOUT):
            _, stderr = await process.communicate()
    except TimeoutError:
        raise _unreadable("ffmpeg took too long to read the audio") from None
    finally:
        if process.returncode is None:  # timed out, or the call was cancelled
            process.kill()
            await process.wait()
    log = stderr.decode(errors="replace")
    if process.returncode != 0:
        LOGGER.debug("ffmpeg could not convert the sample: %s", log[-2000:])
        raise _unreadable("ffmpeg could not decode the audio")
