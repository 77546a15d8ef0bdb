"""The TTS entity: tts.speak -> media source -> /api/tts_proxy, against the emulator."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
import re
from typing import Any

from homeassistant.components import tts
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.qwen_tts.const import (
    DEFAULT_PROFILE,
    DOMAIN,
)

from .emulator import DashScopeEmulator, render_pcm
from .emulator.audio import stream_chunks
from .tts_helpers import (
    ENTITY_ID,
    WAV,
    Speak,
    assert_finished_wav,
    decode,
    expected_pcm,
    gather_until_failure,
    get_audio,
    max_overlap,
    spoken_texts,
    wav_parts,
)

CLONE_MODEL = "qwen3-tts-vc-2026-01-22"
CLONE_REALTIME_MODEL = "qwen3-tts-vc-realtime-2026-01-15"
HELLO = "Hello there. The washing machine is done."


pytestmark = pytest.mark.usefixtures("tts_stack")


async def set_up_with_account_voice(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    entry: MockConfigEntry,
    name: str,
    model: str,
) -> str:
    """Give the account a cloned voice, then set the entry up; the voice's id."""
    voice = emulator.add_voice(name, model)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return voice


async def refused_before_sending(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    message: str,
    options: dict[str, Any] | None = None,
) -> ServiceValidationError:
    """Ask for audio that must be refused, and check that nothing was sent to the service."""
    with pytest.raises(ServiceValidationError) as caught:
        await get_audio(hass, message, "en", options)
    assert not emulator.requests_of("synthesis_stream")
    return caught.value


def entity(hass: HomeAssistant) -> tts.TextToSpeechEntity:
    found = hass.data[tts.DATA_COMPONENT].get_entity(ENTITY_ID)
    assert found is not None
    return found


# -- the entity ------------------------------------------------------------------------------


