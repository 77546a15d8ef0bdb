"""Resolving a voice profile and a call's options into a SpeechPlan."""

from typing import Any

from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.qwen_tts.catalogue import CLONE_MODELS, DESIGN_MODELS
from custom_components.qwen_tts.chunking import char_cost, token_cost
from custom_components.qwen_tts.const import DEFAULT_PROFILE
from custom_components.qwen_tts.dashscope import AccountVoice, VoiceKind
from custom_components.qwen_tts.speech import (
    MissingVoiceError,
    OutputFormat,
    SpeechPlan,
    resolve_plan,
)

MOM = AccountVoice(
    voice="qwen-tts-vc-mom-voice-20260102030405006-ab12",
    name="mom",
    kind=VoiceKind.CLONED,
    target_model="qwen3-tts-vc-2026-01-22",
)
GRANDMA = AccountVoice(
    voice="qwen-tts-vc-grandma-voice-20260102030405006-cd34",
    name="grandma",
    kind=VoiceKind.CLONED,
    target_model="qwen3-tts-vc-realtime-2026-01-15",
)
# A cloned voice whose friendly name is also a system voice's.
CHERRY_CLONE = AccountVoice(
    voice="qwen-tts-vc-Cherry-voice-20260102030405006-ef56",
    name="Cherry",
    kind=VoiceKind.CLONED,
    target_model="qwen3-tts-vc-2026-01-22",
)


class Directory:
    """The account's voices, looked up as the coordinator does (id, then friendly name)."""

    def __init__(self, *voices: AccountVoice) -> None:
        self._voices = {v.voice: v for v in voices}

    def find(self, voice: str) -> AccountVoice | None:
        if found := self._voices.get(voice):
            return found
        return next((v for v in self._voices.values() if v.name.lower() == voice.lower()), None)


ACCOUNT = Directory(MOM, GRANDMA, CHERRY_CLONE)


def plan(
    options: dict[str, Any] | None = None,
    profile: dict[str, Any] | None = None,
    language: str | None = "en-US",
) -> SpeechPlan:
    return resolve_plan(
        DEFAULT_PROFILE if profile is None else profile, options or {}, language, ACCOUNT
    )


def refusal(
    options: dict[str, Any], profile: dict[str, Any] | None = None
) -> ServiceValidationError:
    with pytest.raises(ServiceValidationError) as caught:
        plan(options, profile)
    return caught.value


def test_the_default_profile_speaks_cherry_on_flash_over_http() -> None:
    result = plan()

    assert (result.settings.model, result.settings.voice, result.settings.language_type) == (
        "qwen3-tts-flash",
        "Cherry",
        "English",
    )
    assert (result.settings.speech_rate, result.settings.pitch_rate, result.settings.volume) == (
        1.0,
        1.0,
        50,
    )
    assert result.settings.instructions is None
    assert not result.realtime
    assert (result.text_limit, result.cost) == (600, char_cost)


def test_an_empty_profile_falls_back_to_the_default_model_and_voice() -> None:
    result = plan(profile={}, language=None)

    assert (result.settings.model, result.settings.voice, result.settings.language_type) == (
        "qwen3-tts-flash",
        "Cherry",
        "Auto",
    )
    assert result.settings.speech_rate is None


def test_a_system_voice_is_matched_whatever_its_case() -> None:
    assert plan({"voice": "eldric sage"}).settings.voice == "Eldric Sage"


def test_call_options_override_the_profile() -> None:
    result = plan({"model": "qwen3-tts-flash-realtime", "voice": "Ebona", "volume": 70.4})

    assert (result.settings.model, result.settings.voice, result.settings.volume) == (
        "qwen3-tts-flash-realtime",
        "Ebona",
        70,
    )
    assert result.realtime


def test_an_account_voice_by_friendly_name_uses_its_own_model() -> None:
    result = plan({"voice": "MOM"})

    assert (result.settings.model, result.settings.voice) == (MOM.target_model, MOM.voice)
    assert not result.realtime


def test_an_account_voice_by_id_uses_its_own_model_whatever_the_requested_one() -> None:
    result = plan({"voice": GRANDMA.voice, "model": "qwen3-tts-instruct-flash"})

    assert (result.settings.model, result.settings.voice) == (GRANDMA.target_model, GRANDMA.voice)
    assert result.realtime


def test_a_system_voice_name_wins_over_a_clone_named_alike_on_a_system_model() -> None:
    assert plan({"voice": "Cherry"}).settings.voice == "Cherry"


def test_a_clone_named_like_a_system_voice_wins_on_a_clone_model() -> None:
    result = plan({"voice": "Cherry", "model": "qwen3-tts-vc-2026-01-22"})

    assert result.settings.voice == CHERRY_CLONE.voice


@pytest.mark.parametrize(
    "model", [*CLONE_MODELS, *DESIGN_MODELS, "qwen3-tts-vc-realtime-2026-06-01"]
)  # every model the voice actions enroll for, and a snapshot the catalogue does not list
def test_a_system_voice_on_a_clone_model_is_refused_naming_both(model: str) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        resolve_plan({"model": model, "voice": "Ethan"}, {}, "en", Directory())

    assert caught.value.translation_key == "system_voice_on_account_model"
    assert caught.value.translation_placeholders == {"voice": "Ethan", "model": model}


