"""Enrollment samples are recognised by content, checked against DashScope's limits and fixed."""

from array import array
import base64
from collections.abc import Callable

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest

from custom_components.qwen_tts.sample_sources import read_file
from custom_components.qwen_tts.samples import (
    AudioContainer,
    async_prepare_sample,
    check_upload_size,
    detect_container,
)

from . import sample_audio
from .sample_audio import pcm_of


@pytest.fixture
async def ffmpeg(hass: HomeAssistant) -> None:
    """Home Assistant's ffmpeg component, using the ffmpeg binary from imageio-ffmpeg."""
    assert await async_setup_component(
        hass, "ffmpeg", {"ffmpeg": {"ffmpeg_bin": sample_audio.FFMPEG}}
    )


@pytest.fixture
async def missing_ffmpeg(hass: HomeAssistant, tmp_path) -> str:
    """Home Assistant's ffmpeg component pointing at a binary that does not exist (a Core
    install without ffmpeg); returns that path."""
    binary = str(tmp_path / "no-ffmpeg-here" / "ffmpeg")
    assert await async_setup_component(hass, "ffmpeg", {"ffmpeg": {"ffmpeg_bin": binary}})
    return binary


async def _refusal(hass: HomeAssistant, data: bytes) -> ServiceValidationError:
    with pytest.raises(ServiceValidationError) as err:
        await async_prepare_sample(hass, data)
    return err.value


# Recognised by content


def test_wav_mp3_and_m4a_are_recognised_by_their_bytes() -> None:
    assert detect_container(sample_audio.wav(0.1)) is AudioContainer.WAV
    assert detect_container(sample_audio.mp3(0.5)) is AudioContainer.MP3
    assert detect_container(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 32) is AudioContainer.MP3
    assert detect_container(sample_audio.m4a(0.5)) is AudioContainer.M4A


def test_other_bytes_are_not_audio() -> None:
    assert detect_container(b"#!/bin/sh\necho hello\n") is None
    assert detect_container(b"") is None
    # ADTS AAC shares MP3's sync word but is not MP3.
    assert detect_container(bytes([0xFF, 0xF1, 0x50, 0x80]) + b"\x00" * 16) is None


# 16-bit PCM WAV: checked and fixed in Python, losslessly


async def test_a_mono_24khz_wav_is_uploaded_unchanged(hass: HomeAssistant) -> None:
    data = sample_audio.wav(5.0)
    sample = await async_prepare_sample(hass, data)
    assert sample.audio == data
    assert sample.mime_type == "audio/wav"
    assert (sample.sample_rate, sample.duration, sample.converted) == (24000, 5.0, False)


async def test_a_stereo_wav_becomes_mono_by_averaging_the_channels(hass: HomeAssistant) -> None:
    left = array("h", [1000, -2000, 32767, -32768] * 48000)
    right = array("h", [-3000, -2000, 32767, -32767] * 48000)
    data = sample_audio.wav_from_pcm(sample_audio.interleave(left, right), 48000, channels=2)

    sample = await async_prepare_sample(hass, data)

    pcm, rate, channels = pcm_of(sample.audio)
    assert (rate, channels, sample.converted) == (48000, 1, True)
    assert array("h", pcm)[:4].tolist() == [-1000, -2000, 32767, -32768]
    assert sample.duration == 4.0  # 192000 frames at 48 kHz


async def test_extra_chunks_are_dropped_without_touching_the_audio(
    hass: HomeAssistant,
) -> None:
    original = sample_audio.wav(4.0, rate=44100)
    data = sample_audio.with_chunk_before_data(original)

    sample = await async_prepare_sample(hass, data)

    assert sample.converted
    assert len(sample.audio) == 44 + 4 * 44100 * 2
    assert pcm_of(sample.audio) == pcm_of(original)


async def test_an_extensible_16bit_wav_is_rewritten_as_a_plain_mono_wav_at_its_rate(
    hass: HomeAssistant,
) -> None:
    data = sample_audio.wav_extensible(4.0, rate=48000, channels=2)
    sample = await async_prepare_sample(hass, data)
    pcm, rate, channels = pcm_of(sample.audio)
    assert (rate, channels, sample.converted) == (48000, 1, True)
    assert sample.audio[20:22] == b"\x01\x00"  # plain PCM format tag
    assert len(pcm) == 4 * 48000 * 2


async def test_a_wav_with_a_placeholder_data_size_is_read_to_its_end(hass: HomeAssistant) -> None:
    original = sample_audio.wav(3.5)
    sample = await async_prepare_sample(hass, sample_audio.with_bogus_sizes(original))
    assert sample.audio == original
    assert sample.duration == 3.5


async def test_three_and_sixty_seconds_are_accepted(hass: HomeAssistant) -> None:
    assert (await async_prepare_sample(hass, sample_audio.wav(3.0))).duration == 3.0
    assert (await async_prepare_sample(hass, sample_audio.wav(60.0))).duration == 60.0


# Refusals


