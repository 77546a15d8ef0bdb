"""The account's cloned and designed voices, loaded at setup and refreshed slowly.

The first load does not hold the account back: an account whose service cannot be reached
(or whose key is refused) when Home Assistant starts still sets up, so its profiles exist
and speak through their fallback engine; the voices load on a quicker retry until the
service answers, and a refused key starts reauthentication.
"""

import asyncio
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .cache_clearing import KnownVoices
from .catalogue import newest_first
from .const import DOMAIN, LOGGER
from .dashscope import AccountVoice, AuthError, DashScopeClient, DashScopeError
from .errors import refused_key_key
from .health import StatusTracker
from .pipeline_repairs import async_update_pipeline_issues
from .repairs import async_update_voice_issues

REFRESH_INTERVAL = timedelta(minutes=30)
# While the list cannot be loaded, it is asked for again sooner.
RETRY_INTERVAL = timedelta(minutes=1)


class AccountVoicesCoordinator(DataUpdateCoordinator[dict[str, AccountVoice]]):
    """Keeps ``{voice id: AccountVoice}`` of the account; a 401 starts reauth."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
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
        # Profiles and voice assistants whose voice disappeared get a repair issue,
        # withdrawn once they are fine; cached audio made with voices that changed is dropped.
        self.async_add_listener(self._async_voices_updated)

    @callback
    def _async_voices_updated(self) -> None:
        if not self.last_update_success:
            return
        async_update_voice_issues(self.hass, self.config_entry, self)
        async_update_pipeline_issues(self.hass, self.config_entry, self)
        voice_ids = frozenset(self.data or {})
        if voice_ids != self._noted:
            # A friendly name may now mean another voice, or none.
            self._noted = voice_ids
            self._noting = self.config_entry.async_create_task(
                self.hass, self.known_voices.async_update(voice_ids), eager_start=True
            )

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
                translation_key=refused_key_key(self.config_entry, "invalid_auth"),
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
