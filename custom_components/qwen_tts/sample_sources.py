"""Where a voice sample comes from: a file Home Assistant may read, or a media-source item.

Nothing is read that cannot be a recording, and nothing waits long: only regular files are
opened (a named pipe or a device is refused from its ``stat``, and the file is opened
non-blocking), a file's size is checked before a byte is read, a media item that does not
resolve to audio (a camera, an image; a local file named as an image or a document) is refused
at once, and a download has a short deadline and a size cap. Local media are read by path, so
a recording without a file extension is recognised by its content like any other.
"""

import mimetypes
import os
from pathlib import Path
import stat

import aiohttp
from homeassistant.components import media_source
from homeassistant.components.media_player.browse_media import async_process_play_media_url
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import raise_if_invalid_path

from .errors import validation_error

# Bigger files are not read at all (a 60 s, 192 kHz, stereo, 32-bit WAV is 92 MB).
MAX_INPUT_SIZE = 100_000_000
# A download of a media item: all of it, and the longest wait for more bytes (seconds).
DOWNLOAD_TIMEOUT = 30.0
DOWNLOAD_READ_TIMEOUT = 10.0
LOCAL_MEDIA_PREFIX = "media-source://media_source/"
# What a media item must resolve to: audio, or a container that may hold it.
_AUDIO_MIME_PREFIXES = ("audio/",)
_AUDIO_MIME_TYPES = frozenset({"video/mp4", "application/octet-stream"})


def printable(text: str) -> str:
    """``text`` with control characters (a NUL, a line break) shown escaped."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _too_big(limit: int) -> ServiceValidationError:
    return validation_error("sample_file_too_large", max_size=f"{limit / 1_000_000:g}")


def read_file(path: str | Path, limit: int = MAX_INPUT_SIZE) -> bytes:
    """Read a sample file of at most ``limit`` bytes (blocking: run in the executor).

    Refuses what is not a regular file, and a file over ``limit`` bytes, before reading;
    the file is opened non-blocking, so a FIFO swapped in meanwhile never blocks a thread.
    """
    info = Path(path).stat()
    if not stat.S_ISREG(info.st_mode):
        raise validation_error("sample_not_a_file", file_path=printable(str(path)))
    if info.st_size > limit:
        raise _too_big(limit)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise validation_error("sample_not_a_file", file_path=printable(str(path)))
        data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_big(limit)
    return data


def _has_control_characters(text: str) -> bool:
    return any(not char.isprintable() for char in text)


async def async_read_file(hass: HomeAssistant, path: str) -> bytes:
    """Read a sample file that Home Assistant may read (``allowlist_external_dirs``)."""
    if _has_control_characters(path):
        raise validation_error("invalid_file_path", file_path=printable(path))
    # is_allowed_path resolves symlinks on disk: not in the event loop.
    if not await hass.async_add_executor_job(hass.config.is_allowed_path, path):
        raise validation_error("file_path_not_allowed", file_path=path)
    try:
        return await hass.async_add_executor_job(read_file, path)
    except OSError as err:
        raise validation_error(
            "sample_file_unreadable", file_path=path, error=err.strerror or str(err)
        ) from err


async def async_read_media(hass: HomeAssistant, media_content_id: str) -> bytes:
    """Read a media-source item: a local file directly, anything else through its URL."""
    if _has_control_characters(media_content_id):
        raise validation_error("invalid_media_id", media_content_id=printable(media_content_id))
    path = _local_media_path(hass, media_content_id)
    if path is None:
        try:
            media = await media_source.async_resolve_media(hass, media_content_id, None)
        except HomeAssistantError as err:  # MediaSourceError, and a source's own failures
            raise _not_found(media_content_id, str(err) or type(err).__name__) from err
        if media.path is None:
            if not _is_audio(media.mime_type):
                raise validation_error(
                    "media_not_audio",
                    media_content_id=media_content_id,
                    mime_type=media.mime_type or "-",
                )
            return await _async_download(
                hass, media_content_id, async_process_play_media_url(hass, media.url)
            )
        path = media.path
    mime_type, _ = mimetypes.guess_type(path.name)
    if mime_type is not None and not _is_audio(mime_type) and not mime_type.startswith("video/"):
        raise validation_error(
            "media_not_audio", media_content_id=media_content_id, mime_type=mime_type
        )
    try:
        return await hass.async_add_executor_job(read_file, path)
    except OSError as err:
        raise _not_found(media_content_id, err.strerror or str(err)) from err


def _not_found(media_content_id: str, error: str) -> ServiceValidationError:
    return validation_error("media_not_found", media_content_id=media_content_id, error=error)


def _local_media_path(hass: HomeAssistant, media_content_id: str) -> Path | None:
    """The file of a local media id (``media-source://media_source/<folder>/<path>``), found
    the way Home Assistant's local source finds it, but without guessing a mime type from
    the file name (which fails for a file without extension); ``None`` for other sources."""
    if not media_content_id.startswith(LOCAL_MEDIA_PREFIX):
        return None
    folder, _, location = media_content_id.removeprefix(LOCAL_MEDIA_PREFIX).partition("/")
    if (base := hass.config.media_dirs.get(folder)) is None:
        raise _not_found(media_content_id, "Unknown source directory.")
    if Path(location).is_absolute():
        raise _not_found(media_content_id, "Invalid path.")
    try:
        raise_if_invalid_path(location)
        path = Path(base, location)
        path.relative_to(base)
    except ValueError as err:
        raise _not_found(media_content_id, "Invalid path.") from err
    return path


def _is_audio(mime_type: str | None) -> bool:
    mime = (mime_type or "").split(";", 1)[0].strip().lower()
    return mime.startswith(_AUDIO_MIME_PREFIXES) or mime in _AUDIO_MIME_TYPES


async def _async_download(
    hass: HomeAssistant, media_content_id: str, url: str, limit: int = MAX_INPUT_SIZE
) -> bytes:
    """GET a media URL with Home Assistant's session within ``DOWNLOAD_TIMEOUT``, refusing
    an answer that is not audio and more than ``limit`` bytes."""
    session = async_get_clientsession(hass)
    timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT, sock_read=DOWNLOAD_READ_TIMEOUT)
    try:
        async with session.get(url, timeout=timeout, raise_for_status=True) as response:
            if response.content_type and not _is_audio(response.content_type):
                raise validation_error(
                    "media_not_audio",
                    media_content_id=media_content_id,
                    mime_type=response.content_type,
                )
            if (response.content_length or 0) > limit:
                raise _too_big(limit)
            data = bytearray()
            async for chunk in response.content.iter_chunked(1 << 16):
                data += chunk
                if len(data) > limit:
                    raise _too_big(limit)
    except (aiohttp.ClientError, TimeoutError) as err:
        error = str(err) or type(err).__name__
        if isinstance(err, TimeoutError):
            error = f"no complete answer within {DOWNLOAD_TIMEOUT:g} s"
        raise validation_error(
            "media_download_failed", media_content_id=media_content_id, error=error
        ) from err
    return bytes(data)
