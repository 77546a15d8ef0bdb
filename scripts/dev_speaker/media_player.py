"""A speaker without a loudspeaker, for scripts/develop and the end-to-end check.

``media_player.play_media`` (and so ``tts.speak``) makes it fetch the URL over HTTP, as a
networked speaker would, and read the audio's format and length with mutagen. It then shows
``playing`` for that length, with ``media_duration`` (seconds), ``audio_bytes`` and
``audio_format`` as attributes, and logs one line per message. No sound is made.
"""

import io
import logging
from typing import Any

import aiohttp
from homeassistant.components import media_source
from homeassistant.components.media_player import (
    MediaPlayerEntity,
    MediaPlayerEntityFeature,
    MediaPlayerState,
    MediaType,
    async_process_play_media_url,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.event import async_call_later
import mutagen

_LOGGER = logging.getLogger(__name__)
FETCH_TIMEOUT = aiohttp.ClientTimeout(total=60)


async def async_setup_platform(
    hass: HomeAssistant,
    config: dict[str, Any],
    async_add_entities: AddEntitiesCallback,
    discovery_info: Any = None,
) -> None:
    """``media_player: [{platform: dev_speaker}]`` adds one speaker."""
    async_add_entities([DevSpeaker(config.get("name", "Development speaker"))])


class DevSpeaker(MediaPlayerEntity):
    """Plays by fetching: the state says what it got."""

    _attr_should_poll = False
    _attr_supported_features = (
        MediaPlayerEntityFeature.PLAY_MEDIA
        | MediaPlayerEntityFeature.BROWSE_MEDIA
        | MediaPlayerEntityFeature.MEDIA_ANNOUNCE
        | MediaPlayerEntityFeature.STOP
    )

    def __init__(self, name: str) -> None:
        self._attr_name = name
        self._attr_unique_id = f"dev_speaker_{name}"
        self._attr_state = MediaPlayerState.IDLE
        self._attr_extra_state_attributes: dict[str, Any] = {}
        self._finish: Any = None

    async def async_browse_media(
        self, media_content_type: Any = None, media_content_id: Any = None
    ) -> Any:
        """Media sources (text-to-speech among them), as any speaker offers."""
        return await media_source.async_browse_media(self.hass, media_content_id)

    async def async_play_media(
        self, media_type: MediaType | str, media_id: str, **kwargs: Any
    ) -> None:
        """Fetch the audio, then play it silently for its length."""
        if media_source.is_media_source_id(media_id):
            item = await media_source.async_resolve_media(self.hass, media_id, self.entity_id)
            media_id = item.url
        url = async_process_play_media_url(self.hass, media_id)
        session = async_get_clientsession(self.hass)
        async with session.get(url, timeout=FETCH_TIMEOUT) as response:
            if response.status != 200:
                raise HomeAssistantError(f"{url} answered HTTP {response.status}")
            audio = await response.read()
            content_type = response.content_type
        info = mutagen.File(io.BytesIO(audio))
        if info is None or not info.info.length:
            raise HomeAssistantError(
                f"{url} did not serve audio ({content_type}, {len(audio)} bytes)"
            )
        seconds = round(info.info.length, 2)
        _LOGGER.info("Playing %s s of %s (%d bytes)", seconds, content_type, len(audio))
        self._attr_state = MediaPlayerState.PLAYING
        self._attr_media_content_id = media_id
        self._attr_media_content_type = media_type
        self._attr_media_duration = seconds
        self._attr_extra_state_attributes = {
            "audio_bytes": len(audio),
            "audio_format": content_type,
        }
        self._stop_timer()
        self._finish = async_call_later(self.hass, seconds, self._finished)
        self.async_write_ha_state()

    async def async_media_stop(self) -> None:
        """Stop at once."""
        self._stop_timer()
        self._finished(None)

    def _stop_timer(self) -> None:
        if self._finish is not None:
            self._finish()
            self._finish = None

    @callback
    def _finished(self, _now: Any) -> None:
        self._finish = None
        self._attr_state = MediaPlayerState.IDLE
        self.async_write_ha_state()
