"""The voice profile subentry flow: a name and a model, then what that model supports."""

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntryState,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    LanguageSelector,
    LanguageSelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
)
import probatio

from .catalogue import MODELS, models_for_region, voice_options
from .const import (
    CONF_FALLBACK_ENGINE,
    CONF_INSTRUCTIONS,
    CONF_LANGUAGE,
    CONF_MODEL,
    CONF_OPTIMIZE_INSTRUCTIONS,
    CONF_PITCH_RATE,
    CONF_REGION,
    CONF_SPEECH_RATE,
    CONF_VOICE,
    CONF_VOLUME,
    DEFAULT_PITCH_RATE,
    DEFAULT_PROFILE,
    DEFAULT_SPEECH_RATE,
    DEFAULT_VOICE,
    DEFAULT_VOLUME,
    DOMAIN,
    SUBENTRY_TTS,
)
from .coordinator import QwenTTSConfigEntry
from .entity import profile_entity_ids
from .languages import SUPPORTED_LANGUAGES

_RATE_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=0.5, max=2.0, step=0.05, mode=NumberSelectorMode.SLIDER)
)
_VOLUME_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=0, max=100, step=1, mode=NumberSelectorMode.SLIDER)
)


def profile_data(model: str, user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The subentry data of a profile: only the fields ``model`` supports."""
    info = MODELS[model]
    data: dict[str, Any] = {CONF_MODEL: model, CONF_VOICE: user_input[CONF_VOICE]}
    if language := user_input.get(CONF_LANGUAGE):
        data[CONF_LANGUAGE] = language
    if info.instructions and (instructions := user_input.get(CONF_INSTRUCTIONS, "").strip()):
        data[CONF_INSTRUCTIONS] = instructions
        data[CONF_OPTIMIZE_INSTRUCTIONS] = bool(user_input.get(CONF_OPTIMIZE_INSTRUCTIONS))
    if info.prosody:
        data[CONF_SPEECH_RATE] = float(user_input[CONF_SPEECH_RATE])
        data[CONF_PITCH_RATE] = float(user_input[CONF_PITCH_RATE])
        data[CONF_VOLUME] = round(user_input[CONF_VOLUME])
    if fallback := user_input.get(CONF_FALLBACK_ENGINE):
        data[CONF_FALLBACK_ENGINE] = fallback
    return data


def fallback_error(hass: HomeAssistant, entry_id: str, engine: str) -> str | None:
    """Why ``engine`` cannot be the fallback of a profile of account ``entry_id``, or None.

    A profile of the same account fails together with it (``fallback_same_account``); a
    profile of another account whose fallback chain leads back to this account would speak
    in circles (``fallback_cycle``).
    """
    registry = er.async_get(hass)
    seen: set[str] = set()
    current: str | None = engine
    while current and current not in seen:
        seen.add(current)
        entity = registry.async_get(current)
        if entity is None or entity.platform != DOMAIN or entity.config_entry_id is None:
            return None  # another integration's engine ends the chain
        if entity.config_entry_id == entry_id:
            return "fallback_same_account" if current == engine else "fallback_cycle"
        other = hass.config_entries.async_get_entry(entity.config_entry_id)
        subentry = other.subentries.get(entity.unique_id) if other is not None else None
        if subentry is None or subentry.subentry_type != SUBENTRY_TTS:
            return None
        current = subentry.data.get(CONF_FALLBACK_ENGINE)
    return "fallback_cycle" if current else None


class ProfileSubentryFlow(ConfigSubentryFlow):
    """Add or change a voice profile (one TTS entity) of a loaded account."""

    def __init__(self) -> None:
        """Nothing chosen yet."""
        super().__init__()
        self._profile: dict[str, Any] | None = None
        self._name = ""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Name the profile and pick its model."""
        entry: QwenTTSConfigEntry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="entry_not_loaded")
        if self._profile is None:
            self._profile = dict(DEFAULT_PROFILE)
        errors: dict[str, str] = {}
        if user_input is not None:
            self._name = user_input[CONF_NAME].strip()
            self._profile[CONF_MODEL] = user_input[CONF_MODEL]
            if self._name:
                return await self.async_step_voice()
            errors[CONF_NAME] = "name_required"
        schema = probatio.Schema(
            {
                probatio.Required(CONF_NAME): TextSelector(),
                probatio.Required(CONF_MODEL): SelectSelector(
                    SelectSelectorConfig(
                        options=models_for_region(entry.data[CONF_REGION]),
                        translation_key="profile_model",
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                ),
            }
        )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                schema, {CONF_NAME: self._name, CONF_MODEL: self._profile[CONF_MODEL]}
            ),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a profile: the same steps, filled in with its settings."""
        subentry = self._get_reconfigure_subentry()
        self._profile = dict(subentry.data)
        self._name = subentry.title
        return await self.async_step_user()

    async def async_step_voice(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Pick the voice, language and the options the chosen model supports."""
        entry: QwenTTSConfigEntry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="entry_not_loaded")
        assert self._profile is not None
        model = self._profile[CONF_MODEL]
        errors: dict[str, str] = {}
        if user_input is not None:
            data = profile_data(model, user_input)
            fallback = data.get(CONF_FALLBACK_ENGINE)
            if fallback and (error := fallback_error(self.hass, entry.entry_id, fallback)):
                errors[CONF_FALLBACK_ENGINE] = error
                self._profile = {**self._profile, **user_input}
            elif self.source == SOURCE_USER:
                return self.async_create_entry(title=self._name, data=data)
            else:
                return self.async_update_and_abort(
                    entry, self._get_reconfigure_subentry(), title=self._name, data=data
                )

        info = MODELS[model]
        options = voice_options(
            model, entry.runtime_data.voices.data or {}, self.hass.config.language
        )
        values = [option["value"] for option in options]
        voice = next(
            v for v in (self._profile.get(CONF_VOICE), DEFAULT_VOICE, values[0]) if v in values
        )
        fields: dict[probatio.Marker, Any] = {
            probatio.Required(CONF_VOICE, default=voice): SelectSelector(
                SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
            ),
            probatio.Optional(CONF_LANGUAGE): LanguageSelector(
                LanguageSelectorConfig(languages=list(SUPPORTED_LANGUAGES))
            ),
        }
        if info.instructions:
            fields[probatio.Optional(CONF_INSTRUCTIONS)] = TextSelector(
                TextSelectorConfig(multiline=True)
            )
            fields[
                probatio.Optional(
                    CONF_OPTIMIZE_INSTRUCTIONS,
                    default=self._profile.get(CONF_OPTIMIZE_INSTRUCTIONS, False),
                )
            ] = BooleanSelector()
        if info.prosody:
            for key, default, selector in (
                (CONF_SPEECH_RATE, DEFAULT_SPEECH_RATE, _RATE_SELECTOR),
                (CONF_PITCH_RATE, DEFAULT_PITCH_RATE, _RATE_SELECTOR),
                (CONF_VOLUME, DEFAULT_VOLUME, _VOLUME_SELECTOR),
            ):
                fields[probatio.Required(key, default=self._profile.get(key, default))] = selector
        fields[probatio.Optional(CONF_FALLBACK_ENGINE)] = EntitySelector(
            EntitySelectorConfig(
                # Never a profile of the same account: it fails together with it.
                domain="tts",
                exclude_entities=profile_entity_ids(self.hass, entry.entry_id),
            )
        )
        suggested = (CONF_LANGUAGE, CONF_INSTRUCTIONS, CONF_FALLBACK_ENGINE)
        return self.async_show_form(
            step_id="voice",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema(fields),
                {k: v for k, v in self._profile.items() if k in suggested},
            ),
            description_placeholders={"model": model},
            errors=errors,
        )
