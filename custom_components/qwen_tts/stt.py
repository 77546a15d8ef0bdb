"""The speech-to-text entity: one per account, on the account's device."""

from collections.abc import AsyncGenerator, AsyncIterable
from contextlib import aclosing
from typing import Any, override

from homeassistant.components import stt
from homeassistant.components.stt import (
    AudioBitRates,
    AudioChannels,
    AudioCodecs,
    AudioFormats,
    AudioSampleRates,
    SpeechMetadata,
    SpeechResult,
    SpeechResultState,
    SpeechToTextEntity,
)
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import (
    CONF_STT_AUTO_LANGUAGE,
    CONF_STT_CONTEXT,
    CONF_STT_MODEL,
    LOGGER,
    endpoint_from_data,
)
from .coordinator import QwenTTSConfigEntry, report_failure, report_success
from .dashscope import DashScopeClient, DashScopeError, TranscriptUpdate
from .entity import AccountEntity
from .stt_catalogue import (
    DEFAULT_STT_MODEL,
    STT_LANGUAGE_TAGS,
    asr_language_for,
    is_realtime_stt_model,
)
from .stt_problems import Problems
from .stt_recognition import AudioStalledError, Command, recognize_once, transcribe_live

# One command at a time per entity is what Assist does; more would just queue at the service.
PARALLEL_UPDATES = 0
# Bounds one HTTP recognition (upload included) and the realtime handshake.
RECOGNITION_TIMEOUT = 20.0

# The partial transcript type, where Home Assistant offers one (``None`` where it does not:
# then only the final result is given).
PartialSpeechResult: Any = getattr(stt, "PartialSpeechResult", None)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: QwenTTSConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's speech-to-text entity."""
    client = DashScopeClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_KEY],
        endpoint_from_data(entry.data),
        request_timeout=RECOGNITION_TIMEOUT,
    )
    async_add_entities([QwenSTTEntity(entry, client)])


class QwenSTTEntity(SpeechToTextEntity, AccountEntity):
    """Recognises Assist commands with Qwen-ASR (the model of the account's options)."""

    _attr_translation_key = "speech_to_text"

    def __init__(self, entry: QwenTTSConfigEntry, client: DashScopeClient) -> None:
        """Describe the entity from the account's options, on the account's device."""
        AccountEntity.__init__(self, entry, "stt")
        self._entry = entry
        self._client = client
        options = entry.options
        self._model: str = options.get(CONF_STT_MODEL) or DEFAULT_STT_MODEL
        self._auto_language: bool = bool(options.get(CONF_STT_AUTO_LANGUAGE, False))
        self._bias_text: str = options.get(CONF_STT_CONTEXT) or ""
        self._problems = Problems(entry.title)

    @property
    @override
    def supported_languages(self) -> list[str]:
        """The tags of the languages Qwen-ASR recognises; Home Assistant's ``in`` check
        accepts every spelling of them (``zh_cn``, ``zh-Hant-HK``...)."""
        return STT_LANGUAGE_TAGS

    @property
    @override
    def supported_formats(self) -> list[AudioFormats]:
        """Raw PCM as Assist streams it (sent to the service in a WAV file)."""
        return [AudioFormats.WAV]

    @property
    @override
    def supported_codecs(self) -> list[AudioCodecs]:
        """PCM only."""
        return [AudioCodecs.PCM]

    @property
    @override
    def supported_bit_rates(self) -> list[AudioBitRates]:
        """16-bit samples."""
        return [AudioBitRates.BITRATE_16]

    @property
    @override
    def supported_sample_rates(self) -> list[AudioSampleRates]:
        """16 kHz, the rate Qwen-ASR models are made for."""
        return [AudioSampleRates.SAMPLERATE_16000]

    @property
    @override
    def supported_channels(self) -> list[AudioChannels]:
        """Mono: the service recognises one channel."""
        return [AudioChannels.CHANNEL_MONO]

    @override
    async def async_process_audio_stream(
        self, metadata: SpeechMetadata, stream: AsyncIterable[bytes]
    ) -> SpeechResult:
        """Recognise one command; every failure is an error result, logged once."""
        result = SpeechResult(None, SpeechResultState.ERROR)
        async with aclosing(self._results(metadata, stream, partials=False)) as results:
            async for item in results:
                if isinstance(item, SpeechResult):
                    result = item
        return result

    async def async_process_audio_stream_with_progress(
        self, metadata: SpeechMetadata, stream: AsyncIterable[bytes]
    ) -> AsyncGenerator[Any]:
        """Partial transcripts while a realtime model listens (where Home Assistant takes
        them: it calls this, and has ``PartialSpeechResult``), then the final result."""
        async with aclosing(
            self._results(metadata, stream, partials=PartialSpeechResult is not None)
        ) as results:
            async for item in results:
                yield item

    async def _results(
        self, metadata: SpeechMetadata, stream: AsyncIterable[bytes], *, partials: bool
    ) -> AsyncGenerator[Any]:
        """Partial results (when asked and the model streams), then one ``SpeechResult``."""
        code = asr_language_for(metadata.language)
        if code is None:
            self._problems.unsupported_language(metadata.language)
            yield SpeechResult(None, SpeechResultState.ERROR)
            return
        command = Command(
            self._model,
            language=None if self._auto_language else code,
            context=self._bias_text,
        )
        final: TranscriptUpdate | None = None
        usage = self._entry.runtime_data.usage
        try:
            if is_realtime_stt_model(self._model):
                async with aclosing(transcribe_live(self._client, command, stream)) as updates:
                    async for update in updates:
                        if update.final:
                            final = update
                        elif partials and update.text:
                            yield PartialSpeechResult(update.text)
            else:
                final = await recognize_once(self._client, command, stream)
        except DashScopeError as err:
            # A refused key starts reauthentication.
            report_failure(self.hass, self._entry, err)
            self._problems.failed(err, self._model)
        except AudioStalledError as err:
            self._problems.audio_stalled(err)
        else:
            report_success(self._entry)
            billed = command.billed_seconds
            usage.record(seconds=command.seconds if billed is None else billed)
        if command.truncated:
            self._problems.truncated(command)
        if final is None:
            yield SpeechResult(None, SpeechResultState.ERROR)
        elif not final.text:
            self._problems.nothing_heard(command)
            yield SpeechResult(None, SpeechResultState.ERROR)
        else:
            self._problems.recovered()
            LOGGER.debug(
                "Recognised %.1f s of audio with %s (%s)",
                command.seconds,
                self._model,
                final.language or code,
            )
            yield SpeechResult(final.text, SpeechResultState.SUCCESS)
