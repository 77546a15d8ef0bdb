"""The voice services against the DashScope emulator: create, design, list and delete voices."""

import base64
from collections.abc import Awaitable, Callable
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from homeassistant.components import media_source
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.catalogue import CLONE_MODELS, DESIGN_MODELS
from custom_components.qwen_tts.const import CONF_REGION, DOMAIN
from custom_components.qwen_tts.dashscope import AuthError
from custom_components.qwen_tts.errors import to_ha_error

from . import sample_audio
from .emulator import DashScopeEmulator
from .emulator.audio import render_pcm
from .sample_audio import pcm_of
from .service_failures import failure_cases
from .voice_services import call_service, refused_service

PREVIEW_TEXT = "Good evening. The washing machine has finished its program."
CALM_ANNOUNCER = {"name": "announcer", "description": "A calm voice.", "preview_text": PREVIEW_TEXT}


@pytest.fixture
def ffmpeg_bin() -> str:
    """The ffmpeg binary Home Assistant is configured with: imageio's, unless a test says."""
    return sample_audio.FFMPEG


@pytest.fixture(autouse=True)
async def media_and_ffmpeg(hass: HomeAssistant, tmp_path: Path, ffmpeg_bin: str) -> None:
    """A local media folder, an allowed folder, and ffmpeg (before the account)."""
    (tmp_path / "media").mkdir()
    (tmp_path / "allowed").mkdir()
    hass.config.media_dirs = {"local": str(tmp_path / "media")}
    hass.config.allowlist_external_dirs = {str(tmp_path / "allowed")}
    assert await async_setup_component(hass, "ffmpeg", {"ffmpeg": {"ffmpeg_bin": ffmpeg_bin}})
    assert await async_setup_component(hass, "media_source", {})


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    """The local media folder (``media-source://media_source/local/...``)."""
    return tmp_path / "media"


@pytest.fixture
def allowed_dir(tmp_path: Path) -> Path:
    """A folder listed in ``allowlist_external_dirs``."""
    return tmp_path / "allowed"


def _creations(emulator: DashScopeEmulator) -> list[dict[str, Any]]:
    """The ``input`` of every voice enrollment ``create`` the emulator received."""
    return [
        r.body["input"]
        for r in emulator.requests_of("enrollment")
        if r.body and r.body["input"].get("action") == "create"
    ]


def _designs(emulator: DashScopeEmulator) -> list[dict[str, Any]]:
    """The ``input`` of every voice design ``create`` the emulator received."""
    return [
        r.body["input"]
        for r in emulator.requests_of("design")
        if r.body and r.model == "qwen-voice-design" and r.body["input"].get("action") == "create"
    ]


def _uploaded_audio(emulator: DashScopeEmulator) -> tuple[str, bytes]:
    """The mime type and bytes of the one uploaded sample."""
    (creation,) = _creations(emulator)
    header, encoded = creation["audio"]["data"].split(",", 1)
    assert header.endswith(";base64")
    return header.removeprefix("data:").removesuffix(";base64"), base64.b64decode(encoded)


def _uploaded_format(emulator: DashScopeEmulator) -> tuple[str, bytes, int, int]:
    """The mime type, PCM, sample rate and channels of the one uploaded sample."""
    mime_type, audio = _uploaded_audio(emulator)
    return (mime_type, *pcm_of(audio))


def _local_media(media_dir: Path, filename: str, sample: bytes) -> str:
    """Put a sample in the local media folder and return its media-source id."""
    (media_dir / filename).write_bytes(sample)
    return f"media-source://media_source/local/{filename}"


async def _create_voice(
    hass: HomeAssistant, entry: MockConfigEntry, name: str, **data: Any
) -> dict[str, Any] | None:
    """Call ``create_voice`` for ``name`` with a sample source and other fields."""
    return await call_service(hass, entry, "create_voice", name=name, **data)


type CreateFromMedia = Callable[[str, bytes, str], Awaitable[dict[str, Any] | None]]


@pytest.fixture
def create_from_local_media(
    hass: HomeAssistant, setup_integration: MockConfigEntry, media_dir: Path
) -> CreateFromMedia:
    """Put a sample file in the local media folder and call ``create_voice`` with it."""

    async def _create(filename: str, sample: bytes, name: str) -> dict[str, Any] | None:
        media_id = _local_media(media_dir, filename, sample)
        return await _create_voice(hass, setup_integration, name, media=media_id)

    return _create


