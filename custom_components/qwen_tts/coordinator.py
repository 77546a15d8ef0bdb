"""The account's cloned and designed voices, loaded at setup and refreshed slowly."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import DOMAIN, LOGGER
from .dashscope import AccountVoice, AuthError, DashScopeClient, DashScopeError
from .repairs import async_update_voice_issues
from .voices import newest_first

REFRESH_INTERVAL = timedelta(minutes=30)


class AccountVoicesCoordinator(DataUpdateCoordinator[dict[str, AccountVoice]]):
    """Keeps ``{voice id: AccountVoice}`` of the account; a 401 starts reauth."""

    config_entry: ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, client: DashScopeClient) -> None:
        """Create the coordinator for one account."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} voices",
            update_interval=REFRESH_INTERVAL,
        )
        self.client = client
        # Profiles whose voice disappeared get a repair issue, withdrawn once they are fine.
        self.async_add_listener(self._async_update_voice_issues)

    @callback
    def _async_update_voice_issues(self) -> None:
        if self.last_update_success:
            async_update_voice_issues(self.hass, self.config_entry, self)

    async def _async_update_data(self) -> dict[str, AccountVoice]:
        try:
            voices = await self.client.list_voices()
        except AuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except DashScopeError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="voices_unavailable",
                translation_placeholders={"error": str(err)},
            ) from err
        return {v.voice: v for v in voices}

    async def async_refresh_after_change(
        self, *, added: AccountVoice | None = None, removed: str | None = None
    ) -> None:
        """Reload the voices after one was created or deleted.

        The change shows at once, even when the service's list lags behind or cannot be
        loaded right now.
        """
        await self.async_refresh()
        voices = dict(self.data or {})
        if added is not None:
            voices.setdefault(added.voice, added)
        if removed is not None:
            voices.pop(removed, None)
        if voices != (self.data or {}):
            self.async_set_updated_data(voices)

    def find(self, voice: str) -> AccountVoice | None:
        """Find an account voice by id or by the friendly name it was created with."""
        voices = self.data or {}
        if found := voices.get(voice):
            return found
        # The newest when a name was reused.
        matches = newest_first(v for v in voices.values() if v.name.lower() == voice.lower())
        return matches[0] if matches else None
