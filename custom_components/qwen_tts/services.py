"""Voice services: create (clone), design, list and delete account voices."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
import re
from typing import Any

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv, service
import probatio

from .blank_values import blank_is_absent
from .catalogue import CLONE_MODELS, DESIGN_MODELS
from .const import DEFAULT_CLONE_MODEL, DEFAULT_DESIGN_MODEL, DOMAIN, LOGGER
from .coordinator import QwenTTSConfigEntry, report_failure, report_success
from .dashscope import AccountVoice, DashScopeError
from .errors import to_ha_error, validation_error
from .languages import LANGUAGE_CODES, parse_language
from .public_url import url_problem
from .repairs import async_update_voice_issues
from .sample_sources import async_read_file, async_read_media
from .samples import Sample, async_prepare_sample

SERVICE_CREATE_VOICE = "create_voice"
SERVICE_DESIGN_VOICE = "design_voice"
SERVICE_LIST_VOICES = "list_voices"
SERVICE_DELETE_VOICE = "delete_voice"

ATTR_NAME = "name"
ATTR_MEDIA = "media"
ATTR_FILE_PATH = "file_path"
ATTR_URL = "url"
ATTR_TARGET_MODEL = "target_model"
ATTR_TEXT = "text"
ATTR_LANGUAGE = "language"
ATTR_DESCRIPTION = "description"
ATTR_PREVIEW_TEXT = "preview_text"
ATTR_VOICE = "voice"

SAMPLE_SOURCES = (ATTR_MEDIA, ATTR_FILE_PATH, ATTR_URL)
# Languages DashScope accepts for a sample or a design (``language``): the ones it speaks.
VOICE_LANGUAGES = tuple(LANGUAGE_CODES)
MAX_DESCRIPTION_LENGTH = 2048
MIN_PREVIEW_TEXT_LENGTH = 15
MAX_PREVIEW_TEXT_LENGTH = 1024
PREVIEW_FOLDER = DOMAIN  # inside the local media folder

_VOICE_NAME = re.compile(r"[A-Za-z0-9_]{1,16}")
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9_.-]")

_MEDIA = probatio.Any(
    cv.string,
    probatio.Schema({probatio.Required("media_content_id"): cv.string}, extra=probatio.ALLOW_EXTRA),
)
_ENTRY = {probatio.Required(ATTR_CONFIG_ENTRY_ID): cv.string}
CREATE_VOICE_SCHEMA = probatio.All(
    blank_is_absent(
        ATTR_MEDIA, ATTR_FILE_PATH, ATTR_URL, ATTR_TARGET_MODEL, ATTR_TEXT, ATTR_LANGUAGE
    ),
    probatio.Schema(
        {
            **_ENTRY,
            probatio.Required(ATTR_NAME): cv.string,
            probatio.Optional(ATTR_MEDIA): _MEDIA,
            probatio.Optional(ATTR_FILE_PATH): cv.string,
            probatio.Optional(ATTR_URL): cv.string,
            probatio.Optional(ATTR_TARGET_MODEL, default=DEFAULT_CLONE_MODEL): cv.string,
            probatio.Optional(ATTR_TEXT): cv.string,
            probatio.Optional(ATTR_LANGUAGE): cv.string,
        }
    ),
)
DESIGN_VOICE_SCHEMA = probatio.All(
    blank_is_absent(ATTR_TARGET_MODEL, ATTR_LANGUAGE),
    probatio.Schema(
        {
            **_ENTRY,
            probatio.Required(ATTR_NAME): cv.string,
            probatio.Required(ATTR_DESCRIPTION): cv.string,
            probatio.Required(ATTR_PREVIEW_TEXT): cv.string,
            probatio.Optional(ATTR_TARGET_MODEL, default=DEFAULT_DESIGN_MODEL): cv.string,
            probatio.Optional(ATTR_LANGUAGE): cv.string,
        }
    ),
)
LIST_VOICES_SCHEMA = probatio.Schema(_ENTRY)
DELETE_VOICE_SCHEMA = probatio.Schema({**_ENTRY, probatio.Required(ATTR_VOICE): cv.string})


@contextmanager
def _translated(hass: HomeAssistant, entry: QwenTTSConfigEntry) -> Iterator[None]:
    """A voice action's one translation of failures: a ``DashScopeError`` is shown in the
    account's status (a refused key starts reauthentication) and raised as the translated
    ``HomeAssistantError``."""
    try:
        yield
    except DashScopeError as err:
        report_failure(hass, entry, err)
        raise to_ha_error(err, entry) from err


def _loaded_entry(call: ServiceCall) -> QwenTTSConfigEntry:
    """The account the call names; it must be a loaded Qwen TTS entry."""
    entry: QwenTTSConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    return entry


def _voice_name(name: str) -> str:
    name = name.strip()
    if not _VOICE_NAME.fullmatch(name):
        raise validation_error("invalid_voice_name", name=name)
    return name


def _target_model(model: str, allowed: tuple[str, ...]) -> str:
    model = model.strip()
    if model not in allowed:
        raise validation_error("invalid_target_model", model=model, models=", ".join(allowed))
    return model


def _language(language: str | None) -> str | None:
    """The ISO 639-1 code DashScope takes, from any spelling of a language it speaks
    (``en-US``, ``zh_Hans``, ``cmn``)."""
    if language is None:
        return None
    if (tag := parse_language(language)) is None:
        raise validation_error(
            "invalid_language", language=language, languages=", ".join(VOICE_LANGUAGES)
        )
    return tag.language


def _public_url(url: str) -> str:
    """An http(s) URL DashScope can fetch from the internet (see ``public_url``)."""
    if (problem := url_problem(url)) is not None:
        raise validation_error(problem, url=url)
    return url.strip()


def _voice_response(voice: AccountVoice, name: str) -> dict[str, Any]:
    return {
        "voice": voice.voice,
        "name": voice.name or name,
        "target_model": voice.target_model,
    }


async def _async_create_voice(call: ServiceCall) -> ServiceResponse:
    """Clone a voice from a recording (checked and fixed locally) or a public URL."""
    entry = _loaded_entry(call)
    name = _voice_name(call.data[ATTR_NAME])
    target_model = _target_model(call.data[ATTR_TARGET_MODEL], CLONE_MODELS)
    language = _language(call.data.get(ATTR_LANGUAGE))
    sources = [key for key in SAMPLE_SOURCES if call.data.get(key)]
    if len(sources) != 1:
        raise validation_error("one_sample_source")
    url: str | None = None
    sample: Sample | None = None
    if sources == [ATTR_URL]:
        url = _public_url(call.data[ATTR_URL])
    else:
        sample = await _async_read_sample(call)
    with _translated(call.hass, entry):
        voice = await entry.runtime_data.client.create_cloned_voice(
            name=name,
            target_model=target_model,
            audio=sample.audio if sample else None,
            mime_type=sample.mime_type if sample else None,
            url=url,
            text=call.data.get(ATTR_TEXT),
            language=language,
        )
    await entry.runtime_data.voices.async_refresh_after_change(added=voice)
    return _voice_response(voice, name)


async def _async_read_sample(call: ServiceCall) -> Sample:
    """Read the ``media`` or ``file_path`` recording, then check and fix it for upload."""
    if media := call.data.get(ATTR_MEDIA):
        media_id = media if isinstance(media, str) else media["media_content_id"]
        data = await async_read_media(call.hass, media_id)
    else:
        data = await async_read_file(call.hass, call.data[ATTR_FILE_PATH])
    sample = await async_prepare_sample(call.hass, data)
    LOGGER.debug(
        "Uploading a %.1f s, %d Hz voice sample (from %s%s)",
        sample.duration,
        sample.sample_rate,
        sample.source,
        ", converted" if sample.converted else "",
    )
    return sample


async def _async_design_voice(call: ServiceCall) -> ServiceResponse:
    """Design a voice from a description; keep its preview in the local media folder."""
    entry = _loaded_entry(call)
    name = _voice_name(call.data[ATTR_NAME])
    description = call.data[ATTR_DESCRIPTION].strip()
    if not 0 < len(description) <= MAX_DESCRIPTION_LENGTH:
        raise validation_error(
            "invalid_description",
            length=str(len(description)),
            max_length=str(MAX_DESCRIPTION_LENGTH),
        )
    preview_text = call.data[ATTR_PREVIEW_TEXT].strip()
    if not MIN_PREVIEW_TEXT_LENGTH <= len(preview_text) <= MAX_PREVIEW_TEXT_LENGTH:
        raise validation_error(
            "invalid_preview_text",
            length=str(len(preview_text)),
            min_length=str(MIN_PREVIEW_TEXT_LENGTH),
            max_length=str(MAX_PREVIEW_TEXT_LENGTH),
        )
    target_model = _target_model(call.data[ATTR_TARGET_MODEL], DESIGN_MODELS)
    language = _language(call.data.get(ATTR_LANGUAGE))
    media_dir_id, media_dir = _preview_media_dir(call.hass)  # before paying for a design
    client = entry.runtime_data.client
    with _translated(call.hass, entry):
        designed = await client.design_voice(
            name=name,
            description=description,
            preview_text=preview_text,
            target_model=target_model,
            language=language,
        )
    voice = designed.voice
    await entry.runtime_data.voices.async_refresh_after_change(added=voice)
    extension = "mp3" if designed.preview_format.lower() == "mp3" else "wav"
    file_name = _UNSAFE_FILE_CHARS.sub("_", f"{name}-{voice.voice}").lstrip(".")
    relative = f"{PREVIEW_FOLDER}/{file_name}.{extension}"
    try:
        await call.hass.async_add_executor_job(
            _save_preview, media_dir / relative, designed.preview_audio
        )
    except OSError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="preview_not_saved",
            translation_placeholders={
                "voice": voice.voice,
                "path": str(media_dir / relative),
                "error": err.strerror or str(err),
            },
        ) from err
    return {
        **_voice_response(voice, name),
        "preview": f"media-source://media_source/{media_dir_id}/{relative}",
    }


async def _async_list_voices(call: ServiceCall) -> ServiceResponse:
    """All cloned and designed voices of the account (every page), fresh from DashScope."""
    entry = _loaded_entry(call)
    with _translated(call.hass, entry):
        voices = await entry.runtime_data.client.list_voices()
    report_success(entry)
    entry.runtime_data.voices.async_set_updated_data({v.voice: v for v in voices})
    return {
        "voices": [
            {
                "voice": v.voice,
                "name": v.name,
                "kind": str(v.kind),
                "target_model": v.target_model,
                "created": v.created,
            }
            for v in voices
        ]
    }


async def _async_delete_voice(call: ServiceCall) -> None:
    """Delete a voice by id or friendly name; profiles that used it get a repair issue."""
    entry = _loaded_entry(call)
    wanted = call.data[ATTR_VOICE].strip()
    voices = entry.runtime_data.voices
    if (voice := voices.find(wanted)) is None:
        await voices.async_refresh()  # created elsewhere since the last refresh?
        if (voice := voices.find(wanted)) is None:
            raise validation_error("unknown_voice", voice=wanted)
    with _translated(call.hass, entry):
        await entry.runtime_data.client.delete_voice(voice.voice)
    await voices.async_refresh_after_change(removed=voice.voice)
    async_update_voice_issues(call.hass, entry, voices, deleted=voice)


def _preview_media_dir(hass: HomeAssistant) -> tuple[str, Path]:
    """The media folder previews go to: ``local`` (or the first one configured)."""
    media_dirs = hass.config.media_dirs
    if not media_dirs:
        raise validation_error("no_media_folder")
    media_dir_id = "local" if "local" in media_dirs else next(iter(media_dirs))
    return media_dir_id, Path(media_dirs[media_dir_id])


def _save_preview(path: Path, audio: bytes) -> None:
    """Write the preview as the client hands it over: a WAV with its real sizes, or MP3
    (blocking: run in the executor)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(audio)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's services."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_CREATE_VOICE,
        _async_create_voice,
        schema=CREATE_VOICE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_DESIGN_VOICE,
        _async_design_voice,
        schema=DESIGN_VOICE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_LIST_VOICES,
        _async_list_voices,
        schema=LIST_VOICES_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_DELETE_VOICE,
        _async_delete_voice,
        schema=DELETE_VOICE_SCHEMA,
    )