async def _refused_creation(
    hass: HomeAssistant, emulator: DashScopeEmulator, entry: MockConfigEntry, **data: Any
) -> ServiceValidationError:
    """Call ``create_voice`` for a voice named ``gm`` that must refuse before DashScope."""
    return await refused_service(hass, emulator, entry, "create_voice", **({"name": "gm"} | data))


async def _tts_media_id(hass: HomeAssistant, hass_client: Any, message: str) -> str:
    """A ``media-source://tts`` id for the message, served by Home Assistant on loopback."""
    client = await hass_client()  # Home Assistant's HTTP server on a loopback port
    hass.config.internal_url = str(client.make_url("/")).rstrip("/")
    (engine,) = hass.states.async_entity_ids("tts")
    return f"media-source://tts/{engine}?message={quote(message)}"


SAMPLE_URL = "https://example.com/a.wav"


def _assert_knows_voice(entry: MockConfigEntry, name: str, voice: str) -> None:
    """The account's voices find ``name`` as ``voice`` without another refresh."""
    found = entry.runtime_data.voices.find(name)
    assert found is not None
    assert found.voice == voice


# create_voice


async def test_create_voice_from_local_media_uploads_the_sample_and_responds(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    media_dir: Path,
) -> None:
    sample = sample_audio.wav(8.0)
    media_id = _local_media(media_dir, "grandma.wav", sample)

    response = await _create_voice(
        hass,
        setup_integration,
        "grandma",
        media={"media_content_id": media_id, "media_content_type": "audio/wav"},
    )

    assert response is not None
    assert response["voice"].startswith("qwen-tts-vc-grandma-voice-")
    assert response == {
        "voice": response["voice"],
        "name": "grandma",
        "target_model": "qwen3-tts-vc-2026-01-22",
    }
    (creation,) = _creations(emulator)
    assert creation["preferred_name"] == "grandma"
    assert creation["target_model"] == "qwen3-tts-vc-2026-01-22"
    assert "text" not in creation
    assert "language" not in creation
    assert _uploaded_audio(emulator) == ("audio/wav", sample)
    assert response["voice"] in emulator.voices


async def test_created_voice_is_known_to_the_account_at_once(
    setup_integration: MockConfigEntry, create_from_local_media: CreateFromMedia
) -> None:
    response = await create_from_local_media("grandma.wav", sample_audio.wav(5.0), "grandma")
    assert response is not None
    _assert_knows_voice(setup_integration, "grandma", response["voice"])


async def test_a_stereo_media_sample_is_uploaded_as_mono(
    emulator: DashScopeEmulator, create_from_local_media: CreateFromMedia
) -> None:
    stereo = sample_audio.wav(5.0, rate=48000, channels=2)

    await create_from_local_media("memo.wav", stereo, "grandpa")

    mime_type, _, rate, channels = _uploaded_format(emulator)
    assert (mime_type, rate, channels) == ("audio/wav", 48000, 1)


async def test_create_voice_from_an_allowed_mp3_file_uploads_a_24khz_mono_wav(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    allowed_dir: Path,
) -> None:
    path = allowed_dir / "recording.bin"  # the name says nothing; the content is MP3
    path.write_bytes(sample_audio.mp3(6.0, rate=44100, channels=2))

    response = await _create_voice(
        hass,
        setup_integration,
        "mom",
        file_path=str(path),
        text="Good night, sleep well.",
        language="en-US",
        target_model="qwen3-tts-vc-realtime-2026-01-15",
    )

    assert response is not None
    assert response["target_model"] == "qwen3-tts-vc-realtime-2026-01-15"
    (creation,) = _creations(emulator)
    assert creation["target_model"] == "qwen3-tts-vc-realtime-2026-01-15"
    assert creation["text"] == "Good night, sleep well."
    assert creation["language"] == "en"
    mime_type, pcm, rate, channels = _uploaded_format(emulator)
    assert (mime_type, rate, channels) == ("audio/wav", 24000, 1)
    assert len(pcm) / 2 / 24000 == pytest.approx(6.0, abs=0.1)


