"""Speaking through another TTS engine when DashScope cannot: alerts are never silent.

A profile may name a fallback engine (``fallback_engine``: another ``tts`` entity, e.g.
Piper). When the profile cannot START speaking a message because of the service (it cannot
be reached, a bounded wait runs out, 5xx, 429 after the retry, the key is refused, the
account is in arrears) and no audio went out yet, the same message is spoken by the fallback
in the same call, in the format the caller asked for, with the fallback's default voice and
options. Refusals of the caller's own request (bad options, an unknown voice, moderation,
empty text) are not a fallback case, nor is a failure after audio went out.
"""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import aclosing, suppress
from typing import Any

from homeassistant.components import tts
from homeassistant.components.tts.helper import get_engine_instance
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN, LOGGER
from .dashscope import DashScopeError, LeadingHeaderStripper, pcm_to_wav, wav_header
from .speakable import speakable
from .speech import OutputFormat
from .tts_cache import async_forget_message


class TextTape:
    """Home Assistant's text stream, read once and played from the start to any reader.

    Its own task reads the source, so a reader that is cancelled (a failed synthesis) never
    cancels a read of the source: the fallback can still play the whole text, also the part
    that has not arrived yet. ``close`` stops reading and closes the source.
    """

    def __init__(self, source: AsyncIterator[str]) -> None:
        """Nothing read before the first reader asks."""
        self._source = source
        self._pieces: list[str] = []
        self._done = False
        self._error: Exception | None = None
        self._grown = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def text(self) -> str:
        """The text read so far (all of it once the source ended)."""
        return "".join(self._pieces)

    @property
    def complete(self) -> bool:
        """Whether the source has ended."""
        return self._done

    async def start(self) -> None:
        """Read until the first piece arrives or the source ends, and see whether it ended
        right after (a whole ``tts.speak`` message) before returning."""
        self._start_reading()
        while not self._pieces and not self._done:
            await self._grown.wait()
        await asyncio.sleep(0)

    async def play(self) -> AsyncGenerator[str]:
        """Every piece from the first, then each new one as it is read; raises what the
        source raised."""
        self._start_reading()
        played = 0
        while True:
            while played < len(self._pieces):
                played += 1
                yield self._pieces[played - 1]
            if self._done:
                if self._error is not None:
                    raise self._error
                return
            grown = self._grown
            await grown.wait()

    def _start_reading(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._read(), name=f"{DOMAIN} text")

    async def close(self) -> None:
        """Stop reading the source (closing it)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    async def _read(self) -> None:
        try:
            async for piece in self._source:
                self._pieces.append(piece)
                self._wake()
        except Exception as err:  # noqa: BLE001 - handed to the readers
            self._error = err
        finally:
            self._done = True
            self._wake()

    def _wake(self) -> None:
        self._grown.set()
        self._grown = asyncio.Event()


class Fallback:
    """A profile's fallback engine, and whether the profile is speaking through it now.

    The switch to the fallback and the return to DashScope are each logged once (warning,
    info), not once per message.
    """

    def __init__(self, hass: HomeAssistant, profile: str, engine: str) -> None:
        """``profile``: the profile's entity id; ``engine``: the fallback's entity id."""
        self._hass = hass
        self._profile = profile
        self.engine = engine
        self.active = False
        self._warned_languages: set[str] = set()

    def recovered(self) -> None:
        """DashScope spoke for the profile again."""
        if self.active:
            self.active = False
            LOGGER.info("%s speaks with DashScope again", self._profile)

    async def audio(
        self,
        err: DashScopeError,
        text: TextTape,
        language: str,
        output: OutputFormat,
        options: Mapping[str, Any],
        *,
        finished_file: bool,
    ) -> AsyncGenerator[bytes]:
        """The whole text spoken by the fallback, in ``output``'s format and shape.

        ``language`` and ``options`` are the call's (they name the message in Home
        Assistant's cache). ``err`` is the service's failure; it is raised again when the
        fallback cannot speak either. A WAV comes as one file with its real sizes when
        ``finished_file`` and the text is complete, else with the streaming header, as the
        profile's own audio would.
        """
        if not self.active:
            self.active = True
            LOGGER.warning(
                "%s cannot reach DashScope (%s); speaking through %s until it can",
                self._profile,
                err,
                self.engine,
            )
        stream = self._stream(err, language, output)
        await text.start()
        complete = text.complete
        if complete:
            # The words the profile would have said (Markdown removed), not the markup.
            stream.async_set_message("".join([piece async for piece in speakable(text.play())]))
            forget = self._hass.async_create_background_task(
                async_forget_message(self._hass, self._profile, text.text, language, options),
                f"{DOMAIN} forget fallback audio",
            )
        else:
            stream.async_set_message_stream(speakable(text.play()))
            forget = None
        try:
            async with aclosing(self._wav(stream, output, finished_file and complete)) as audio:
                async for chunk in audio:
                    yield chunk
        except HomeAssistantError as fallback_err:
            LOGGER.error("The fallback %s could not speak either: %s", self.engine, fallback_err)
            if forget is not None:
                forget.cancel()
            raise err from fallback_err

    def _stream(self, err: DashScopeError, language: str, output: OutputFormat) -> tts.ResultStream:
        """A result stream of the fallback engine in ``output``'s format and ``language``
        (or the fallback's default language when it does not speak that one)."""
        engine = get_engine_instance(self._hass, self.engine)
        if engine is None:
            LOGGER.error("The fallback %s of %s does not exist", self.engine, self._profile)
            raise err
        speaks = engine.supported_languages or []
        chosen: str | None = language
        if language not in speaks:
            chosen = engine.default_language
            if language not in self._warned_languages:
                self._warned_languages.add(language)
                LOGGER.warning(
                    "The fallback %s does not speak %s; it speaks %s instead",
                    self.engine,
                    language,
                    chosen,
                )
        return tts.async_create_stream(self._hass, self.engine, chosen, output.preferred_options)

    @staticmethod
    async def _wav(
        stream: tts.ResultStream, output: OutputFormat, finished_file: bool
    ) -> AsyncGenerator[bytes]:
        """The fallback's audio as the profile's own: MP3 as it comes; a WAV re-wrapped
        around the PCM Home Assistant rendered in the asked shape."""
        audio = stream.async_stream_result()
        if output.extension == "mp3":
            async for chunk in audio:
                yield chunk
            return
        stripper = LeadingHeaderStripper()
        if finished_file:
            pcm = b"".join([stripper.feed(chunk) async for chunk in audio])
            yield pcm_to_wav(pcm, output.sample_rate)
            return
        header = wav_header(output.sample_rate)
        async for chunk in audio:
            if pcm := stripper.feed(chunk):
                yield header + pcm
                header = b""