def test_an_unknown_voice_is_refused_naming_it() -> None:
    err = refusal({"voice": "grandpa"})

    assert err.translation_key == "unknown_voice"
    assert err.translation_placeholders == {"voice": "grandpa"}


def test_a_system_voice_the_model_lacks_is_refused() -> None:
    err = refusal({"voice": "Jennifer", "model": "qwen3-tts-instruct-flash"})

    assert err.translation_key == "voice_not_for_model"
    assert err.translation_placeholders == {
        "voice": "Jennifer",
        "model": "qwen3-tts-instruct-flash",
    }


def test_a_model_outside_the_catalogue_is_passed_to_the_service() -> None:
    result = plan({"model": "qwen3-tts-flash-2025-09-18", "voice": "Jennifer"})

    assert (result.settings.model, result.settings.voice) == (
        "qwen3-tts-flash-2025-09-18",
        "Jennifer",
    )
    assert (result.text_limit, result.cost) == (600, char_cost)


@pytest.mark.parametrize(
    ("language", "language_type"),
    [
        ("zh-HK", "Chinese"),
        ("zh_TW", "Chinese"),
        ("en-GB", "English"),
        ("pt-BR", "Portuguese"),
        ("es-MX", "Spanish"),
        ("ko", "Korean"),
        ("ru-RU", "Russian"),
        ("it", "Italian"),
        ("nl", "Auto"),
    ],
)
def test_the_language_tag_gives_the_language_type(language: str, language_type: str) -> None:
    assert plan(language=language).settings.language_type == language_type


def test_the_language_type_option_wins_over_the_tag() -> None:
    assert plan({"language_type": "japanese"}, language="en").settings.language_type == "Japanese"


def test_an_unknown_language_type_is_refused_with_the_choices() -> None:
    err = refusal({"language_type": "Dutch"})

    assert err.translation_key == "invalid_language_type"
    assert "Auto" in err.translation_placeholders["choices"]


def test_instructions_are_kept_for_an_instruct_model() -> None:
    result = plan(
        {"instructions": "  Whisper.  ", "optimize_instructions": "true"},
        {"model": "qwen3-tts-instruct-flash", "voice": "Serena"},
    )

    assert (result.settings.instructions, result.settings.optimize_instructions) == (
        "Whisper.",
        True,
    )


def test_optimize_instructions_needs_instructions() -> None:
    result = plan(
        {"optimize_instructions": True}, {"model": "qwen3-tts-instruct-flash", "voice": "Serena"}
    )

    assert (result.settings.instructions, result.settings.optimize_instructions) == (None, None)


def test_instructions_are_dropped_for_a_model_without_them() -> None:
    result = plan({"instructions": "Whisper."})

    assert result.settings.instructions is None


def test_instructions_are_dropped_for_an_account_voice_of_a_clone_model() -> None:
    profile = {"model": "qwen3-tts-instruct-flash", "voice": "mom", "instructions": "Whisper."}

    assert plan(profile=profile).settings.instructions is None


def test_qwen_tts_realtime_takes_no_prosody() -> None:
    result = plan(profile={**DEFAULT_PROFILE, "model": "qwen-tts-realtime"})

    assert (result.settings.speech_rate, result.settings.pitch_rate, result.settings.volume) == (
        None,
        None,
        None,
    )
    assert result.realtime


def test_the_qwen_tts_family_counts_a_512_token_budget() -> None:
    result = plan(profile={"model": "qwen-tts-latest", "voice": "Dylan"}, language="zh")

    assert (result.text_limit, result.cost) == (512, token_cost)
    assert plan(profile={"model": "qwen-tts-latest", "voice": "Dylan"}).output == OutputFormat(
        "wav", "pcm", 24000
    )


@pytest.mark.parametrize(
    "options",
    [
        {"speech_rate": 0.4},
        {"pitch_rate": 2.5},
        {"volume": 101},
        {"volume": -1},
        {"speech_rate": "fast"},
        {"speech_rate": float("nan")},
    ],
)
def test_an_option_out_of_range_is_refused(options: dict[str, Any]) -> None:
    err = refusal(options)

    assert err.translation_key == "option_out_of_range"
    assert err.translation_placeholders["option"] == next(iter(options))


def test_the_plan_holds_the_request_settings() -> None:
    # A WAV of two channels: the service's MP3, at the rate asked for, for Home Assistant.
    options = {
        "instructions": "Calm.",
        "preferred_format": "wav",
        "preferred_sample_rate": 16000,
        "preferred_sample_channels": 2,
    }
    result = plan(options, {"model": "qwen3-tts-instruct-flash", "voice": "Serena"})

    request = result.settings

    assert (request.model, request.voice, request.language_type) == (
        "qwen3-tts-instruct-flash",
        "Serena",
        "English",
    )
    assert (request.instructions, request.response_format, request.sample_rate) == (
        "Calm.",
        "mp3",
        16000,
    )


