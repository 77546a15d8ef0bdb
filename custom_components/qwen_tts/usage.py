"""What the account used this month: billed characters, requests, voices created, seconds of
speech recognised.

Counted per account from what the service reports (``usage.characters`` of each synthesis,
see the API reference's ``usage`` object; ``usage.seconds`` of each recognition, or the
seconds of audio streamed to a realtime recognition, which reports none), kept in Home
Assistant's storage across restarts and reset at the start of each month in Home
Assistant's time zone. Audio served from Home Assistant's cache never reaches the service,
so it counts nothing.
"""

from collections.abc import Callable
from datetime import datetime
from typing import TypedDict

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .dashscope import Usage

STORAGE_VERSION = 1
# Counts are written at most this often (and when the account unloads).
SAVE_DELAY = 30.0


class _Stored(TypedDict):
    month: str
    characters: int
    requests: int
    voices: int
    seconds: float


def month_start(now: datetime) -> datetime:
    """Midnight of the first day of ``now``'s month, in ``now``'s time zone."""
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(now: datetime) -> datetime:
    """Midnight of the first day of the month after ``now``'s, in ``now``'s time zone."""
    start = month_start(now)
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def _month_key(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


class UsageTracker:
    """The counts of one account in the current month.

    ``characters``: billed characters (a CJK character counts as two, as the service bills);
    ``requests``: synthesis requests sent (a long message makes several: one per sentence
    request or realtime session); ``voices``: voices created (cloned or designed);
    ``seconds``: seconds of speech recognised (billed per second).
    """

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Empty counts for this month; ``async_load`` restores the stored ones."""
        self._hass = hass
        self._store: Store[_Stored] = Store(hass, STORAGE_VERSION, f"{DOMAIN}.usage.{entry_id}")
        self.last_reset = month_start(dt_util.now())
        self.characters = 0
        self.requests = 0
        self.voices = 0
        self.seconds = 0.0
        self._listeners: list[Callable[[], None]] = []
        self._unsub_reset: CALLBACK_TYPE | None = None

    async def async_load(self) -> None:
        """Restore this month's counts (a stored earlier month starts at zero) and plan the
        reset at the start of the next month."""
        stored = await self._store.async_load()
        if stored and stored.get("month") == _month_key(self.last_reset):
            self.characters = int(stored.get("characters", 0))
            self.requests = int(stored.get("requests", 0))
            self.voices = int(stored.get("voices", 0))
            self.seconds = float(stored.get("seconds", 0.0))
        self._schedule_reset()

    async def async_unload(self) -> None:
        """Stop the reset timer and write the counts now."""
        if self._unsub_reset is not None:
            self._unsub_reset()
            self._unsub_reset = None
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Forget the stored counts (the account was removed)."""
        await self._store.async_remove()

    @callback
    def record(
        self, *, characters: int = 0, requests: int = 0, voices: int = 0, seconds: float = 0.0
    ) -> None:
        """Add what one call used: billed ``characters``, ``requests`` sent, ``voices``
        created, ``seconds`` of speech recognised."""
        if not (characters or requests or voices or seconds):
            return
        self._roll_over()
        self.characters += max(characters, 0)
        self.requests += max(requests, 0)
        self.voices += max(voices, 0)
        self.seconds = round(self.seconds + max(seconds, 0.0), 1)
        self._store.async_delay_save(self._data, SAVE_DELAY)
        self._notify()

    @callback
    def record_usage(self, used: Usage) -> None:
        """Add what the client reported for one call."""
        self.record(characters=used.characters, requests=used.requests, voices=used.voices)

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` when a count changes (also at the monthly reset)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _data(self) -> _Stored:
        return {
            "month": _month_key(self.last_reset),
            "characters": self.characters,
            "requests": self.requests,
            "voices": self.voices,
            "seconds": self.seconds,
        }

    @callback
    def _roll_over(self) -> bool:
        """Start the counts over when the month changed; return whether it did."""
        start = month_start(dt_util.now())
        if start == self.last_reset:
            return False
        self.last_reset = start
        self.characters = self.requests = self.voices = 0
        self.seconds = 0.0
        self._store.async_delay_save(self._data, SAVE_DELAY)
        return True

    @callback
    def _schedule_reset(self) -> None:
        self._unsub_reset = async_track_point_in_time(
            self._hass, self._async_month_started, next_month_start(dt_util.now())
        )

    @callback
    def _async_month_started(self, _now: datetime) -> None:
        if self._roll_over():
            self._notify()
        self._schedule_reset()

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()
