"""Voice samples are refused before they are read, and no read ever blocks: only regular
files, sizes checked first, media that resolve to audio, short bounded downloads, and
translated refusals for paths and ids no file can have."""

import asyncio
from collections.abc import AsyncIterator
import os
from pathlib import Path
import tracemalloc
from typing import Any

from aiohttp import web
from homeassistant.components.image import DATA_COMPONENT as IMAGES, ImageEntity
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts import sample_sources
from custom_components.qwen_tts.const import DOMAIN

from . import sample_audio
from .emulator import DashScopeEmulator
from .test_services import (  # noqa: F401 - fixtures: media folder, allowed folder, ffmpeg
    allowed_dir,
    ffmpeg_bin,
    media_and_ffmpeg,
    media_dir,
)
from .voice_services import call_service

# Every refusal comes at once: no read, no download, no thread left waiting.
AT_ONCE = 2.0


async def _create_voice(hass: HomeAssistant, entry: MockConfigEntry, **source: Any) -> Any:
    async with asyncio.timeout(AT_ONCE):
        return await call_service(hass, entry, "create_voice", name="gm", **source)


async def _refused(
    hass: HomeAssistant, emulator: DashScopeEmulator, entry: MockConfigEntry, **source: Any
) -> ServiceValidationError:
    with pytest.raises(ServiceValidationError) as caught:
        await _create_voice(hass, entry, **source)
    assert emulator.requests_of("enrollment")[1:] == []  # only the setup's voice list
    return caught.value


# -- files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "folder", "dev-zero", "dev-null", "dev-urandom"])
async def test_what_is_not_a_regular_file_is_refused_without_reading(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    allowed_dir: Path,  # noqa: F811
    kind: str,
) -> None:
    """A named pipe would block a worker thread forever; a device reads without end."""
    if kind == "fifo":
        path = allowed_dir / "sample.wav"
        os.mkfifo(path)
    elif kind == "folder":
        path = allowed_dir / "sample.wav"
        path.mkdir()
    else:
        path = Path("/dev", kind.removeprefix("dev-"))
        hass.config.allowlist_external_dirs = {str(allowed_dir), "/dev"}

    err = await _refused(hass, emulator, setup_integration, file_path=str(path))

    assert err.translation_key == "sample_not_a_file"
    assert err.translation_placeholders == {"file_path": str(path)}


@pytest.mark.parametrize("size", [100_000_001, 1 << 30, 1 << 40])
async def test_a_file_too_big_is_refused_from_its_size_without_reading(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    tmp_path: Path,
    size: int,
) -> None:
    """Sparse files: reading them would take seconds and their size in memory."""
    allowed = tmp_path / "allowed"
    for folder in (allowed, tmp_path / "media"):
        with (folder / "huge.wav").open("wb") as file:
            file.write(sample_audio.wav(5.0)[:44])
            file.truncate(size)

    tracemalloc.start()
    try:
        by_path = await _refused(
            hass, emulator, setup_integration, file_path=str(allowed / "huge.wav")
        )
        by_media = await _refused(
            hass, emulator, setup_integration, media="media-source://media_source/local/huge.wav"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 10_000_000  # reading the first 100 MB of it would show here
    assert by_path.translation_key == by_media.translation_key == "sample_file_too_large"


# A control character where a sample comes from: the refusal names the field's translation
# and shows the value escaped (no NUL, no line break reaches the message).
CONTROL_CHARACTER_REFUSALS = {
    "file_path": ("invalid_file_path", "file_path"),
    "media": ("invalid_media_id", "media_content_id"),
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("file_path", "/media/a\x00.wav", id="file path with a nul"),
        pytest.param("file_path", "/media/a.wav\x00", id="file path with a trailing nul"),
        pytest.param("file_path", "/media/a\n.wav", id="file path with a newline"),
        pytest.param("file_path", "/media/\x1b[2Ja.wav", id="file path with an escape"),
        pytest.param(
            "media", "media-source://media_source/local/a\x00.wav", id="local media with a nul"
        ),
        pytest.param(
            "media", "media-source://media_source/local/a.wav\x00", id="media with a trailing nul"
        ),
        pytest.param(
            "media",
            "media-source://tts/tts.qwen_tts_speech?message=hi\x00",
            id="tts media with a nul",
        ),
        pytest.param(
            "media", "media-source://media_source/local/a\r\n.wav", id="media with a crlf"
        ),
    ],
)
async def test_a_source_with_a_control_character_is_a_translated_refusal(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    field: str,
    value: str,
) -> None:
    key, placeholder = CONTROL_CHARACTER_REFUSALS[field]

    err = await _refused(hass, emulator, setup_integration, **{field: value})

    assert err.translation_key == key
    assert err.translation_placeholders[placeholder] == sample_sources.printable(value)
    assert "\x00" not in str(err)
    assert "\n" not in err.translation_placeholders[placeholder]


