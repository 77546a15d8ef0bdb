"""A loaded account: its runtime data (``QwenTTSConfigEntry``), and its cloned and designed
voices, loaded at setup and refreshed slowly.

Everything that reports to the account (its status, reauthentication) goes through
``report_failure`` / ``report_success`` here; the repair issues that follow the voices are
listeners the integration's setup registers, so this module imports no repairs.

The first load does not hold the account back: an account whose service cannot be reached
(or whose key is refused) when Home Assistant starts still sets up, so its profiles exist
and speak through their fallback engine; the voices load on a quicker retry until the
service answers, and a refused key starts reauthentication.
"""

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import override

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .catalogue import newest_first
from .const import CONF_REGION, DOMAIN, LOGGER, SUBENTRY_TTS
from .dashscope import (
    AccountVoice,
    AuthError,
    DashScopeClient,
    DashScopeError,
    Region,
    VoiceNotFoundError,
)
from .service_status import StatusTracker
from .tts_cache import KnownVoices
from .usage import UsageTracker

REFRESH_INTERVAL = timedelta(minutes=30)
# While the list cannot be loaded, it is asked for again sooner.
RETRY_INTERVAL = timedelta(minutes=1)


class AccountVoicesCoordinator(DataUpdateCoordinator[dict[str, AccountVoice]]):
    """Keeps ``{voice id: AccountVoice}`` of the account; a 401 starts reauth."""

    config_entry: QwenTTSConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: QwenTTSConfigEntry,
        client: DashScopeClient,
        status: StatusTracker,
    ) -> None:
        """Create the coordinator for one account; each refresh reports to ``status``."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} voices",
            update_interval=REFRESH_INTERVAL,
        )
        self.client = client
        self.status = status
        self.last_error: DashScopeError | None = None
        """Why the last refresh failed (``None`` after a successful one)."""
        self.known_voices = KnownVoices(hass, entry.entry_id)
        self._noted: frozenset[str] | None = None
        self._noting: asyncio.Task[None] | None = None
        # Cached audio made with voices that changed is dropped.
        self.async_add_listener(self._async_note_voices)

    @callback
    def _async_note_voices(self) -> None:
        if not self.last_update_success:
            return
        voice_ids = frozenset(self.data or {})
        if voice_ids != self._noted:
            # A friendly name may now mean another voice, or none.
            self._noted = voice_ids
            self._noting = self.config_entry.async_create_task(
                self.hass, self.known_voices.async_update(voice_ids), eager_start=True
            )

    @override
    async def _async_update_data(self) -> dict[str, AccountVoice]:
        try:
            voices = await self.client.list_voices()
        except DashScopeError as err:
            self.last_error = err
            self.status.report(err)
            self.update_interval = RETRY_INTERVAL
            raise self._failure(err) from err
        self.last_error = None
        self.status.report()
        self.update_interval = REFRESH_INTERVAL
        return {v.voice: v for v in voices}

    def _failure(self, err: DashScopeError) -> ConfigEntryAuthFailed | UpdateFailed:
        """A refused key starts reauthentication; anything else is retried."""
        if isinstance(err, AuthError):
            return ConfigEntryAuthFailed(
                translation_domain=DOMAIN,
                translation_key=refused_key_translation_key(self.config_entry, "invalid_auth"),
            )
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="voices_unavailable",
            translation_placeholders={"error": str(err)},
        )

    async def async_refresh_after_change(
        self, *, added: AccountVoice | None = None, removed: str | None = None
    ) -> None:
        """Reload the voices after one was created or deleted.

        The change shows at once, even when the service's list lags behind or cannot be
        loaded right now; Home Assistant's TTS cache is cleared before this returns.
        """
        await self.async_refresh()
        voices = dict(self.data or {})
        if added is not None:
            voices.setdefault(added.voice, added)
        if removed is not None:
            voices.pop(removed, None)
        if voices != (self.data or {}):
            self.async_set_updated_data(voices)
        if (noting := self._noting) is not None:
            self._noting = None
            await noting

    def find(self, voice: str) -> AccountVoice | None:
        """Find an account voice by id or by the friendly name it was created with."""
        voices = self.data or {}
        if found := voices.get(voice):
            return found
        # The newest when a name was reused.
        matches = newest_first(v for v in voices.values() if v.name.lower() == voice.lower())
        return matches[0] if matches else None


@dataclass(slots=True)
class QwenTTSRuntimeData:
    """What a loaded account holds: the client, the account's voices, the service's status
    (``status.report(err_or_None)`` after each call) and this month's usage
    (``usage.record(characters=, requests=, voices=, seconds=)``)."""

    client: DashScopeClient
    voices: AccountVoicesCoordinator
    status: StatusTracker
    usage: UsageTracker


type QwenTTSConfigEntry = ConfigEntry[QwenTTSRuntimeData]


def voice_profiles(entry: QwenTTSConfigEntry) -> dict[str, ConfigSubentry]:
    """{subentry id: subentry} of the account's voice profiles (one tts entity each)."""
    return {
        subentry_id: subentry
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_TTS
    }


def refused_key_translation_key(entry: QwenTTSConfigEntry | None, key: str) -> str:
    """The translation key telling that the account's API key was refused: ``key``, or
    ``key + "_endpoint"`` for an account on a custom endpoint, which has no region to
    point at."""
    if entry is not None and entry.data.get(CONF_REGION) == Region.CUSTOM:
        return f"{key}_endpoint"
    return key


@callback
def report_failure(hass: HomeAssistant, entry: QwenTTSConfigEntry, err: DashScopeError) -> None:
    """Show a failure in the account's status; a refused key starts reauthentication, a
    refused voice reloads the account's voices (so that the profiles and voice assistants
    using a voice that is gone get their repair at once)."""
    if (runtime := _runtime(entry)) is not None:
        runtime.status.report(err)
        if isinstance(err, VoiceNotFoundError):
            entry.async_create_task(hass, runtime.voices.async_request_refresh())
    if isinstance(err, AuthError):
        entry.async_start_reauth(hass)


@callback
def report_success(entry: QwenTTSConfigEntry) -> None:
    """Show in the account's status that the service answered."""
    if (runtime := _runtime(entry)) is not None:
        runtime.status.report()


def _runtime(entry: QwenTTSConfigEntry) -> QwenTTSRuntimeData | None:
    """The account's runtime data; ``None`` once the account is unloaded (a call that was
    under way when it unloaded has nothing left to report to)."""
    try:
        return entry.runtime_data
    except AttributeError:
        return None
