"""Voice enrollment (cloning) and design: create, list across pages, query, delete."""

import base64
import io
import wave

import aiohttp
import pytest

from custom_components.qwen_tts.dashscope import (
    DashScopeClient,
    ProtocolError,
    SampleError,
    VoiceKind,
    VoiceNotFoundError,
)
from tests import sample_audio
from tests.emulator import DashScopeEmulator
from tests.emulator.audio import render_pcm, wav_bytes

from .scripted import ScriptedServer

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
    # Each list holds only its own kind: the cloned voices come first, each once.
    listed = await client.list_voices()
    assert [v.voice for v in listed if v.kind is VoiceKind.CLONED] == [cloned]
    assert [v.voice for v in listed if v.kind is VoiceKind.DESIGNED] == [designed.voice.voice]


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


@pytest.mark.parametrize(
    ("sample", "mime_type"),
    [
        (sample_audio.mp3(0.5, rate=24000, channels=1), "audio/mpeg"),
        (sample_audio.m4a(0.5, rate=24000, channels=1), "audio/mp4"),
    ],
    ids=["mp3", "m4a"],
)
async def test_clone_names_the_sample_type_from_its_bytes(
    client: DashScopeClient, emulator: DashScopeEmulator, sample: bytes, mime_type: str
) -> None:
    await client.create_cloned_voice(name="aunt", target_model=VC_MODEL, audio=sample)
    (request,) = emulator.requests_of("enrollment")
    assert request.body["input"]["audio"]["data"].startswith(f"data:{mime_type};base64,")


async def test_a_sample_of_unknown_type_is_sent_as_wav_for_the_service_to_judge(
    client: DashScopeClient, emulator: DashScopeEmulator
) -> None:
    with pytest.raises(SampleError) as caught:
        await client.create_cloned_voice(name="aunt", target_model=VC_MODEL, audio=b"#!/bin/sh\n")
    assert caught.value.code == "Audio.DecoderError"
    (request,) = emulator.requests_of("enrollment")
    assert request.body["input"]["audio"]["data"].startswith("data:audio/wav;base64,")


# Answers the emulator keeps regular (a scripted server)


async def test_list_entries_without_a_voice_id_are_skipped(http: aiohttp.ClientSession) -> None:
    page = {
        "voice_list": [
            "not an object",
            {"target_model": VC_MODEL},
            {"voice": "qwen-tts-vc-mom-voice-20250812105009984-838b", "future_field": [1]},
        ],
        "total_count": "3",  # counts as given, even as a string
    }
    no_designed = {"output": {"voice_list": []}}
    async with ScriptedServer(customization_answers=[{"output": page}, no_designed]) as server:
        voices = await server.client(http).list_voices(page_size=3)
    (voice,) = voices
    assert (voice.name, voice.kind, voice.target_model) == ("mom", VoiceKind.CLONED, "")
    assert voice.extra == {"future_field": [1]}
    # total_count reached: no second page of cloned voices, then the designed list.
    assert [body["model"] for body in server.customization_bodies] == [
        "qwen-voice-enrollment",
        "qwen-voice-design",
    ]


async def test_a_list_answer_without_a_voice_list_holds_no_voices(
    http: aiohttp.ClientSession,
) -> None:
    no_list = {"output": {"voice_list": None}}
    async with ScriptedServer(customization_answers=[no_list, no_list]) as server:
        assert await server.client(http).list_voices() == []
    assert len(server.customization_bodies) == 2  # one page of each list


async def test_a_created_voice_id_of_another_pattern_keeps_the_preferred_name(
    http: aiohttp.ClientSession,
) -> None:
    answer = {"output": {"voice": "vc-7f3a"}, "request_id": "r1"}
    async with ScriptedServer(customization_answers=[answer]) as server:
        voice = await server.client(http).create_cloned_voice(
            name="grandma", target_model=VC_MODEL, audio=SAMPLE
        )
    assert (voice.voice, voice.name, voice.target_model) == ("vc-7f3a", "grandma", VC_MODEL)


async def test_a_create_answer_without_a_voice_id_raises_protocol_error(
    http: aiohttp.ClientSession,
) -> None:
    answers = [{"output": {}, "request_id": "r1"}, {"output": {}, "request_id": "r2"}]
    async with ScriptedServer(customization_answers=answers) as server:
        client = server.client(http)
        with pytest.raises(ProtocolError) as cloned:
            await client.create_cloned_voice(name="mom", target_model=VC_MODEL, audio=SAMPLE)
        with pytest.raises(ProtocolError) as designed:
            await client.design_voice(
                name="robot", description="A robot.", preview_text="Beep.", target_model=VD_MODEL
            )
    assert (cloned.value.request_id, designed.value.request_id) == ("r1", "r2")


async def test_a_raw_pcm_preview_becomes_a_wav(http: aiohttp.ClientSession) -> None:
    pcm = render_pcm("Beep boop.", 16000)
    preview = {
        "data": base64.b64encode(pcm).decode(),
        "sample_rate": 16000,
        "response_format": "pcm",
    }
    answer = {"output": {"voice": "qwen-tts-vd-robot-voice-1-ab", "preview_audio": preview}}
    async with ScriptedServer(customization_answers=[answer]) as server:
        designed = await server.client(http).design_voice(
            name="robot", description="A robot.", preview_text="Beep.", target_model=VD_MODEL
        )
    assert (designed.preview_format, designed.preview_sample_rate) == ("wav", 16000)
    with wave.open(io.BytesIO(designed.preview_audio)) as reader:
        assert reader.getframerate() == 16000
        assert reader.readframes(reader.getnframes()) == pcm
    assert "preview_audio" not in designed.voice.extra


async def test_an_unreadable_preview_wav_raises_protocol_error(
    http: aiohttp.ClientSession,
) -> None:
    broken = b"RIFF\xff\xff\xff\xffWAVEdata\x00\x00\x00\x00"  # samples before any format
    preview = {"data": base64.b64encode(broken).decode(), "response_format": "wav"}
    answer = {"output": {"voice": "qwen-tts-vd-robot-voice-1-ab", "preview_audio": preview}}
    async with ScriptedServer(customization_answers=[answer]) as server:
        with pytest.raises(ProtocolError):
            await server.client(http).design_voice(
                name="robot", description="A robot.", preview_text="Beep.", target_model=VD_MODEL
            )
