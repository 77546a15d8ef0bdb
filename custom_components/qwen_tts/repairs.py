"""Repairs: a voice profile whose cloned or designed voice no longer exists gets a new voice."""

from collections.abc import Mapping
from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio

from .catalogue import MODELS, SYSTEM_VOICES, account_voice_options, voice_options
from .const import CONF_MODEL, CONF_VOICE, DOMAIN
from .coordinator import AccountVoicesCoordinator, QwenTTSConfigEntry, voice_profiles
from .dashscope import AccountVoice, friendly_name

ISSUE_DELETED_VOICE = "deleted_voice"
STEP_PICK_VOICE = "pick_voice"

_SYSTEM_VOICE_NAMES = frozenset(name.lower() for name in SYSTEM_VOICES)


def deleted_voice_issue_id(subentry_id: str) -> str:
    """The repair issue of one profile."""
    return f"{ISSUE_DELETED_VOICE}_{subentry_id}"


@callback
def async_update_voice_issues(
    hass: HomeAssistant,
    entry: QwenTTSConfigEntry,
    voices: AccountVoicesCoordinator,
    *,
    deleted: AccountVoice | None = None,
) -> None:
    """Raise a repair issue for each profile of ``entry`` whose account voice is gone, and
    withdraw the issues of profiles that are fine again (or were removed).

    ``deleted`` names the voice that was just deleted, for a friendlier message.
    """
    profiles = voice_profiles(entry)
    for issue_id, data in account_issues(hass, entry.entry_id, ISSUE_DELETED_VOICE).items():
        if data.get("subentry_id") not in profiles:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    for subentry_id, subentry in profiles.items():
        voice = str(subentry.data.get(CONF_VOICE) or "")
        issue_id = deleted_voice_issue_id(subentry_id)
        if not voice or voice.lower() in _SYSTEM_VOICE_NAMES or voices.find(voice) is not None:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
            continue
        name = friendly_name(voice)
        if deleted is not None and voice.lower() in (deleted.voice.lower(), deleted.name.lower()):
            name = deleted.name
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            data={
                "entry_id": entry.entry_id,
                "subentry_id": subentry_id,
                "voice": voice,
                "name": name,
            },
            is_fixable=True,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_DELETED_VOICE,
            translation_placeholders={"profile": subentry.title, "voice": name},
        )


@callback
def async_delete_voice_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Withdraw every ``deleted_voice`` issue of an account (it is unloaded or removed)."""
    for issue_id in account_issues(hass, entry_id, ISSUE_DELETED_VOICE):
        ir.async_delete_issue(hass, DOMAIN, issue_id)


def account_issues(hass: HomeAssistant, entry_id: str, kind: str) -> dict[str, Mapping[str, Any]]:
    """{issue id: issue data} of an account's repair issues of one ``kind`` (the translation
    key their ids start with); a copy, so issues can be deleted while going through it."""
    return {
        issue_id: issue.data
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
        and issue_id.startswith(kind)
        and issue.data
        and issue.data.get("entry_id") == entry_id
    }


def replacement_voices(
    model: str, account_voices: dict[str, AccountVoice], language: str | None = None
) -> list[SelectOptionDict]:
    """The voices a profile on ``model`` may switch to: the account's remaining voices that
    suit the model's transport, then the model's system voices (labels in ``language``)."""
    if model in MODELS:
        return voice_options(model, account_voices, language)
    # A profile on a cloned/designed-voice model: only account voices of that model.
    return account_voice_options(
        (v for v in account_voices.values() if v.target_model == model), language
    )


class DeletedVoiceRepairFlow(RepairsFlow):
    """Pick another voice for a profile whose voice was deleted."""

    def __init__(self, entry_id: str, subentry_id: str, voice: str) -> None:
        """Remember which profile to fix."""
        super().__init__()
        self._entry_id = entry_id
        self._subentry_id = subentry_id
        self._voice = voice

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Start with the voice choice."""
        return await self.async_step_pick_voice()

    async def async_step_pick_voice(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show the voices the profile can use; save the chosen one to the profile."""
        entry: QwenTTSConfigEntry | None = self.hass.config_entries.async_get_entry(self._entry_id)
        subentry = entry.subentries.get(self._subentry_id) if entry else None
        if entry is None or subentry is None:
            return self.async_abort(reason="profile_removed")
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="account_not_loaded")
        options = replacement_voices(
            subentry.data[CONF_MODEL],
            entry.runtime_data.voices.data or {},
            self.hass.config.language,
        )
        values = [option["value"] for option in options]
        if user_input is not None and user_input.get(CONF_VOICE) in values:
            self.hass.config_entries.async_update_subentry(
                entry, subentry, data={**subentry.data, CONF_VOICE: user_input[CONF_VOICE]}
            )
            return self.async_create_entry(data={})
        if not options:
            return self.async_abort(reason="no_voices")
        schema = probatio.Schema(
            {
                probatio.Required(CONF_VOICE, default=values[0]): SelectSelector(
                    SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
                )
            }
        )
        return self.async_show_form(
            step_id=STEP_PICK_VOICE,
            data_schema=schema,
            description_placeholders={"profile": subentry.title, "voice": self._voice},
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of a ``deleted_voice`` issue."""
    data = data or {}
    return DeletedVoiceRepairFlow(
        str(data.get("entry_id")),
        str(data.get("subentry_id")),
        str(data.get("name") or data.get("voice")),
    )
