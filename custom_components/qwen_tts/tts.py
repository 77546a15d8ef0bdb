"""The text-to-speech entities: one per voice profile."""

from collections.abc import AsyncGenerator, Iterator, Mapping
from contextlib import aclosing, contextmanager
import copy
from typing import Any, override

from homeassistant.components.tts import (
    ATTR_PREFERRED_FORMAT,
    TextToSpeechEntity,
    TtsAudioType,
    Voice,
)
from homeassistant.components.tts.entity import TTSAudioRequest, TTSAudioResponse
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .blank_values import without_blanks
from .catalogue import (
    account_voice_label,
    is_account_voice_model,
    newest_first,
    voices_for_language,
)
from .const import (
    ATTR_LANGUAGE_TYPE,
    CONF_FALLBACK_ENGINE,
    CONF_INSTRUCTIONS,
    CONF_LANGUAGE,
    CONF_MODEL,
    CONF_OPTIMIZE_INSTRUCTIONS,
    CONF_PITCH_RATE,
    CONF_SPEECH_RATE,
    CONF_VOICE,
    CONF_VOLUME,
    DEFAULT_MODEL,
    DEFAULT_VOICE,
    DOMAIN,
    LOGGER,
)
from .coordinator import QwenTTSConfigEntry, report_failure, report_success, voice_profiles
from .dashscope import DashScopeError
from .entity import MANUFACTURER
from .errors import to_ha_error, validation_error
from .fallback import Fallback
from .languages import SUPPORTED_LANGUAGES
from .speech import MissingVoiceError, SpeechPlan, output_format, resolve_plan, shape_options
from .streaming import FallbackOnly, Speech, SpeechStream

# Requests are bounded per text (see sentence_pipeline.py); calls need no extra limit.
PARALLEL_UPDATES = 0

# Options that change the audio: the profile's values become HA's defaults (cache key).
AUDIO_OPTIONS: tuple[str, ...] = (
    CONF_VOICE,
    CONF_MODEL,
    ATTR_LANGUAGE_TYPE,
    CONF_INSTRUCTIONS,
    CONF_OPTIMIZE_INSTRUCTIONS,
    CONF_SPEECH_RATE,
    CONF_PITCH_RATE,
    CONF_VOLUME,
)