async def test_a_sample_shorter_than_3_seconds_is_refused(hass: HomeAssistant) -> None:
    err = await _refusal(hass, sample_audio.wav(2.9))
    assert err.translation_key == "sample_too_short"
    assert err.translation_placeholders == {"duration": "2.9", "min_duration": "3"}


async def test_a_sample_longer_than_60_seconds_is_refused(hass: HomeAssistant) -> None:
    err = await _refusal(hass, sample_audio.wav(60.5))
    assert err.translation_key == "sample_too_long"
    assert err.translation_placeholders == {"duration": "60.5", "max_duration": "60"}


async def test_a_sample_below_24_khz_is_refused(hass: HomeAssistant) -> None:
    err = await _refusal(hass, sample_audio.wav(5.0, rate=16000))
    assert err.translation_key == "sample_rate_too_low"
    assert err.translation_placeholders == {"sample_rate": "16000", "min_sample_rate": "24000"}


def test_a_sample_over_10_mb_after_base64_is_refused() -> None:
    # The last guard before an upload: what could exceed it is resampled first.
    check_upload_size(b"\0" * 7_500_000)
    with pytest.raises(ServiceValidationError) as err:
        check_upload_size(b"\0" * 7_500_001)
    assert err.value.translation_key == "sample_too_large"
    assert err.value.translation_placeholders == {"size": "10.0", "max_size": "10"}


async def test_a_wav_above_48_khz_longer_than_60_seconds_is_refused_from_its_header(
    hass: HomeAssistant,
) -> None:
    # No ffmpeg is set up here: the header alone tells.
    err = await _refusal(hass, sample_audio.wav_from_pcm(bytes(61 * 96000 * 2), 96000))
    assert err.translation_key == "sample_too_long"
    assert err.translation_placeholders == {"duration": "61.0", "max_duration": "60"}


async def test_bytes_that_are_not_audio_are_refused(hass: HomeAssistant) -> None:
    err = await _refusal(hass, b"<html><body>Not found</body></html>")
    assert err.translation_key == "sample_unreadable"
    assert err.translation_placeholders == {"reason": "not a WAV, MP3 or M4A file"}


async def test_a_wav_without_audio_data_is_refused(hass: HomeAssistant) -> None:
    err = await _refusal(hass, sample_audio.wav(1.0)[:40])
    assert err.translation_key == "sample_unreadable"


def test_a_file_too_big_to_be_a_sample_is_not_read(tmp_path) -> None:
    path = tmp_path / "huge.wav"
    path.write_bytes(b"\0" * 1001)
    with pytest.raises(ServiceValidationError) as err:
        read_file(str(path), limit=1000)
    assert err.value.translation_key == "sample_file_too_large"
    assert read_file(str(path), limit=1001) == b"\0" * 1001


# MP3, M4A and other WAV encodings: converted with Home Assistant's ffmpeg


# ID3 tag headers players and ffmpeg take, the last three off the ID3 standard: the
# recording's rate is read from its frames whatever the tag.
ID3_TAGS = [
    pytest.param({"size_top_bit": True}, id="tag size not synchsafe"),
    pytest.param({"flags": 0xFF}, id="reserved tag flags set"),
    pytest.param({"major": 5}, id="ID3v2.5"),
]


@pytest.mark.usefixtures("ffmpeg")
@pytest.mark.parametrize(
    "tag", [pytest.param(None, id="untagged"), pytest.param({}, id="ID3v2.4 title"), *ID3_TAGS]
)
async def test_an_mp3_becomes_a_24khz_mono_16bit_wav(
    hass: HomeAssistant, tag: dict[str, int] | None
) -> None:
    data = sample_audio.mp3(5.0, rate=44100, channels=2)
    if tag is not None:
        data = sample_audio.id3_tagged(data, **tag)
    sample = await async_prepare_sample(hass, data)
    pcm, rate, channels = pcm_of(sample.audio)
    assert (sample.source, rate, channels, sample.converted) == (AudioContainer.MP3, 24000, 1, True)
    assert sample.duration == pytest.approx(5.0, abs=0.1)
    assert len(pcm) == round(sample.duration * 24000) * 2
    assert max(array("h", pcm)) > 4000  # the tone survived


@pytest.mark.usefixtures("ffmpeg")
async def test_an_m4a_with_its_index_at_the_end_becomes_a_24khz_mono_wav(
    hass: HomeAssistant,
) -> None:
    sample = await async_prepare_sample(hass, sample_audio.m4a(6.0, rate=48000))
    _, rate, channels = pcm_of(sample.audio)
    assert (sample.source, rate, channels) == (AudioContainer.M4A, 24000, 1)
    assert sample.duration == pytest.approx(6.0, abs=0.1)


@pytest.mark.usefixtures("ffmpeg")
async def test_a_16bit_wav_above_48_khz_becomes_a_24khz_mono_wav(hass: HomeAssistant) -> None:
    sample = await async_prepare_sample(hass, sample_audio.wav(5.0, rate=96000, channels=2))
    pcm, rate, channels = pcm_of(sample.audio)
    assert (sample.source, rate, channels, sample.converted) == (AudioContainer.WAV, 24000, 1, True)
    assert len(pcm) == 5 * 24000 * 2
    assert max(array("h", pcm)) > 4000  # the tones survived