def test_a_realtime_voice_speaks_streaming_text_with_its_own_settings() -> None:
    result = plan({"voice": "grandma", "speech_rate": 1.2, "preferred_sample_rate": 48000})

    settings = result.live
    assert settings is not None
    assert result.realtime

    assert (settings.model, settings.voice) == (GRANDMA.target_model, GRANDMA.voice)
    assert (settings.response_format, settings.sample_rate, settings.speech_rate) == (
        "pcm",
        48000,
        1.2,
    )


@pytest.mark.parametrize(
    ("options", "output"),
    [
        ({}, OutputFormat("mp3", "mp3", 24000, plain=True)),
        ({"preferred_format": "mp3"}, OutputFormat("mp3", "mp3", 24000, plain=True)),
        ({"preferred_format": "wav"}, OutputFormat("wav", "pcm", 24000, plain=True)),
        ({"preferred_format": "flac"}, OutputFormat("wav", "pcm", 24000)),
        # A shape the service renders: exactly that, whatever Home Assistant then does.
        (
            {"preferred_format": "wav", "preferred_sample_rate": "16000"},
            OutputFormat("wav", "pcm", 16000),
        ),
        (
            {
                "preferred_format": "wav",
                "preferred_sample_rate": 16000,
                "preferred_sample_channels": 1,
                "preferred_sample_bytes": 2,
            },
            OutputFormat("wav", "pcm", 16000),
        ),
        # Another format: lossless PCM for Home Assistant's ffmpeg to encode once.
        ({"preferred_sample_rate": 48000}, OutputFormat("wav", "pcm", 48000)),
        ({"preferred_sample_channels": 2}, OutputFormat("wav", "pcm", 24000)),
        (
            {"preferred_format": "flac", "preferred_sample_rate": 44100},
            OutputFormat("wav", "pcm", 24000),
        ),
        # A WAV of a shape the service cannot render: not a WAV, so Home Assistant converts.
        (
            {"preferred_format": "wav", "preferred_sample_rate": 22050},
            OutputFormat("mp3", "mp3", 24000),
        ),
        (
            {
                "preferred_format": "wav",
                "preferred_sample_rate": 48000,
                "preferred_sample_channels": 2,
            },
            OutputFormat("mp3", "mp3", 48000),
        ),
        (
            {"preferred_format": "wav", "preferred_sample_bytes": 4},
            OutputFormat("mp3", "mp3", 24000),
        ),
    ],
)
def test_the_output_follows_home_assistants_preferences(
    options: dict[str, Any], output: OutputFormat
) -> None:
    assert plan(options).output == output


def test_the_qwen_tts_family_always_gives_pcm_at_24_khz() -> None:
    profile = {"model": "qwen-tts", "voice": "Cherry"}

    assert plan(profile=profile).output == OutputFormat("wav", "pcm", 24000)
    assert plan({"preferred_format": "wav"}, profile).output == OutputFormat(
        "wav", "pcm", 24000, plain=True
    )
    assert plan({"preferred_sample_rate": 16000}, profile).output == OutputFormat(
        "wav", "pcm", 24000
    )


@pytest.mark.parametrize(
    ("profile", "realtime", "live_model"),
    [
        pytest.param(
            DEFAULT_PROFILE,
            False,
            "qwen3-tts-flash-realtime",
            id="http model -> sentences over SSE, streaming text over its realtime counterpart",
        ),
        pytest.param(
            {"model": "qwen3-tts-instruct-flash-realtime", "voice": "Cherry"},
            True,
            "qwen3-tts-instruct-flash-realtime",
            id="realtime model -> everything over its own realtime sessions",
        ),
        pytest.param(
            {"model": "qwen-tts-latest", "voice": "Dylan"},
            False,
            None,
            id="http model without a counterpart -> sentences over SSE only",
        ),
        pytest.param(
            {"model": "qwen3-tts-flash", "voice": "mom"},
            False,
            None,
            id="http clone model -> sentences over SSE only",
        ),
    ],
)
def test_the_plan_chooses_the_transports(
    profile: dict[str, Any], realtime: bool, live_model: str | None
) -> None:
    result = plan(profile=profile)

    assert result.realtime is realtime
    assert (result.live.model if result.live is not None else None) == live_model
    if result.live is not None:
        assert result.live.voice == result.settings.voice


@pytest.mark.parametrize(
    ("voice", "key"),
    [
        pytest.param("Nobody", "unknown_voice", id="unknown name -> unknown_voice"),
        pytest.param(
            "qwen-tts-vc-gone-voice-20260102030405006-ff00",
            "account_voice_gone",
            id="id of a deleted clone -> account_voice_gone",
        ),
    ],
)
def test_a_voice_the_account_does_not_have_is_a_missing_voice(voice: str, key: str) -> None:
    with pytest.raises(MissingVoiceError) as caught:
        plan({"voice": voice})

    assert caught.value.translation_key == key
