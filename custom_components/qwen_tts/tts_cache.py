"""Home Assistant's TTS cache, kept true to what a cached message would sound like now.

Home Assistant keys cached audio by what the caller wrote: the message, the language, the
entity and the options merged over the profile's ``default_options``, built BEFORE the
engine runs; it keeps whatever audio the engine returns (in memory at once, in its file
cache once the audio is complete). Two things can make an entry speak wrongly:

- What a call resolved to changed: the account voice a friendly name such as ``nana``
  stands for (a voice created, re-created under a name already used, or deleted), or a
  profile's own setting for an option the call left blank (a profile edited or removed).
  Nothing records the messages spoken with a voice, so the whole cache is cleared with
  Home Assistant's public ``tts.clear_cache`` (memory and files); these changes are rare.
- A fallback engine spoke for a profile: that one message is removed (memory and file),
  every other cached message stays. Home Assistant has no public call for removing one
  message, so ``async_forget_message`` is the one place that reads its cache structures
  (``SpeechManager.mem_cache`` / ``file_cache``, the key ``KEY_PATTERN`` and
  ``_hash_options``, alike in every release hacs.json admits; the fallback tests run
  against them). A live text stream (Assist) is cached under a random key and never
  stored on disk: nothing to remove there.
"""

import asyncio
from collections.abc import Mapping
import hashlib
from pathlib import Path
from typing import Any

from homeassistant.components.tts import KEY_PATTERN, _hash_options
from homeassistant.components.tts.const import (
    DATA_TTS_MANAGER,
    DOMAIN as TTS_DOMAIN,
    SERVICE_CLEAR_CACHE,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER

STORAGE_VERSION = 1

# The file cache is written right after the audio is complete; it is looked for this long.
FILE_WAIT = 10.0
_POLL = 0.05


def _message_keys(
    cache: Mapping[str, Any], engine: str, message: str, language: str, options: Mapping[str, Any]
) -> list[str]:
    """The cache keys of ``message`` spoken by ``engine`` in ``language`` with ``options``.

    The options the entity receives can lack the ``preferred_*`` ones Home Assistant
    converts itself; when the exact key is not found, every key of this message, language
    and engine is taken (at worst another cached rendering of the same message is
    synthesized again).
    """
    # Home Assistant's own key: SHA-1 names the message, it protects nothing.
    msg_hash = hashlib.sha1(message.encode(), usedforsecurity=False).hexdigest()
    language_key = language.replace("_", "-")
    exact = KEY_PATTERN.format(
        msg_hash, language_key, _hash_options(dict(options)) if options else "-", engine
    ).lower()
    if exact in cache:
        return [exact]
    prefix = f"{msg_hash}_{language_key}_".lower()
    suffix = f"_{engine}".lower()
    return [key for key in cache if key.startswith(prefix) and key.endswith(suffix)]


async def async_forget_message(
    hass: HomeAssistant,
    engine: str,
    message: str,
    language: str,
    options: Mapping[str, Any],
) -> None:
    """Remove the cached audio of one message of ``engine`` (memory now, file once written).

    Call it while the audio is being produced: the memory entry is found then, and the file
    Home Assistant writes once the audio is complete is removed as soon as it appears
    (looked for during ``FILE_WAIT`` seconds; nothing is written when caching is off).
    """
    if (manager := hass.data.get(DATA_TTS_MANAGER)) is None:
        return
    keys = _message_keys(manager.mem_cache, engine, message, language, options)
    if not keys:
        return
    for key in keys:
        manager.mem_cache.pop(key, None)
    # Another rendering of the same message may already be on disk: it goes too.
    if files := _take_files(manager.file_cache, keys):
        await hass.async_add_executor_job(_remove_files, manager.cache_dir, files)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + FILE_WAIT
    while loop.time() < deadline:
        await asyncio.sleep(_POLL)
        if files := _take_files(manager.file_cache, keys):
            await hass.async_add_executor_job(_remove_files, manager.cache_dir, files)
            return


def _take_files(file_cache: dict[str, str], keys: list[str]) -> list[str]:
    """Remove ``keys`` from the file cache's index; the names of their files."""
    return [file_cache.pop(key) for key in keys if key in file_cache]


def _remove_files(cache_dir: str, files: list[str]) -> None:
    for name in files:
        try:
            (Path(cache_dir) / name).unlink()
        except OSError as err:
            LOGGER.warning("Could not remove the cached fallback audio %s: %s", name, err)


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