@pytest.mark.usefixtures("ffmpeg")
async def test_a_192khz_wav_too_large_to_upload_at_its_rate_is_resampled_to_fit(
    hass: HomeAssistant,
) -> None:
    data = sample_audio.wav(20.0, rate=192000)  # 7.68 MB, 10.24 MB as base64
    assert len(base64.b64encode(data)) > 10_000_000
    sample = await async_prepare_sample(hass, data)
    _, rate, channels = pcm_of(sample.audio)
    assert (rate, channels, len(sample.audio)) == (24000, 1, 44 + 20 * 24000 * 2)


@pytest.mark.usefixtures("ffmpeg")
async def test_a_24bit_wav_becomes_a_16bit_wav(hass: HomeAssistant) -> None:
    sample = await async_prepare_sample(hass, sample_audio.wav_24bit(4.0, rate=48000))
    _, rate, channels = pcm_of(sample.audio)
    assert (sample.source, rate, channels, sample.converted) == (AudioContainer.WAV, 24000, 1, True)
    assert sample.duration == pytest.approx(4.0, abs=0.01)


@pytest.mark.usefixtures("ffmpeg")
async def test_a_float_stereo_wav_becomes_a_16bit_mono_wav(hass: HomeAssistant) -> None:
    sample = await async_prepare_sample(hass, sample_audio.wav_float(4.0, rate=44100))
    pcm, rate, channels = pcm_of(sample.audio)
    assert (rate, channels) == (24000, 1)
    # The channels are opposite in phase: their average is silence.
    assert max(abs(s) for s in array("h", pcm)) <= 1


@pytest.mark.usefixtures("ffmpeg")
async def test_an_rf64_wav_becomes_a_24khz_mono_wav(hass: HomeAssistant) -> None:
    sample = await async_prepare_sample(hass, sample_audio.rf64(4.0, rate=48000))
    pcm, rate, channels = pcm_of(sample.audio)
    assert (sample.source, rate, channels, sample.converted) == (AudioContainer.WAV, 24000, 1, True)
    assert len(pcm) == 4 * 24000 * 2


@pytest.mark.usefixtures("ffmpeg")
@pytest.mark.parametrize(
    ("sample", "sample_rate"),
    [
        pytest.param(lambda: sample_audio.mp3(5.0, rate=16000, channels=1), 16000, id="16 kHz MP3"),
        *(
            pytest.param(
                lambda tag=tag.values[0]: sample_audio.id3_tagged(
                    sample_audio.mp3(5.0, rate=16000, channels=1), **tag
                ),
                16000,
                id=f"16 kHz MP3, {tag.id}",
            )
            for tag in ID3_TAGS
        ),
        pytest.param(lambda: sample_audio.m4a(5.0, rate=22050), 22050, id="22.05 kHz M4A"),
        pytest.param(
            lambda: sample_audio.wav_24bit(4.0, rate=16000), 16000, id="16 kHz 24-bit WAV"
        ),
        pytest.param(lambda: sample_audio.rf64(4.0, rate=22050), 22050, id="22.05 kHz RF64 WAV"),
    ],
)
async def test_a_converted_sample_below_24_khz_is_refused_naming_its_rate(
    hass: HomeAssistant, sample: Callable[[], bytes], sample_rate: int
) -> None:
    err = await _refusal(hass, sample())
    assert err.translation_key == "sample_rate_too_low"
    assert err.translation_placeholders == {
        "sample_rate": str(sample_rate),
        "min_sample_rate": "24000",
    }


@pytest.mark.usefixtures("ffmpeg")
@pytest.mark.parametrize(
    ("sample", "key"),
    [
        pytest.param(
            lambda: sample_audio.mp3(75.0, rate=24000, channels=1),
            "sample_too_long",
            id="75 s MP3 -> too long",
        ),
        pytest.param(
            lambda: sample_audio.mp3(2.0, rate=48000, channels=1),
            "sample_too_short",
            id="2 s MP3 -> too short",
        ),
        pytest.param(
            lambda: b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 40,
            "sample_unreadable",
            id="damaged MP3 -> unreadable",
        ),
        pytest.param(
            lambda: sample_audio.m4a(5.0)[:2000],
            "sample_unreadable",
            id="truncated M4A -> unreadable",
        ),
    ],
)
async def test_a_converted_sample_that_cannot_be_a_voice_is_refused(
    hass: HomeAssistant, sample: Callable[[], bytes], key: str
) -> None:
    err = await _refusal(hass, sample())
    assert err.translation_key == key


# Without an ffmpeg binary


async def test_without_ffmpeg_an_mp3_is_refused_saying_ffmpeg_is_needed(
    hass: HomeAssistant, missing_ffmpeg: str
) -> None:
    with pytest.raises(HomeAssistantError) as err:
        await async_prepare_sample(hass, sample_audio.mp3(5.0))

    assert err.value.translation_key == "ffmpeg_unavailable"
    assert err.value.translation_placeholders == {
        "binary": missing_ffmpeg,
        "error": "No such file or directory",
    }
