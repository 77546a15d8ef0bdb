"""Voice enrollment (cloning) and design: create, list across pages, query, delete."""

from __future__ import annotations

import base64
import io
import wave

import pytest

from custom_components.qwen_tts.dashscope import (
    DashScopeClient,
    SampleError,
    VoiceKind,
    VoiceNotFoundError,
)
from tests.emulator import DashScopeEmulator
from tests.emulator.audio import render_pcm, wav_bytes

VC_MODEL = "qwen3-tts-vc-2026-01-22"
VD_MODEL = "qwen3-tts-vd-2026-01-26"
SAMPLE = wav_bytes(render_pcm("This is my voice, speaking clearly for a while."), 24000)


async def _clone(client: DashScopeClient, name: str = "mom") -> str:
    voice = await client.create_cloned_voice(name=name, target_model=VC_MODEL, audio=SAMPLE)
    return voice.voice


async def test_clone_sends_the_sample_as_a_wav_data_uri(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    voice = await client.create_cloned_voice(
        name="mom", target_model=VC_MODEL, audio=SAMPLE, text="hi", language="en"
    )
    assert voice.voice.startswith("qwen-tts-vc-mom-voice-")
    assert voice.name == "mom"
    assert voice.kind is VoiceKind.CLONED
    assert voice.target_model == VC_MODEL
    (request,) = emulator.requests_of("enrollment")
    assert request.body["model"] == "qwen-voice-enrollment"
    sent = request.body["input"]
    assert sent["action"] == "create"
    assert sent["preferred_name"] == "mom"
    assert sent["text"] == "hi"
    assert sent["language"] == "en"
    prefix = "data:audio/wav;base64,"
    assert sent["audio"]["data"].startswith(prefix)
    assert base64.b64decode(sent["audio"]["data"][len(prefix) :]) == SAMPLE


async def test_clone_from_a_url_sends_the_url_as_is(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    url = "https://example.com/sample.mp3"
    await client.create_cloned_voice(name="dad", target_model=VC_MODEL, url=url)
    (request,) = emulator.requests_of("enrollment")
    assert request.body["input"]["audio"] == {"data": url}


async def test_clone_with_an_explicit_mime_type_uses_it(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb" * 100
    await client.create_cloned_voice(
        name="aunt", target_model=VC_MODEL, audio=mp3, mime_type="audio/mpeg"
    )
    (request,) = emulator.requests_of("enrollment")
    assert request.body["input"]["audio"]["data"].startswith("data:audio/mpeg;base64,")


async def test_a_refused_sample_raises_sample_error(client: DashScopeClient) -> None:
    low_rate = wav_bytes(render_pcm("Too low a sample rate here.", 16000), 16000)
    with pytest.raises(SampleError) as caught:
        await client.create_cloned_voice(name="kid", target_model=VC_MODEL, audio=low_rate)
    assert caught.value.code == "Audio.AudioRateError"
    assert caught.value.request_id


async def test_design_returns_the_voice_and_a_decodable_wav_preview(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    preview_text = "Good evening, this is the news."
    designed = await client.design_voice(
        name="announcer",
        description="A calm, deep male news announcer.",
        preview_text=preview_text,
        target_model=VD_MODEL,
        language="en",
    )
    assert designed.voice.voice.startswith("qwen-tts-vd-announcer-voice-")
    assert designed.voice.name == "announcer"
    assert designed.voice.kind is VoiceKind.DESIGNED
    assert designed.preview_format == "wav"
    with wave.open(io.BytesIO(designed.preview_audio)) as reader:
        assert reader.getframerate() == designed.preview_sample_rate == 24000
        assert reader.readframes(reader.getnframes()) == render_pcm(preview_text)
    (request,) = emulator.requests_of("design")
    assert request.body["model"] == "qwen-voice-design"
    assert request.body["input"]["voice_prompt"] == "A calm, deep male news announcer."
    assert request.body["parameters"] == {"sample_rate": 24000, "response_format": "wav"}


async def test_query_designed_voice_returns_its_prompt(client: DashScopeClient) -> None:
    designed = await client.design_voice(
        name="narrator",
        description="A warm storyteller.",
        preview_text="Once upon a time, in a land far away.",
        target_model=VD_MODEL,
    )
    found = await client.query_designed_voice(designed.voice.voice)
    assert found.voice == designed.voice.voice
    assert found.name == "narrator"
    assert found.extra["voice_prompt"] == "A warm storyteller."


async def test_list_voices_returns_cloned_and_designed_voices(
    client: DashScopeClient,
) -> None:
    cloned = await _clone(client, "mom")
    designed = await client.design_voice(
        name="robot",
        description="A friendly robot.",
        preview_text="Beep boop, I am a friendly robot.",
        target_model=VD_MODEL,
    )
    voices = {voice.voice: voice for voice in await client.list_voices()}
    assert set(voices) == {cloned, designed.voice.voice}
    assert voices[cloned].kind is VoiceKind.CLONED
    assert voices[cloned].name == "mom"
    assert voices[cloned].target_model == VC_MODEL
    assert voices[cloned].created
    assert voices[designed.voice.voice].kind is VoiceKind.DESIGNED
    assert voices[designed.voice.voice].name == "robot"


async def test_list_voices_reads_every_page(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    created = {await _clone(client, f"v{i}") for i in range(5)}
    voices = await client.list_voices(page_size=2)
    assert {voice.voice for voice in voices} == created
    pages = [
        r.body["input"]["page_index"]
        for r in emulator.requests_of("enrollment")
        if r.body["input"]["action"] == "list"
    ]
    assert pages == [0, 1, 2]


async def test_list_voices_accepts_seeded_entries_with_few_fields(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.voices["qwen-tts-vc-old-voice-20250101000000000-abcd"] = {"target_model": VC_MODEL}
    emulator.voices["custom-voice-id"] = {"target_model": VC_MODEL, "new_field": 1}
    voices = {voice.voice: voice for voice in await client.list_voices()}
    assert voices["qwen-tts-vc-old-voice-20250101000000000-abcd"].name == "old"
    assert voices["custom-voice-id"].name == "custom-voice-id"
    assert voices["custom-voice-id"].kind is VoiceKind.CLONED
    assert voices["custom-voice-id"].extra["new_field"] == 1


async def test_delete_cloned_voice_uses_enrollment(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    voice = await _clone(client)
    await client.delete_voice(voice)
    assert voice not in emulator.voices
    delete = emulator.requests_of("enrollment")[-1]
    assert delete.body["input"] == {"action": "delete", "voice": voice}


async def test_delete_designed_voice_uses_design(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    designed = await client.design_voice(
        name="robot",
        description="A friendly robot.",
        preview_text="Beep boop, I am a friendly robot.",
        target_model=VD_MODEL,
    )
    await client.delete_voice(designed.voice.voice)
    assert designed.voice.voice not in emulator.voices
    assert emulator.requests_of("design")[-1].body["input"]["action"] == "delete"


async def test_deleting_a_missing_voice_raises_voice_not_found(client: DashScopeClient) -> None:
    with pytest.raises(VoiceNotFoundError) as caught:
        await client.delete_voice("qwen-tts-vc-ghost-voice-20250101000000000-abcd")
    assert caught.value.code == "BadRequest.VoiceNotFound"


async def test_validate_key_lists_one_voice_for_free(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    await client.validate_key()
    (request,) = emulator.requests_of("enrollment")
    assert request.body == {
        "model": "qwen-voice-enrollment",
        "input": {"action": "list", "page_index": 0, "page_size": 1},
    }


async def test_delete_with_an_unknown_prefix_tries_enrollment_then_design(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    emulator.voices["legacy-designed"] = {"target_model": VD_MODEL}
    await client.delete_voice("legacy-designed")
    assert "legacy-designed" not in emulator.voices
    assert emulator.requests_of("enrollment")[-1].body["input"]["action"] == "delete"
    assert emulator.requests_of("design")[-1].body["input"]["action"] == "delete"


async def test_delete_with_an_unknown_prefix_reports_not_found_once_both_miss(
    client: DashScopeClient,
) -> None:
    with pytest.raises(VoiceNotFoundError):
        await client.delete_voice("no-such-voice")


async def test_clone_needs_exactly_one_of_audio_and_url(client: DashScopeClient) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        await client.create_cloned_voice(name="x", target_model=VC_MODEL)
