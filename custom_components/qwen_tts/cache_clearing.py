"""Home Assistant's TTS cache, cleared when what a cached call means has changed.

Home Assistant keys cached audio by what the caller wrote: the message, the language, the
entity and the options merged over the profile's ``default_options``. The audio depends on
what that resolved to: the account voice a friendly name such as ``nana`` stands for, and the
profile's own setting for an option the call left blank. When either changes (a voice is
created, re-created under a name already used, or deleted; a profile's settings are edited or
the profile removed), an old entry would speak with the wrong voice, or with one that no
longer exists. Home Assistant's public means is ``tts.clear_cache``, which clears every
engine's cached audio, memory and files; these changes are rare, so that is what is used.
(Removing only the affected entries would need Home Assistant's internal cache structures
and the messages spoken with the voice, which nothing records; ``tts_cache.py`` reads those
structures only for the one message a fallback engine just spoke.)
"""

import asyncio

from homeassistant.components.tts.const import DOMAIN as TTS_DOMAIN, SERVICE_CLEAR_CACHE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER

STORAGE_VERSION = 1


async def async_clear_tts_cache(hass: HomeAssistant, reason: str) -> None:
    """Clear Home Assistant's TTS cache (memory and files) with ``tts.clear_cache``."""
    if not hass.services.has_service(TTS_DOMAIN, SERVICE_CLEAR_CACHE):
        return
    LOGGER.debug("Clearing Home Assistant's TTS cache: %s", reason)
    await hass.services.async_call(TTS_DOMAIN, SERVICE_CLEAR_CACHE, blocking=True)


class KnownVoices:
    """The account voice ids cached audio may have been made with, kept across restarts
    (the file cache outlives Home Assistant); a change clears the TTS cache."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Track the voices of one account."""
        self._hass = hass
        self._store = Store[list[str]](hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.voices")
        self._voice_ids: frozenset[str] | None = None
        self._lock = asyncio.Lock()

    async def async_update(self, voice_ids: frozenset[str]) -> None:
        """Note the account's current voices; clear the cache when they are not the ones
        noted before (in this run, or in the last one)."""
        async with self._lock:
            previous = self._voice_ids
            if previous is None and (stored := await self._store.async_load()) is not None:
                previous = frozenset(stored)
            self._voice_ids = voice_ids
            if previous == voice_ids:
                return
            if previous is not None:
                await async_clear_tts_cache(self._hass, "the account's voices changed")
            await self._store.async_save(sorted(voice_ids))

    async def async_remove(self) -> None:
        """Forget the account (it was removed)."""
        await self._store.async_remove()