async def test_each_profile_is_a_named_entity_on_its_own_service_device(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    [subentry] = setup_integration.subentries.values()
    registered = er.async_get(hass).async_get(ENTITY_ID)
    assert registered is not None
    assert registered.unique_id == subentry.subentry_id
    assert registered.config_subentry_id == subentry.subentry_id
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["friendly_name"] == "Qwen TTS"
    device = dr.async_get(hass).async_get(registered.device_id)
    assert device is not None
    assert device.identifiers == {(DOMAIN, subentry.subentry_id)}
    assert device.entry_type is dr.DeviceEntryType.SERVICE
    assert (device.name, device.manufacturer, device.model) == (
        "Qwen TTS",
        "Alibaba Cloud",
        "qwen3-tts-flash",
    )


async def test_supported_languages_are_the_tags_pipelines_send(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    languages = entity(hass).supported_languages
    for tag in (
        "zh", "zh-CN", "zh-Hans", "zh-Hant", "zh-HK", "zh-TW", "en", "en-US", "en-GB", "en-AU",
        "de", "de-DE", "it", "it-IT", "pt", "pt-BR", "pt-PT", "es", "es-ES", "es-MX", "ja",
        "ja-JP", "ko", "ko-KR", "fr", "fr-FR", "ru", "ru-RU",
    ):  # fmt: skip
        assert tag in languages


async def test_supported_options_include_every_call_option_and_the_preferred_format(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    assert set(entity(hass).supported_options or []) == {
        "voice",
        "model",
        "language_type",
        "instructions",
        "optimize_instructions",
        "speech_rate",
        "pitch_rate",
        "volume",
        "preferred_format",
        "preferred_sample_rate",
        "preferred_sample_channels",
        "preferred_sample_bytes",
    }


@pytest.mark.parametrize("profile_data", [{"model": "qwen-tts", "voice": "Cherry"}])
async def test_a_profile_on_a_model_with_one_output_leaves_the_sample_shape_to_home_assistant(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """``qwen-tts`` only speaks 24 kHz PCM: claiming a sample rate would make Home Assistant
    (2026.11) pass 24 kHz audio on to a player that asked for another rate."""
    options = set(entity(hass).supported_options or [])

    assert "preferred_format" in options
    assert not options & {
        "preferred_sample_rate",
        "preferred_sample_channels",
        "preferred_sample_bytes",
    }


@pytest.mark.parametrize(
    "profile_data",
    [
        {
            **DEFAULT_PROFILE,
            "model": "qwen3-tts-instruct-flash",
            "voice": "Serena",
            "instructions": "Speak warmly.",
            "optimize_instructions": True,
            "language": "de-DE",
        }
    ],
)
async def test_the_profile_values_are_the_default_options_and_language(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    tts_entity = entity(hass)
    assert tts_entity.default_language == "de-DE"
    assert tts_entity.default_options == {
        "model": "qwen3-tts-instruct-flash",
        "voice": "Serena",
        "instructions": "Speak warmly.",
        "optimize_instructions": True,
        "speech_rate": 1.0,
        "pitch_rate": 1.0,
        "volume": 50,
    }


@pytest.mark.parametrize(("configured", "expected"), [("zh-Hans", "zh-Hans"), ("nl", "en")])
async def test_without_a_profile_language_the_default_is_home_assistants_if_supported(
    hass: HomeAssistant, config_entry: MockConfigEntry, configured: str, expected: str
) -> None:
    hass.config.language = configured
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert entity(hass).default_language == expected


async def voices_of(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, language: str
) -> list[dict[str, str]]:
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "tts/engine/voices", "engine_id": ENTITY_ID, "language": language}
    )
    answer = await client.receive_json()
    assert answer["success"], answer
    return answer["result"]["voices"]


async def test_voices_for_english_have_the_profile_voice_first_and_no_dialects(
    hass: HomeAssistant, setup_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    voices = await voices_of(hass, hass_ws_client, "en-US")

    assert voices[0] == {
        "voice_id": "Cherry",
        "name": "Cherry (female): sunny, positive, friendly and natural young woman",
    }
    ids = [v["voice_id"] for v in voices]
    assert "Ethan" in ids
    assert not {"Rocky", "Kiki", "Jada", "Dylan"} & set(ids)


async def test_voice_names_follow_home_assistants_language(
    hass: HomeAssistant, setup_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    hass.config.language = "zh-Hans"
    voices = await voices_of(hass, hass_ws_client, "zh-CN")

    assert voices[0] == {
        "voice_id": "Cherry",
        "name": "芊悦 Cherry（女声）：阳光积极、亲切自然小姐姐",
    }
    assert {
        "voice_id": "Dylan",
        "name": "北京-晓东 Dylan（男声，北京话）：北京胡同里长大的少年",
    } in voices


async def test_voices_for_hong_kong_put_cantonese_right_after_the_profile_voice(
    hass: HomeAssistant, setup_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    voices = await voices_of(hass, hass_ws_client, "zh-HK")

    assert [v["voice_id"] for v in voices[:3]] == ["Cherry", "Rocky", "Kiki"]
    assert voices[1]["name"] == "Rocky (male, Cantonese): humorous, witty chat companion"
    assert {
        "voice_id": "Jada",
        "name": "Jada (female, Shanghainese): fast-paced, energetic Shanghai auntie",
    } in voices


@pytest.mark.parametrize(
    ("profile_data", "first", "only_account_voices"),
    [
        pytest.param({**DEFAULT_PROFILE}, "Cherry", False,
                     id="profile on a system voice -> it first, account voices by friendly name"),
        pytest.param({**DEFAULT_PROFILE, "voice": "mom"}, None, False,
                     id="profile speaking an account voice -> that voice first"),
        pytest.param({"model": CLONE_MODEL, "voice": "mom"}, None, True,
                     id="profile on a clone model -> only the account's voices"),
    ],
)  # fmt: skip
async def test_the_accounts_own_voices_are_listed_by_friendly_name(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    *,
    first: str | None,
    only_account_voices: bool,
) -> None:
    """``first``: the voice listed first (None: the account's cloned voice "mom")."""
    mom = await set_up_with_account_voice(hass, emulator, config_entry, "mom", CLONE_MODEL)
    voices = await voices_of(hass, hass_ws_client, "en")
    listed = {"voice_id": mom, "name": "mom (cloned)"}

    assert listed in voices
    if first is None:
        assert voices[0] == listed
    else:
        assert voices[0]["voice_id"] == first
    if only_account_voices:
        assert voices == [listed]


# -- speaking --------------------------------------------------------------------------------


async def test_tts_speak_serves_mp3_straight_from_the_service(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    served = await speak(HELLO)

    assert served.status == 200
    assert served.content_type == "audio/mpeg"
    [request] = emulator.requests_of("synthesis_stream")
    assert request.body["parameters"]["response_format"] == "mp3"
    # The service's MP3 stream, byte for byte: Home Assistant did not re-encode it.
    service_mp3 = b"".join(c.data for c in stream_chunks(render_pcm(HELLO), 24000, "mp3"))
    assert served.body == service_mp3
    assert len(await decode(served.body)) >= len(render_pcm(HELLO))


async def test_tts_speak_as_wav_serves_a_file_with_its_real_sizes(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
    tmp_path: Path,
) -> None:
    """Home Assistant keeps a WAV it does not convert as it gets it: what the proxy serves
    and what its file cache holds carry the real RIFF and data sizes, never 0xFFFFFFFF."""
    served = await speak(HELLO, "en-US", WAV)
    await hass.async_block_till_done(wait_background_tasks=True)  # the file cache's writer

    assert_finished_wav(served.body)
    assert wav_parts(served.body)[1] == render_pcm(HELLO)
    [cached] = await hass.async_add_executor_job(
        lambda: [path.read_bytes() for path in tmp_path.glob("*.wav")]
    )
    assert cached == served.body


async def test_tts_speak_as_wav_serves_the_emulators_pcm(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    served = await speak(HELLO, "en-US", WAV)

    assert served.status == 200
    assert served.content_type == "audio/x-wav"
    params, frames = wav_parts(served.body)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 24000)
    assert frames == render_pcm(HELLO)
    [request] = emulator.requests_of("synthesis_stream")
    assert request.model == "qwen3-tts-flash"
    assert request.body["input"] == {
        "text": HELLO,
        "voice": "Cherry",
        "language_type": "English",
        "format": "pcm",
        "sample_rate": 24000,
    }
    assert request.body["parameters"] == {
        "speech_rate": 1.0,
        "pitch_rate": 1.0,
        "volume": 50,
        "response_format": "pcm",
        "sample_rate": 24000,
    }


@pytest.mark.parametrize(
    "case",
    [
        ("en-US", "Good morning.", "English"),
        ("zh-HK", "早晨，今日天氣好好。", "Chinese"),
        ("zh-Hans", "洗衣机已经洗好了。", "Chinese"),
        ("de", "Die Waschmaschine ist fertig.", "German"),
        ("ja", "洗濯が終わりました。", "Japanese"),
        ("fr-FR", "Le linge est prêt.", "French"),
    ],
    ids=lambda case: f"{case[0]} -> {case[2]}",
)
async def test_the_language_tag_becomes_the_language_type(
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
    case: tuple[str, str, str],
) -> None:
    language, message, language_type = case
    served = await speak(message, language, WAV)

    [request] = emulator.requests_of("synthesis_stream")
    assert request.body["input"]["language_type"] == language_type
    assert wav_parts(served.body)[1] == render_pcm(message)


async def test_the_language_type_option_wins_for_mixed_text(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    await speak("Play 周杰伦 please.", "en-US", {**WAV, "language_type": "auto"})

    [request] = emulator.requests_of("synthesis_stream")
    assert request.body["input"]["language_type"] == "Auto"


async def test_call_options_override_voice_and_prosody(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    options = {**WAV, "voice": "ethan", "speech_rate": 1.5, "pitch_rate": 0.8, "volume": 80}
    served = await speak(HELLO, "en", options)

    assert served.status == 200
    [request] = emulator.requests_of("synthesis_stream")
    assert request.body["input"]["voice"] == "Ethan"
    params = request.body["parameters"]
    assert (params["speech_rate"], params["pitch_rate"], params["volume"]) == (1.5, 0.8, 80)


async def test_instructions_go_in_the_parameters_of_an_instruct_model(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    options = {
        **WAV,
        "model": "qwen3-tts-instruct-flash",
        "instructions": "Whisper, slowly.",
        "optimize_instructions": True,
    }
    served = await speak(HELLO, "en", options)

    assert served.status == 200
    [request] = emulator.requests_of("synthesis_stream")
    assert request.model == "qwen3-tts-instruct-flash"
    assert request.body["parameters"]["instructions"] == "Whisper, slowly."
    assert request.body["parameters"]["optimize_instructions"] is True
    assert "instructions" not in request.body["input"]


async def test_instructions_are_not_sent_to_a_model_without_them(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    served = await speak(HELLO, "en", {**WAV, "instructions": "Whisper."})

    assert served.status == 200
    [request] = emulator.requests_of("synthesis_stream")
    assert "instructions" not in request.body["parameters"]


@pytest.mark.parametrize(
    "profile_data",
    [
        {
            **DEFAULT_PROFILE,
            "model": "qwen3-tts-instruct-flash",
            "voice": "Serena",
            "instructions": "Speak like a radio host.",
            "optimize_instructions": False,
            "speech_rate": 0.9,
        }
    ],
)
async def test_the_profile_settings_are_spoken_with(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    await speak(HELLO, "en", WAV)

    [request] = emulator.requests_of("synthesis_stream")
    assert (request.model, request.body["input"]["voice"]) == ("qwen3-tts-instruct-flash", "Serena")
    params = request.body["parameters"]
    assert params["instructions"] == "Speak like a radio host."
    assert params["optimize_instructions"] is False
    assert params["speech_rate"] == 0.9


async def test_a_satellite_format_is_rendered_by_the_service_at_16_khz(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    options = {
        "preferred_format": "wav",
        "preferred_sample_rate": 16000,
        "preferred_sample_channels": 1,
        "preferred_sample_bytes": 2,
    }
    served = await speak(HELLO, "en", options)

    [request] = emulator.requests_of("synthesis_stream")
    assert request.body["parameters"]["sample_rate"] == 16000
    assert request.body["parameters"]["response_format"] == "pcm"
    # Home Assistant passes it through ffmpeg; the samples are the service's own.
    assert await decode(served.body, 16000) == render_pcm(HELLO, 16000)


async def test_a_wav_at_a_rate_the_service_lacks_is_converted_by_home_assistant(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    """22.05 kHz is no rate of the service: the entity hands Home Assistant MP3 (not a WAV
    it would pass on as it is) and Home Assistant converts it to the WAV asked for."""
    served = await speak(HELLO, "en", {"preferred_format": "wav", "preferred_sample_rate": 22050})

    [request] = emulator.requests_of("synthesis_stream")
    assert request.body["parameters"]["response_format"] == "mp3"
    params, frames = wav_parts(served.body)
    assert (params.framerate, params.nchannels, params.sampwidth) == (22050, 1, 2)
    assert len(frames) >= len(render_pcm(HELLO, 22050))


async def test_an_mp3_at_another_rate_is_rendered_lossless_and_encoded_once(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    served = await speak(HELLO, "en", {"preferred_format": "mp3", "preferred_sample_rate": 16000})

    assert served.content_type == "audio/mpeg"
    [request] = emulator.requests_of("synthesis_stream")
    assert request.body["parameters"]["response_format"] == "pcm"
    assert request.body["parameters"]["sample_rate"] == 16000
    assert len(await decode(served.body, 16000)) >= len(render_pcm(HELLO, 16000))


LONG_SENTENCES = [
    f"Sentence number {n} tells the household that the {thing} needs attention today."
    for n, thing in enumerate(
        ["laundry", "dishwasher", "garden", "garage door", "front gate", "heating"] * 6
    )
]
LONG_TEXT = " ".join(LONG_SENTENCES)[:2500].rsplit(".", 1)[0] + "."


async def test_a_long_text_is_spoken_in_sentence_chunks_joined_in_order(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    assert len(LONG_TEXT) > 2400
    emulator.chunk_interval = 0.002  # requests take a moment, so they overlap
    served = await speak(LONG_TEXT, "en", WAV)

    assert served.status == 200
    requests = sorted(emulator.requests_of("synthesis_stream"), key=lambda r: r.started)
    texts = spoken_texts(requests)
    assert len(texts) >= 5
    assert all(len(text) <= 600 for text in texts)
    assert all(text.endswith(".") for text in texts)  # never cut mid-sentence
    assert " ".join(texts) == LONG_TEXT
    assert_finished_wav(served.body)
    assert wav_parts(served.body)[1] == expected_pcm(texts)
    assert max_overlap(requests) == 3


async def test_a_long_text_as_mp3_is_one_stream(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    served = await speak(LONG_TEXT, "en")

    assert served.content_type == "audio/mpeg"
    assert served.body.startswith(b"ID3")
    assert served.body.count(b"ID3\x04\x00") == 1  # the later streams' tags are dropped
    texts = spoken_texts(emulator.requests_of("synthesis_stream"))
    assert len(texts) >= 5
    decoded = await decode(served.body)
    assert len(decoded) >= len(expected_pcm(texts))


async def test_a_sentence_longer_than_a_request_is_cut_between_words_wherever_it_stands(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    text = "word " * 150 + "end. Then it beeps."  # a 754-character sentence, then another

    served = await speak(text, "en", WAV)

    assert served.status == 200
    texts = spoken_texts(sorted(emulator.requests_of("synthesis_stream"), key=lambda r: r.started))
    assert all(len(t) <= 600 for t in texts)
    assert " ".join(texts).split() == text.split()
    assert wav_parts(served.body)[1] == expected_pcm(texts)


@pytest.mark.parametrize("profile_data", [{"model": "qwen-tts", "voice": "Cherry"}])
async def test_the_qwen_tts_family_gets_512_token_chunks_of_pcm(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    text = "今天天气很好，我们去公园散步吧。" * 40  # 600 CJK characters: 1,200 tokens

    served = await speak(text, "zh-CN", WAV)

    assert served.status == 200
    requests = emulator.requests_of("synthesis_stream")
    texts = spoken_texts(sorted(requests, key=lambda r: r.started))
    assert len(texts) >= 3
    assert all(len(t) * 2 <= 512 for t in texts)
    assert "".join(texts) == text
    assert all(r.body["parameters"]["response_format"] == "pcm" for r in requests)
    assert wav_parts(served.body)[1] == expected_pcm(texts)


@pytest.mark.parametrize("profile_data", [{**DEFAULT_PROFILE, "model": "qwen3-tts-flash-realtime"}])
async def test_a_realtime_model_speaks_over_the_websocket(
    setup_integration: MockConfigEntry, emulator: DashScopeEmulator, speak: Speak
) -> None:
    served = await speak(LONG_TEXT, "en", WAV)

    assert served.status == 200
    assert not emulator.requests_of("synthesis_stream")
    sessions = emulator.requests_of("realtime")
    assert sessions
    for session in sessions:
        assert session.model == "qwen3-tts-flash-realtime"
        types = session.event_types()
        assert (types[0], types[-1]) == ("session.update", "session.finish")
        update = session.events[0][1]["session"]
        assert (update["voice"], update["language_type"], update["mode"]) == (
            "Cherry",
            "English",
            "server_commit",
        )
    # Whatever the sessions, the audio is the whole text's, in the order of the text.
    sessions.sort(key=lambda session: LONG_TEXT.index(session.responses[0].strip()))
    responses = [text for session in sessions for text in session.responses]
    assert " ".join(responses).split() == LONG_TEXT.split()
    assert_finished_wav(served.body)
    assert wav_parts(served.body)[1] == expected_pcm(responses)


# -- account voices ----------------------------------------------------------------------------


async def test_an_account_voice_by_friendly_name_speaks_with_its_own_model(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    speak: Speak,
) -> None:
    mom = await set_up_with_account_voice(hass, emulator, config_entry, "mom", CLONE_MODEL)

    served = await speak("Good night, sweetheart.", "en", {**WAV, "voice": "mom"})

    assert served.status == 200
    [request] = emulator.requests_of("synthesis_stream")
    assert request.model == CLONE_MODEL
    assert request.body["input"]["voice"] == mom
    assert wav_parts(served.body)[1] == render_pcm("Good night, sweetheart.")


async def test_a_realtime_account_voice_speaks_over_the_websocket(
    hass: HomeAssistant,
    emulator: DashScopeEmulator,
    config_entry: MockConfigEntry,
    speak: Speak,
) -> None:
    grandma = await set_up_with_account_voice(
        hass, emulator, config_entry, "grandma", CLONE_REALTIME_MODEL
    )

    served = await speak("Sleep well.", "en", {**WAV, "voice": grandma})

    assert served.status == 200
    [session] = emulator.requests_of("realtime")
    assert session.model == CLONE_REALTIME_MODEL
    assert session.events[0][1]["session"]["voice"] == grandma
    assert wav_parts(served.body)[1] == expected_pcm(session.responses)


async def test_a_voice_made_since_the_last_refresh_is_found(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    designed = emulator.add_voice(
        "announcer", "qwen3-tts-vd-2026-01-26", designed=True, voice_prompt="A calm announcer."
    )

    extension, _ = await get_audio(hass, HELLO, "en", {**WAV, "voice": "announcer"})

    assert extension == "wav"
    [request] = emulator.requests_of("synthesis_stream")
    assert (request.model, request.body["input"]["voice"]) == ("qwen3-tts-vd-2026-01-26", designed)


async def test_a_system_voice_on_a_clone_model_is_refused_by_name(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    refused = await refused_before_sending(
        hass, emulator, HELLO, {"model": CLONE_MODEL, "voice": "Cherry"}
    )

    assert refused.translation_key == "system_voice_on_account_model"
    assert "Cherry" in str(refused)
    assert CLONE_MODEL in str(refused)


async def test_an_unknown_voice_is_refused_by_name(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    refused = await refused_before_sending(hass, emulator, HELLO, {"voice": "grandpa"})

    assert refused.translation_key == "unknown_voice"
    assert "grandpa" in str(refused)


async def test_a_voice_the_model_lacks_is_refused_by_name(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    refused = await refused_before_sending(
        hass, emulator, HELLO, {"model": "qwen3-tts-instruct-flash", "voice": "Jennifer"}
    )

    assert refused.translation_key == "voice_not_for_model"
    assert "Jennifer" in str(refused)


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"speech_rate": 3}, "option_out_of_range"),
        ({"volume": "loud"}, "option_out_of_range"),
        ({"language_type": "Klingon"}, "invalid_language_type"),
    ],
)
async def test_an_invalid_option_is_refused_before_anything_is_sent(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    options: dict[str, Any],
    key: str,
) -> None:
    refused = await refused_before_sending(hass, emulator, HELLO, options)

    assert refused.translation_key == key


async def test_an_empty_message_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    refused = await refused_before_sending(hass, emulator, "   ")

    assert refused.translation_key == "empty_message"


# -- failures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """A way the service fails, and what the user is told."""

    key: str
    text: str
    request_id: bool = True  # the service sent an error body with its request id


FAULTS: dict[str, tuple[Callable[[DashScopeEmulator], None], Fault]] = {
    "401": (
        lambda emu: emu.fail_next(401, "InvalidApiKey"),
        Fault("auth_failed_endpoint", "refused the API key"),
    ),
    "429": (
        lambda emu: emu.fail_next(429, "Throttling.RateQuota"),
        Fault("rate_limited", "rate limiting"),
    ),
    "content": (
        lambda emu: emu.fail_next(400, "DataInspectionFailed"),
        Fault("content_rejected", "content moderation"),
    ),
    "arrears": (
        lambda emu: emu.fail_next(400, "Arrearage"),
        Fault("account_problem", "Check billing"),
    ),
    "voice": (
        lambda emu: emu.fail_next(400, "InvalidParameter", "Invalid voice specified"),
        Fault("voice_gone", "does not know the voice Cherry for this model"),
    ),
    "500": (
        lambda emu: emu.fail_next(500, "InternalError"),
        Fault("service_error", "had a problem"),
    ),
    "503": (
        lambda emu: emu.fail_next(503, "ServiceUnavailable"),
        Fault("service_error", "had a problem"),
    ),
    "sse_error_frame": (
        lambda emu: setattr(emu, "sse_error_after", 1),
        Fault("service_error", "had a problem"),
    ),
    "cut_stream": (
        lambda emu: setattr(emu, "sse_cut_after", 1),
        Fault("incomplete_audio", "stopped before the audio was complete", request_id=False),
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_each_service_failure_has_its_message_and_is_not_cached(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    fault: str,
) -> None:
    cause, expected = FAULTS[fault]
    cause(emulator)

    with pytest.raises(HomeAssistantError) as caught:
        await get_audio(hass, HELLO, "en", WAV)
    await hass.async_block_till_done()

    assert caught.value.translation_key == expected.key
    assert expected.text in str(caught.value)
    if expected.request_id:
        assert re.search(r"Request id: [0-9a-f-]{36}", str(caught.value))

    emulator.reset_faults()
    extension, audio = await get_audio(hass, HELLO, "en", WAV)

    assert extension == "wav"
    assert wav_parts(audio)[1] == render_pcm(HELLO)
    assert len(emulator.requests_of("synthesis_stream")) == 2


async def test_a_leading_wav_header_in_the_stream_is_not_played(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    emulator.leading_riff = True

    _, audio = await get_audio(hass, HELLO, "en", WAV)

    assert wav_parts(audio)[1] == render_pcm(HELLO)


async def test_a_model_the_region_lacks_is_reported(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    with pytest.raises(HomeAssistantError) as caught:
        await get_audio(hass, HELLO, "en", {"model": "qwen3-tts-ultra"})

    assert caught.value.translation_key == "model_not_found"


@pytest.mark.parametrize("profile_data", [{**DEFAULT_PROFILE, "model": "qwen3-tts-flash-realtime"}])
async def test_a_realtime_refusal_has_its_message(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    emulator.ws_error_after_append = ("DataInspectionFailed", "Input text may be inappropriate.")

    with pytest.raises(HomeAssistantError) as caught:
        await get_audio(hass, HELLO, "en", WAV)

    assert caught.value.translation_key == "content_rejected"


async def test_a_refused_key_while_speaking_starts_reauthentication(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    emulator.fail_next(401, "InvalidApiKey")

    with pytest.raises(HomeAssistantError):
        await get_audio(hass, HELLO, "en")
    await hass.async_block_till_done()

    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == "reauth"
    assert flow["context"]["entry_id"] == setup_integration.entry_id


async def test_an_unreachable_service_says_so_and_a_retry_speaks(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    await emulator.stop()

    with pytest.raises(HomeAssistantError) as caught:
        await get_audio(hass, HELLO, "en", WAV)
    await hass.async_block_till_done()

    assert caught.value.translation_key == "cannot_connect"
    assert "Could not connect to DashScope" in str(caught.value)

    await emulator.start()  # the same port again
    extension, audio = await get_audio(hass, HELLO, "en", WAV)
    assert extension == "wav"
    assert wav_parts(audio)[1] == render_pcm(HELLO)


async def test_audio_streamed_before_a_failure_is_not_cached_and_a_retry_speaks_it_all(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    """MP3 streams as it arrives, so a player may already have played the beginning when
    the service breaks off; Home Assistant keeps none of it, and the same call speaks again."""
    emulator.chunk_interval = 0.02
    emulator.sse_cut_after = 3
    stream = tts.async_create_stream(hass, ENTITY_ID, "en-US", {})
    stream.async_set_message(HELLO)
    streamed: list[bytes] = []

    with pytest.raises(HomeAssistantError) as caught:
        await gather_until_failure(stream.async_stream_result(), streamed)
    await hass.async_block_till_done()

    assert caught.value.translation_key == "incomplete_audio"
    service_mp3 = b"".join(c.data for c in stream_chunks(render_pcm(HELLO), 24000, "mp3"))
    assert streamed
    assert service_mp3.startswith(b"".join(streamed))
    emulator.reset_faults()
    emulator.chunk_interval = 0.0

    _, audio = await get_audio(hass, HELLO, "en-US")

    assert audio == service_mp3
    assert len(emulator.requests_of("synthesis_stream")) == 2


async def test_a_failure_in_a_long_text_returns_no_partial_audio(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    emulator.sse_cut_after = 3

    with pytest.raises(HomeAssistantError) as caught:
        await get_audio(hass, LONG_TEXT, "en", WAV)

    assert caught.value.translation_key == "incomplete_audio"


@pytest.mark.parametrize("profile_data", [{**DEFAULT_PROFILE, "model": "qwen3-tts-flash-realtime"}])
async def test_a_realtime_session_closed_early_is_an_error(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    emulator.ws_close_before_finish = True

    with pytest.raises(HomeAssistantError) as caught:
        await get_audio(hass, HELLO, "en", WAV)

    assert caught.value.translation_key == "incomplete_audio"


async def test_a_failed_speech_shows_as_a_server_error_with_the_message_logged(
    setup_integration: MockConfigEntry,
    emulator: DashScopeEmulator,
    speak: Speak,
    caplog: pytest.LogCaptureFixture,
) -> None:
    emulator.fail_next(429, "Throttling")

    served = await speak(HELLO, "en")

    assert served.status == 500
    assert "DashScope is rate limiting this account (Throttling)" in caplog.text


# -- the complete-file API (async_get_tts_audio) ---------------------------------------------


async def complete_audio(
    hass: HomeAssistant, message: str, options: dict[str, Any] | None = None
) -> tuple[str | None, bytes | None]:
    """``async_get_tts_audio`` with the options Home Assistant would pass (defaults merged)."""
    tts_entity = entity(hass)
    merged = {**(tts_entity.default_options or {}), **(options or {})}
    return await tts_entity.async_get_tts_audio(message, "en-US", merged)


async def test_the_complete_file_is_a_wav_with_its_real_length(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    extension, audio = await complete_audio(hass, HELLO, WAV)

    assert extension == "wav"
    assert audio is not None
    assert_finished_wav(audio)
    assert wav_parts(audio)[1] == render_pcm(HELLO)


async def test_the_complete_file_is_mp3_straight_from_the_service(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    extension, audio = await complete_audio(hass, HELLO)

    assert extension == "mp3"
    assert audio == b"".join(c.data for c in stream_chunks(render_pcm(HELLO), 24000, "mp3"))


@pytest.mark.parametrize(
    ("profile_data", "kind"),
    [
        pytest.param(DEFAULT_PROFILE, "synthesis_stream", id="http model -> SSE requests"),
        pytest.param(
            {**DEFAULT_PROFILE, "model": "qwen3-tts-flash-realtime"},
            "realtime",
            id="realtime model -> one session per request",
        ),
    ],
)
async def test_a_long_complete_file_is_cut_at_sentences_three_requests_at_a_time(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator, kind: str
) -> None:
    emulator.chunk_interval = 0.002  # requests take a moment, so they overlap

    _, audio = await complete_audio(hass, LONG_TEXT, WAV)

    assert audio is not None
    requests = sorted(emulator.requests_of(kind), key=lambda r: r.started)
    texts = sorted(spoken_texts(requests), key=LONG_TEXT.index)
    assert len(texts) >= 5
    assert all(len(text) <= 600 and text.endswith(".") for text in texts)
    assert " ".join(texts) == LONG_TEXT
    assert max_overlap(requests) == 3
    assert_finished_wav(audio)
    assert wav_parts(audio)[1] == expected_pcm(texts)


async def test_a_long_complete_mp3_keeps_only_the_first_tag(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    _, audio = await complete_audio(hass, LONG_TEXT)

    assert audio is not None
    assert len(emulator.requests_of("synthesis_stream")) >= 5
    assert audio.startswith(b"ID3")
    assert audio.count(b"ID3\x04\x00") == 1


async def test_a_failed_complete_file_raises_the_translated_error(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    emulator.fail_next(400, "DataInspectionFailed")

    with pytest.raises(HomeAssistantError) as caught:
        await complete_audio(hass, HELLO)

    assert caught.value.translation_key == "content_rejected"


async def test_an_empty_complete_file_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator
) -> None:
    with pytest.raises(ServiceValidationError):
        await complete_audio(hass, " \n ")

    assert not emulator.requests_of("synthesis_stream")