def supported_options(model: str) -> list[str]:
    """Every call option and the preferred format; the preferred sample rate, channels and
    width only where the model can render them (Home Assistant leaves the shapes an entity
    claims to the entity, and converts the others itself)."""
    return [*AUDIO_OPTIONS, ATTR_PREFERRED_FORMAT, *shape_options(model)]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: QwenTTSConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one entity per voice profile."""
    for subentry_id, subentry in voice_profiles(entry).items():
        async_add_entities([QwenTTSEntity(hass, entry, subentry)], config_subentry_id=subentry_id)


class QwenTTSEntity(TextToSpeechEntity):
    """Speaks with one voice profile; ``tts.speak`` options override the profile."""

    # Media > Text-to-speech, Assist's voice settings and entity pickers show an engine by the
    # entity's own name, so it is the profile's name. The profile's device carries the same
    # name, which Home Assistant does not repeat in the friendly name; with has_entity_name the
    # friendly name would double it ("Bedtime Bedtime"), and no entity name breaks that panel.
    _attr_has_entity_name = False
    _attr_translation_key = "speech"  # icon
    _attr_supported_languages = SUPPORTED_LANGUAGES
    _fallback: Fallback | None = None

    def __init__(
        self, hass: HomeAssistant, entry: QwenTTSConfigEntry, subentry: ConfigSubentry
    ) -> None:
        """Describe the profile's entity and its service device."""
        self._entry = entry
        self._profile: Mapping[str, Any] = subentry.data
        model = self._profile.get(CONF_MODEL, DEFAULT_MODEL)
        self._attr_unique_id = subentry.subentry_id
        self._attr_name = subentry.title
        self._attr_supported_options = supported_options(model)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, subentry.subentry_id)},
            name=subentry.title,
            manufacturer=MANUFACTURER,
            model=model,
            entry_type=DeviceEntryType.SERVICE,
        )
        self._attr_default_options = without_blanks(
            {option: self._profile.get(option) for option in AUDIO_OPTIONS}
        )
        language = self._profile.get(CONF_LANGUAGE)
        if not isinstance(language, str) or language not in SUPPORTED_LANGUAGES:
            language = hass.config.language if hass.config.language in SUPPORTED_LANGUAGES else "en"
        self._attr_default_language = language

    @override
    @callback
    def async_get_supported_voices(self, language: str) -> list[Voice]:
        """The voices for ``language``: the profile's first, then the account's cloned and
        designed voices, then the system voices that speak it."""
        model = self._profile.get(CONF_MODEL, DEFAULT_MODEL)
        own = newest_first((self._entry.runtime_data.voices.data or {}).values())
        # Labels follow Home Assistant's language (the frontend's is not known here).
        ui = self.hass.config.language
        voices = [Voice(v.voice, account_voice_label(v, ui)) for v in own]
        if not is_account_voice_model(model):
            voices += [Voice(v.name, v.label(ui)) for v in voices_for_language(model, language)]
        default = str(self._profile.get(CONF_VOICE) or DEFAULT_VOICE)
        found = self._entry.runtime_data.voices.find(default)
        default_id = found.voice if found is not None else default
        voices.sort(key=lambda v: v.voice_id != default_id)
        return voices

    @override
    async def async_added_to_hass(self) -> None:
        """Prepare the profile's fallback engine, if it has one."""
        await super().async_added_to_hass()
        if engine := self._profile.get(CONF_FALLBACK_ENGINE):
            self._fallback = Fallback(self.hass, self.entity_id, str(engine))

    @override
    async def async_get_tts_audio(
        self, message: str, language: str, options: dict[str, Any]
    ) -> TtsAudioType:
        """Speak ``message`` as one file: WAV with its real sizes, or MP3 from the service
        (or from the fallback engine when the service cannot). A blank option (``""``,
        ``None``, spaces) leaves the profile's setting in place.

        Home Assistant itself streams every message through ``async_stream_tts_audio``;
        this runs the same pipeline and returns the whole audio.
        """
        if not message.strip():
            raise validation_error("empty_message")
        with self._translated():
            stream = await self._async_speech(options, language)
            LOGGER.debug("Speaking %d characters (%s)", len(message), stream.output)
            audio = await stream.file(message)
        return stream.output.extension, audio

    @override
    async def async_stream_tts_audio(self, request: TTSAudioRequest) -> TTSAudioResponse:
        """Speak text as it arrives: Assist's streamed reply, or a ``tts.speak`` message
        (Home Assistant passes it as a one-item stream); the audio streams out as it comes."""
        with self._translated():
            stream = await self._async_speech(request.options, request.language)
        return TTSAudioResponse(
            stream.output.extension, self._translated_audio(stream.audio(request.message_gen))
        )

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """The entity's one translation of failures: a ``DashScopeError`` becomes a
        translated ``HomeAssistantError`` worded for the account's endpoint."""
        try:
            yield
        except DashScopeError as err:
            raise to_ha_error(err, entry=self._entry) from err

    async def _translated_audio(self, audio: AsyncGenerator[bytes]) -> AsyncGenerator[bytes]:
        async with aclosing(audio):
            with self._translated():
                async for chunk in audio:
                    yield chunk

    async def _async_speech(self, options: Mapping[str, Any], language: str) -> Speech:
        """The call's speech: the profile's plan, or only the fallback when the plan needs
        the account's voices and the service could not be asked for them. A blank option
        (``""``, ``None``, spaces) leaves the profile's setting in place."""
        options = without_blanks(options)
        try:
            plan = await self._async_plan(options, language)
        except DashScopeError as err:
            self._report(err)
            if self._fallback is None:
                raise
            model = str(self._profile.get(CONF_MODEL, DEFAULT_MODEL))
            return FallbackOnly(
                self._fallback, err, output_format(options, model), options, language
            )
        return SpeechStream(
            self._entry.runtime_data.client,
            plan,
            options,
            report=self._report,
            fallback=self._fallback,
            language=language,
        )

    @callback
    def _report(self, err: DashScopeError | None) -> None:
        """Show a synthesis' outcome in the account's status (a refused key starts
        reauthentication)."""
        if err is None:
            report_success(self._entry)
        else:
            report_failure(self.hass, self._entry, err)

    async def _async_plan(self, options: Mapping[str, Any], language: str) -> SpeechPlan:
        """Resolve the call; a voice unknown here may have been made since the last refresh
        of the account's voices: look once more before refusing it. When the voices cannot
        be loaded at all, the service's failure is raised (``DashScopeError``)."""
        voices = self._entry.runtime_data.voices
        try:
            return resolve_plan(self._profile, options, language, voices)
        except MissingVoiceError:
            pass
        await voices.async_refresh()
        try:
            return resolve_plan(self._profile, options, language, voices)
        except MissingVoiceError as err:
            if voices.last_error is not None:
                # A copy: the refresh's own error is left as the client raised it.
                raise copy.copy(voices.last_error) from err
            raise