# -- media -------------------------------------------------------------------------------------


class _Snapshot(ImageEntity):
    """A still image (a doorbell's snapshot), as camera and image sources resolve to."""

    _attr_content_type = "image/jpeg"

    def __init__(self, hass: HomeAssistant, name: str) -> None:
        super().__init__(hass)
        self._attr_name = name

    async def async_image(self) -> bytes | None:
        return b"\xff\xd8\xff\xe0 not a voice"


async def test_an_image_is_refused_at_once(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    """A media item that resolves to no audio: refused from its kind, nothing downloaded."""
    assert await async_setup_component(hass, "image", {})
    snapshot = _Snapshot(hass, "Doorbell")
    await hass.data[IMAGES].async_add_entities([snapshot])
    await hass.async_block_till_done()
    media_id = f"media-source://image/{snapshot.entity_id}"

    err = await _refused(hass, emulator, setup_integration, media=media_id)

    assert err.translation_key == "media_not_audio"
    assert err.translation_placeholders == {"media_content_id": media_id, "mime_type": "image/jpeg"}


@pytest.mark.parametrize(
    "item",
    [("door.jpg", "image/jpeg"), ("notes.txt", "text/plain"), ("manual.pdf", "application/pdf")],
    ids=["jpg", "txt", "pdf"],
)
async def test_local_media_named_as_no_audio_is_refused_without_reading(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    media_dir: Path,  # noqa: F811
    item: tuple[str, str],
) -> None:
    name, mime_type = item
    os.mkfifo(media_dir / name)  # reading it would block: it is never opened
    media_id = f"media-source://media_source/local/{name}"

    err = await _refused(hass, emulator, setup_integration, media=media_id)

    assert err.translation_key == "media_not_audio"
    assert err.translation_placeholders["mime_type"] == mime_type


SAMPLES = {
    "wav": sample_audio.wav(5.0),
    "stereo-wav": sample_audio.wav(5.0, 48000, channels=2),
    "mp3": sample_audio.mp3(5.0),
}


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("name", ["grandma", "grandma.", "recording.bin"])
async def test_a_recording_in_local_media_is_recognised_by_its_content_whatever_its_name(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    media_dir: Path,  # noqa: F811
    sample: str,
    name: str,
) -> None:
    (media_dir / name).write_bytes(SAMPLES[sample])

    response = await hass.services.async_call(
        DOMAIN,
        "create_voice",
        {
            "config_entry_id": setup_integration.entry_id,
            "name": "gm",
            "media": f"media-source://media_source/local/{name}",
        },
        blocking=True,
        return_response=True,
    )

    assert response is not None
    assert str(response["voice"]).startswith("qwen-tts-vc-gm-")


# -- downloads ---------------------------------------------------------------------------------


@pytest.fixture
async def web_server(socket_enabled: None) -> AsyncIterator[str]:
    """A loopback server answering what a media URL might: a page, a stall, an endless body."""
    app = web.Application()
    closing = asyncio.Event()

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html>login</html>", content_type="text/html")

    async def stall(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "audio/wav"})
        await response.prepare(request)
        await response.write(b"RIFF")
        await closing.wait()
        return response

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "audio/mpeg"})
        await response.prepare(request)
        while not closing.is_set():
            await response.write(b"\xff" * 65536)
        return response

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "audio/wav"})
        response.content_length = 200_000_000
        await response.prepare(request)
        await response.write(b"RIFF")
        await closing.wait()
        return response

    for path, handler in (
        ("/page", page),
        ("/stall", stall),
        ("/endless", endless),
        ("/huge", huge),
    ):
        app.router.add_get(path, handler)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        closing.set()
        await runner.cleanup()


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/page", "media_not_audio"),
        ("/stall", "media_download_failed"),
        ("/endless", "sample_file_too_large"),
        ("/huge", "sample_file_too_large"),
        ("/missing", "media_download_failed"),
    ],
)
async def test_a_download_is_bounded_in_time_size_and_kind(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    web_server: str,
    path: str,
    key: str,
) -> None:
    monkeypatch.setattr(sample_sources, "DOWNLOAD_READ_TIMEOUT", 0.3)
    monkeypatch.setattr(sample_sources, "DOWNLOAD_TIMEOUT", 1.0)

    with pytest.raises(ServiceValidationError) as caught:
        async with asyncio.timeout(5.0):
            await sample_sources._async_download(
                hass, "media-source://example/item", web_server + path, limit=2_000_000
            )

    assert caught.value.translation_key == key