async def test_an_m4a_from_a_phone_is_uploaded_as_a_wav(
    emulator: DashScopeEmulator, create_from_local_media: CreateFromMedia
) -> None:
    await create_from_local_media("memo.m4a", sample_audio.m4a(7.0, rate=48000), "dad")

    mime_type, _, rate, channels = _uploaded_format(emulator)
    assert (mime_type, rate, channels) == ("audio/wav", 24000, 1)


async def test_a_long_96khz_wav_is_uploaded_as_a_24khz_mono_wav(
    emulator: DashScopeEmulator, create_from_local_media: CreateFromMedia
) -> None:
    recording = sample_audio.wav(45.0, rate=96000)  # 8.64 MB: 11.5 MB as base64, too large
    assert len(base64.b64encode(recording)) > 10_000_000

    response = await create_from_local_media("studio.wav", recording, "narrator")

    assert response is not None
    mime_type, pcm, rate, channels = _uploaded_format(emulator)
    assert (mime_type, rate, channels) == ("audio/wav", 24000, 1)
    assert len(pcm) == 45 * 24000 * 2
    assert response["voice"] in emulator.voices


async def test_create_voice_from_tts_media_downloads_it_through_home_assistant(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    hass_client: Any,
) -> None:
    message = "Good night, sweet dreams, sleep tight, see you in the morning. " * 2
    media_id = await _tts_media_id(hass, hass_client, message)

    response = await _create_voice(hass, setup_integration, "robot", media=media_id)

    assert response is not None
    assert response["name"] == "robot"
    mime_type, pcm, rate, channels = _uploaded_format(emulator)
    assert (mime_type, rate, channels) == ("audio/wav", 24000, 1)
    spoken = len(render_pcm(message.strip(), 24000)) / 2 / 24000
    assert len(pcm) / 2 / 24000 == pytest.approx(spoken, abs=0.5)


async def test_media_that_cannot_be_downloaded_is_refused(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    hass_client: Any,
) -> None:
    emulator.fail_next(500, "InternalError", count=10)  # the speech behind the media fails
    media_id = await _tts_media_id(hass, hass_client, "Good night, sleep tight.")

    with pytest.raises(ServiceValidationError) as err:
        await _create_voice(hass, setup_integration, "robot", media=media_id)

    assert err.value.translation_key == "media_download_failed"
    assert err.value.translation_placeholders["media_content_id"] == media_id
    assert _creations(emulator) == []


async def test_create_voice_from_a_url_passes_the_url_to_dashscope(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    url = "https://example.com/recordings/grandma.wav"

    response = await _create_voice(
        hass, setup_integration, "grandma", url=url, target_model="qwen3-tts-vc-realtime-2025-11-27"
    )

    assert response is not None
    assert response["target_model"] == "qwen3-tts-vc-realtime-2025-11-27"
    (creation,) = _creations(emulator)
    assert creation["audio"] == {"data": url}
    assert creation["target_model"] == "qwen3-tts-vc-realtime-2025-11-27"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://192.168.1.20/grandma.wav", "url_not_public"),
        ("http://homeassistant.local:8123/local/grandma.wav", "url_not_public"),
        ("http://localhost/grandma.wav", "url_not_public"),
        ("http://[::1]/grandma.wav", "url_not_public"),
        ("ftp://example.com/grandma.wav", "invalid_url"),
        ("grandma.wav", "invalid_url"),
    ],
)
async def test_a_url_dashscope_cannot_fetch_is_refused(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    url: str,
    key: str,
) -> None:
    err = await _refused_creation(hass, emulator, setup_integration, url=url)
    assert err.translation_key == key
    assert err.translation_placeholders == {"url": url}


async def test_a_file_outside_the_allowed_folders_is_refused(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    tmp_path: Path,
) -> None:
    path = tmp_path / "secret.wav"
    path.write_bytes(sample_audio.wav(5.0))

    err = await _refused_creation(hass, emulator, setup_integration, file_path=str(path))

    assert err.translation_key == "file_path_not_allowed"
    assert err.translation_placeholders == {"file_path": str(path)}


async def test_a_missing_file_is_refused(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    allowed_dir: Path,
) -> None:
    path = str(allowed_dir / "missing.wav")
    err = await _refused_creation(hass, emulator, setup_integration, file_path=path)
    assert err.translation_key == "sample_file_unreadable"
    assert err.translation_placeholders["file_path"] == path


