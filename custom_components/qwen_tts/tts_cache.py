"""Keep a fallback engine's audio out of Home Assistant's cache of a profile's audio.

Home Assistant caches a whole message (``tts.speak``, ``tts_get_url``) under a key it builds
from the message, language, options and engine BEFORE the engine runs, then keeps whatever
audio the engine returns: in memory at once, and in its file cache once the audio is
complete. Audio a fallback engine spoke for a profile must not be served later as that
profile's voice, so both copies of that one message are removed; every other cached message
stays. Home Assistant has no public call for removing one message, so this is the one place
that reads its cache structures (``SpeechManager.mem_cache`` / ``file_cache``, the key
``KEY_PATTERN`` and ``_hash_options``), the same in Home Assistant 2026.10 and 2026.11.
A live text stream (Assist) is cached under a random key and never stored on disk: nothing
to remove there.
"""

import asyncio
from collections.abc import Mapping
import hashlib
from pathlib import Path
from typing import Any

from homeassistant.components.tts import KEY_PATTERN, _hash_options
from homeassistant.components.tts.const import DATA_TTS_MANAGER
from homeassistant.core import HomeAssistant

from .const import LOGGER

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