async def test_missing_media_is_refused(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    media_id = "media-source://media_source/local/nothing-here.wav"
    err = await _refused_creation(hass, emulator, setup_integration, media=media_id)
    assert err.translation_key == "media_not_found"
    assert err.translation_placeholders["media_content_id"] == media_id


@pytest.mark.parametrize(
    "sources",
    [
        {},
        {"url": SAMPLE_URL, "file_path": "/tmp/a.wav"},
        {"url": SAMPLE_URL, "media": "media-source://media_source/local/a.wav"},
    ],
    ids=["none", "url_and_file", "url_and_media"],
)
async def test_exactly_one_sample_source_is_required(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    sources: dict[str, str],
) -> None:
    err = await _refused_creation(hass, emulator, setup_integration, **sources)
    assert err.translation_key == "one_sample_source"


@pytest.mark.parametrize("name", ["", "grand-ma", "grandma voice", "a" * 17, "外婆"])
async def test_an_invalid_voice_name_is_refused(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry, name: str
) -> None:
    err = await _refused_creation(hass, emulator, setup_integration, name=name, url=SAMPLE_URL)
    assert err.translation_key == "invalid_voice_name"
    assert err.translation_placeholders == {"name": name}


async def test_a_voice_name_of_16_characters_is_accepted(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    name = "Grandma_1234_abc"
    response = await _create_voice(hass, setup_integration, name, url=SAMPLE_URL)
    assert response is not None
    assert response["name"] == name
    assert _creations(emulator)[0]["preferred_name"] == name


async def test_a_model_that_cannot_clone_is_refused(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    err = await _refused_creation(
        hass, emulator, setup_integration, url=SAMPLE_URL, target_model="qwen3-tts-flash"
    )
    assert err.translation_key == "invalid_target_model"
    assert err.translation_placeholders["model"] == "qwen3-tts-flash"


async def test_an_unsupported_language_is_refused(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    err = await _refused_creation(hass, emulator, setup_integration, url=SAMPLE_URL, language="nl")
    assert err.translation_key == "invalid_language"
    assert err.translation_placeholders["language"] == "nl"


@pytest.mark.parametrize(
    "case",
    [
        (lambda: sample_audio.wav(2.0), "sample_too_short"),
        (lambda: sample_audio.wav(61.0), "sample_too_long"),
        (lambda: sample_audio.wav(5.0, rate=16000), "sample_rate_too_low"),
        (lambda: sample_audio.mp3(5.0, rate=16000, channels=1), "sample_rate_too_low"),
        (lambda: b"This is a text file, not a recording.", "sample_unreadable"),
        (lambda: b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 8, "sample_unreadable"),
    ],
    ids=["short", "long", "16khz_wav", "16khz_mp3", "text", "damaged_mp3"],
)
async def test_a_refused_sample_sends_nothing_to_dashscope(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    media_dir: Path,
    case: tuple[Any, str],
) -> None:
    make_sample, key = case
    media_id = _local_media(media_dir, "sample.wav", make_sample())

    err = await _refused_creation(hass, emulator, setup_integration, media=media_id)

    assert err.translation_key == key
    assert _creations(emulator) == []


@pytest.mark.parametrize("ffmpeg_bin", ["/nonexistent/bin/ffmpeg"])
async def test_without_ffmpeg_an_m4a_is_refused_saying_that_ffmpeg_is_needed(
    emulator: DashScopeEmulator, create_from_local_media: CreateFromMedia
) -> None:
    before = len(emulator.requests)

    with pytest.raises(HomeAssistantError) as err:
        await create_from_local_media("memo.m4a", sample_audio.m4a(5.0), "dad")

    assert err.value.translation_key == "ffmpeg_unavailable"
    assert str(err.value) == (
        "Converting this voice sample needs ffmpeg, and Home Assistant could not run it "
        "(/nonexistent/bin/ffmpeg: No such file or directory). Install ffmpeg on the Home "
        "Assistant host, or use a 16-bit WAV recorded at 24 to 48 kHz, which needs no conversion"
    )
    assert emulator.requests[before:] == []


@pytest.mark.parametrize("ffmpeg_bin", ["/nonexistent/bin/ffmpeg"])
async def test_without_ffmpeg_a_16bit_wav_is_uploaded(
    emulator: DashScopeEmulator, create_from_local_media: CreateFromMedia
) -> None:
    await create_from_local_media("memo.wav", sample_audio.wav(5.0, rate=44100, channels=2), "dad")

    _, _, rate, channels = _uploaded_format(emulator)
    assert (rate, channels) == (44100, 1)


@failure_cases(
    (400, "Audio.PreprocessError", "sample_rejected"),
    (429, "Throttling.RateQuota", "rate_limited"),
    (400, "DataInspectionFailed", "content_rejected"),
    (403, "Arrearage", "account_problem"),
    (500, "InternalError", "service_error"),
    names=("status", "code", "key"),
)
async def test_a_dashscope_error_is_translated_with_its_request_id(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    *,
    status: int,
    code: str,
    key: str,
) -> None:
    emulator.fail_next(status, code, kind="enrollment")

    with pytest.raises(HomeAssistantError) as err:
        await _create_voice(hass, setup_integration, "gm", url=SAMPLE_URL)

    assert err.value.translation_key == key
    assert err.value.translation_placeholders["code"] == code
    assert err.value.translation_placeholders["request_id"] not in ("", "-")
    assert emulator.voices == {}


async def test_a_refused_api_key_starts_reauthentication(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    emulator.fail_next(401, "InvalidApiKey", kind="enrollment")

    with pytest.raises(HomeAssistantError) as err:
        await _create_voice(hass, setup_integration, "gm", url=SAMPLE_URL)
    await hass.async_block_till_done()

    assert err.value.translation_key == "auth_failed_endpoint"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_telling_a_refused_key_starts_nothing_by_itself(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """Building the error only words it: the caller reports the failure (reauthentication,
    the account's status) where it happened."""
    to_ha_error(AuthError("refused", code="InvalidApiKey"), setup_integration)
    await hass.async_block_till_done()

    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    assert setup_integration.runtime_data.status.status == "ok"


@pytest.mark.parametrize(
    ("region", "key"),
    [("custom", "auth_failed_endpoint"), ("intl", "auth_failed"), ("cn", "auth_failed")],
)
def test_a_refused_key_points_at_the_region_only_where_there_is_one(
    hass: HomeAssistant, region: str, key: str
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, data={CONF_REGION: region})
    messages = json.loads(
        (Path(__file__).parents[1] / "custom_components/qwen_tts/translations/en.json").read_text()
    )["exceptions"]

    err = to_ha_error(AuthError("refused", code="InvalidApiKey"), entry)

    assert err.translation_key == key
    assert ("region" in messages[key]["message"]) is (region != "custom")


async def test_the_account_must_be_loaded(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    assert setup_integration.state is ConfigEntryState.NOT_LOADED

    err = await refused_service(hass, emulator, setup_integration, "list_voices")

    assert err.translation_key == "service_config_entry_not_loaded"


async def test_an_unknown_account_is_refused(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "list_voices",
            {"config_entry_id": "no-such-entry"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "service_config_entry_not_found"


# design_voice


async def test_design_voice_saves_a_playable_preview_in_local_media(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    media_dir: Path,
    hass_client: Any,
) -> None:
    response = await call_service(
        hass,
        setup_integration,
        "design_voice",
        name="announcer",
        description="A calm, warm female voice in her forties, speaking slowly and clearly.",
        preview_text=PREVIEW_TEXT,
        language="en",
    )

    assert response is not None
    voice = response["voice"]
    assert voice.startswith("qwen-tts-vd-announcer-voice-")
    assert response == {
        "voice": voice,
        "name": "announcer",
        "target_model": "qwen3-tts-vd-2026-01-26",
        "preview": f"media-source://media_source/local/qwen_tts/announcer-{voice}.wav",
    }
    played = await media_source.async_resolve_media(hass, response["preview"], None)
    assert played.mime_type in ("audio/wav", "audio/x-wav")
    assert played.path == media_dir / "qwen_tts" / f"announcer-{voice}.wav"
    client = await hass_client()
    http_response = await client.get(played.url)
    assert http_response.status == 200
    wav = await http_response.read()
    assert pcm_of(wav) == (render_pcm(PREVIEW_TEXT, 24000), 24000, 1)


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        pytest.param(
            {
                "name": "narrator",
                "description": "A deep, slow male storyteller.",
                "preview_text": PREVIEW_TEXT,
                "target_model": "qwen3-tts-vd-realtime-2026-01-15",
                "language": "zh-Hans",
            },
            {
                "action": "create",
                "target_model": "qwen3-tts-vd-realtime-2026-01-15",
                "voice_prompt": "A deep, slow male storyteller.",
                "preview_text": PREVIEW_TEXT,
                "preferred_name": "narrator",
                "language": "zh",
            },
            id="every field -> sent under DashScope's names, zh-Hans as zh",
        ),
        pytest.param(
            {"name": "long", "description": "d" * 2048, "preview_text": "p" * 1024},
            {
                "action": "create",
                "target_model": "qwen3-tts-vd-2026-01-26",
                "voice_prompt": "d" * 2048,
                "preview_text": "p" * 1024,
                "preferred_name": "long",
                "language": None,
            },
            id="the longest description and preview -> accepted and sent whole",
        ),
    ],
)
async def test_design_voice_sends_the_description_and_refreshes_the_voices(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    given: dict[str, str],
    sent: dict[str, str | None],
) -> None:
    response = await call_service(hass, setup_integration, "design_voice", **given)

    (inputs,) = _designs(emulator)
    assert {key: inputs.get(key) for key in sent} == sent
    assert response is not None
    assert response["target_model"] == sent["target_model"]
    _assert_knows_voice(setup_integration, given["name"], response["voice"])


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"description": "x" * 2049}, "invalid_description"),
        ({"description": "   "}, "invalid_description"),
        ({"preview_text": "Too short text"}, "invalid_preview_text"),
        ({"preview_text": "y" * 1025}, "invalid_preview_text"),
        ({"name": "an-nouncer"}, "invalid_voice_name"),
        ({"target_model": "qwen3-tts-vc-2026-01-22"}, "invalid_target_model"),
        ({"language": "xx"}, "invalid_language"),
    ],
    ids=[
        "long_description",
        "blank_description",
        "short_preview",
        "long_preview",
        "name",
        "clone_model",
        "language",
    ],
)
async def test_design_voice_refuses_what_dashscope_would_refuse(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    fields: dict[str, str],
    key: str,
) -> None:
    err = await refused_service(
        hass, emulator, setup_integration, "design_voice", **(CALM_ANNOUNCER | fields)
    )
    assert err.translation_key == key


async def test_design_voice_needs_a_media_folder_before_anything_is_paid_for(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    hass.config.media_dirs = {}
    err = await refused_service(hass, emulator, setup_integration, "design_voice", **CALM_ANNOUNCER)
    assert err.translation_key == "no_media_folder"


async def test_a_design_error_is_translated(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    emulator.fail_next(400, "DataInspectionFailed", kind="design")
    with pytest.raises(HomeAssistantError) as err:
        await call_service(hass, setup_integration, "design_voice", **CALM_ANNOUNCER)
    assert err.value.translation_key == "content_rejected"


# list_voices


async def test_list_voices_returns_every_cloned_and_designed_voice(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    cloned = [emulator.add_voice(f"kid{i}", "qwen3-tts-vc-2026-01-22") for i in range(120)]
    designed = emulator.add_voice("announcer", "qwen3-tts-vd-realtime-2026-01-15", designed=True)

    response = await call_service(hass, setup_integration, "list_voices")

    assert response is not None
    voices = {v["voice"]: v for v in response["voices"]}
    assert len(response["voices"]) == 121  # more than one page
    assert set(voices) == {*cloned, designed}
    assert voices[designed] == {
        "voice": designed,
        "name": "announcer",
        "kind": "designed",
        "target_model": "qwen3-tts-vd-realtime-2026-01-15",
        "created": emulator.voices[designed]["gmt_create"],
    }
    assert voices[cloned[7]]["name"] == "kid7"
    assert voices[cloned[7]]["kind"] == "cloned"
    assert voices[cloned[7]]["target_model"] == "qwen3-tts-vc-2026-01-22"


async def test_list_voices_of_an_account_without_voices_is_empty(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    assert await call_service(hass, setup_integration, "list_voices") == {"voices": []}


async def test_list_voices_updates_the_account_voices(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    voice = emulator.add_voice("grandma", "qwen3-tts-vc-2026-01-22")
    assert setup_integration.runtime_data.voices.find("grandma") is None

    await call_service(hass, setup_integration, "list_voices")

    _assert_knows_voice(setup_integration, "grandma", voice)


async def test_a_list_error_is_translated(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    emulator.fail_next(503, "ServiceUnavailable", kind="enrollment")
    with pytest.raises(HomeAssistantError) as err:
        await call_service(hass, setup_integration, "list_voices")
    assert err.value.translation_key == "service_error"


# delete_voice


def _deletions(emulator: DashScopeEmulator) -> list[str]:
    return [
        r.body["input"]["voice"]
        for r in emulator.requests
        if r.body and r.body.get("input", {}).get("action") == "delete"
    ]


@pytest.mark.parametrize("by", ["name", "id"])
async def test_delete_voice_by_name_or_id(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    media_dir: Path,
    by: str,
) -> None:
    created = await _create_voice(hass, setup_integration, "grandma", url=SAMPLE_URL)
    assert created is not None
    voice = created["voice"]

    await call_service(
        hass, setup_integration, "delete_voice", voice="Grandma" if by == "name" else voice
    )

    assert _deletions(emulator) == [voice]
    assert voice not in emulator.voices
    assert setup_integration.runtime_data.voices.find(voice) is None
    assert setup_integration.runtime_data.voices.find("grandma") is None


async def test_delete_a_designed_voice(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    voice = emulator.add_voice("announcer", "qwen3-tts-vd-2026-01-26", designed=True)

    await call_service(hass, setup_integration, "delete_voice", voice="announcer")

    assert _deletions(emulator) == [voice]
    assert [
        r.model for r in emulator.requests if r.body and r.body["input"].get("action") == "delete"
    ] == ["qwen-voice-design"]
    assert emulator.voices == {}


async def test_deleting_an_unknown_voice_is_refused_naming_it(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    emulator.add_voice("grandma", "qwen3-tts-vc-2026-01-22")
    with pytest.raises(ServiceValidationError) as err:
        await call_service(hass, setup_integration, "delete_voice", voice="grandpa")
    assert err.value.translation_key == "unknown_voice"
    assert err.value.translation_placeholders == {"voice": "grandpa"}
    assert str(err.value).startswith("Unknown voice grandpa: ")
    assert _deletions(emulator) == []
    assert len(emulator.voices) == 1


async def test_a_voice_created_elsewhere_can_be_deleted(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    voice = emulator.add_voice("grandma", "qwen3-tts-vc-2026-01-22")  # after setup

    await call_service(hass, setup_integration, "delete_voice", voice="grandma")

    assert _deletions(emulator) == [voice]


async def test_a_delete_error_is_translated(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    voice = emulator.add_voice("grandma", "qwen3-tts-vc-2026-01-22")
    await call_service(hass, setup_integration, "list_voices")
    emulator.fail_next(500, "InternalError", kind="enrollment")

    with pytest.raises(HomeAssistantError) as err:
        await call_service(hass, setup_integration, "delete_voice", voice="grandma")

    assert err.value.translation_key == "service_error"
    assert voice in emulator.voices
    assert setup_integration.runtime_data.voices.find("grandma") is not None


async def test_a_designed_voice_is_known_even_when_the_refresh_after_it_fails(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry
) -> None:
    emulator.fail_next(503, "ServiceUnavailable", kind="enrollment")  # the list after the design

    response = await call_service(
        hass,
        setup_integration,
        "design_voice",
        name="narrator",
        description="A deep, slow male storyteller.",
        preview_text=PREVIEW_TEXT,
    )

    assert response is not None
    _assert_knows_voice(setup_integration, "narrator", response["voice"])


# Descriptions


async def test_every_service_is_described_with_translated_fields_and_an_icon(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]
    integration = Path(__file__).parent.parent / "custom_components" / DOMAIN
    strings = json.loads((integration / "strings.json").read_text(encoding="utf-8"))
    icons = json.loads((integration / "icons.json").read_text(encoding="utf-8"))

    assert set(descriptions) == {"create_voice", "design_voice", "list_voices", "delete_voice"}
    for service, description in descriptions.items():
        assert description["fields"]["config_entry_id"]["selector"] == {
            "config_entry": {"integration": DOMAIN}
        }
        assert set(strings["services"][service]["fields"]) == set(description["fields"])
        assert icons["services"][service]["service"].startswith("mdi:")
    create = descriptions["create_voice"]["fields"]
    assert create["media"]["selector"]["media"]["accept"] == ["audio/*"]
    assert create["target_model"]["selector"]["select"]["options"] == list(CLONE_MODELS)
    design = descriptions["design_voice"]["fields"]
    assert design["target_model"]["selector"]["select"]["options"] == list(DESIGN_MODELS)
    assert hass.services.supports_response(DOMAIN, "list_voices") is SupportsResponse.ONLY
    assert hass.services.supports_response(DOMAIN, "create_voice") is SupportsResponse.OPTIONAL
    assert hass.services.supports_response(DOMAIN, "design_voice") is SupportsResponse.OPTIONAL


# blank fields: what a script or blueprint renders for an unset input means "not given"

BLANKS = [
    pytest.param("", id="empty"),
    pytest.param("   ", id="spaces"),
    pytest.param(None, id="none"),
]


@pytest.mark.parametrize("blank", BLANKS)
async def test_create_voice_takes_blank_optional_fields_as_not_given(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry, blank: Any
) -> None:
    url = "https://example.com/recordings/grandma.wav"

    response = await _create_voice(
        hass,
        setup_integration,
        "grandma",
        url=url,
        media=blank,
        file_path=blank,
        target_model=blank,
        text=blank,
        language=blank,
    )

    assert response is not None
    assert response["target_model"] == "qwen3-tts-vc-2026-01-22"
    (creation,) = _creations(emulator)
    assert creation["audio"] == {"data": url}
    assert creation["target_model"] == "qwen3-tts-vc-2026-01-22"
    assert "text" not in creation
    assert "language" not in creation


@pytest.mark.parametrize("blank", BLANKS)
async def test_a_blank_media_selection_is_not_a_second_sample_source(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    media_dir: Path,
    blank: Any,
) -> None:
    sample = sample_audio.wav(5.0)
    media_id = _local_media(media_dir, "grandma.wav", sample)

    response = await _create_voice(
        hass,
        setup_integration,
        "grandma",
        media={"media_content_id": media_id, "media_content_type": "audio/wav"},
        url=blank,
    )
    empty_selection = await _refused_creation(
        hass,
        emulator,
        setup_integration,
        media={"media_content_id": blank, "media_content_type": "audio/wav"},
    )

    assert response is not None
    assert _uploaded_audio(emulator) == ("audio/wav", sample)  # the recording, not a blank URL
    assert empty_selection.translation_key == "one_sample_source"


@pytest.mark.parametrize("blank", BLANKS)
async def test_design_voice_takes_blank_optional_fields_as_not_given(
    hass: HomeAssistant, emulator: DashScopeEmulator, setup_integration: MockConfigEntry, blank: Any
) -> None:
    response = await call_service(
        hass,
        setup_integration,
        "design_voice",
        **CALM_ANNOUNCER,
        target_model=blank,
        language=blank,
    )

    assert response is not None
    (inputs,) = _designs(emulator)
    assert inputs["target_model"] == "qwen3-tts-vd-2026-01-26"
    assert "language" not in inputs


@pytest.mark.parametrize("blank", ["", "   "])
@pytest.mark.parametrize(
    "case",
    [
        ("create_voice", "name", "invalid_voice_name"),
        ("design_voice", "name", "invalid_voice_name"),
        ("design_voice", "description", "invalid_description"),
        ("design_voice", "preview_text", "invalid_preview_text"),
    ],
)
async def test_a_blank_required_field_is_refused_by_name(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    setup_integration: MockConfigEntry,
    case: tuple[str, str, str],
    blank: str,
) -> None:
    service, field, key = case
    data = CALM_ANNOUNCER if service == "design_voice" else {"url": "https://example.com/a.wav"}

    err = await refused_service(
        hass, emulator, setup_integration, service, **(data | {field: blank})
    )

    assert err.translation_key == key
