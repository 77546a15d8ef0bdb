"""What reaches the service for the text people and LLMs really send: one request per real
sentence (as far as packing allows), run-on sentences cut between words, never inside a
number or an address, Markdown without its symbols; streamed in tiny deltas (Assist) or
whole (tts.speak)."""

import asyncio
import re
from typing import Any

from homeassistant.components import tts
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.qwen_tts.chunking import join_sentences

from .emulator import DashScopeEmulator, render_pcm
from .test_chunking import NO_BREAK_SPACES, RUN_ON, SENTENCES, WHOLE_TOKENS, french_run_on
from .tts_helpers import WAV, decode, expected_pcm, spoken_texts, streamed, tts_entity_id

CLONE_MODEL = "qwen3-tts-vc-2026-01-22"
TIMEOUT = 20
# Families whose sentences a streamed reply is tried with (English and Chinese).
STREAMED = [
    "titles and times",
    "long titles",
    "latin abbreviations",
    "quotes",
    "chinese quotes",
    "cjk quotations with who said it",
    "german abbreviations",
    "ordinals",
    "other languages' abbreviations",
    "numbers that end a sentence",
]


pytestmark = pytest.mark.usefixtures("tts_stack")  # Home Assistant's ffmpeg, a cache per test


@pytest.fixture
async def clone(
    hass: HomeAssistant, emulator: DashScopeEmulator, config_entry: MockConfigEntry
) -> str:
    """The entity, with a voice cloned for the default HTTP clone model (no realtime
    counterpart: Assist's text is cut into sentence requests)."""
    emulator.add_voice("mom", CLONE_MODEL)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return tts_entity_id(hass, config_entry)


async def _speak(
    hass: HomeAssistant, engine: str, text: str, size: int | None, options: dict[str, Any]
) -> bytes:
    """Speak ``text`` streamed in deltas of ``size`` characters, or whole (``None``, as
    tts.speak hands it over); the audio Home Assistant serves."""
    stream = tts.async_create_stream(hass, engine, "en-US", options)
    if size is None:
        stream.async_set_message(text)
    else:
        stream.async_set_message_stream(streamed(text, size))
    async with asyncio.timeout(TIMEOUT):
        return b"".join([chunk async for chunk in stream.async_stream_result()])


async def _received(emulator: DashScopeEmulator, audio: bytes) -> list[str]:
    """The texts of the requests the emulator received, in the order their audio was served
    (requests run side by side, so they may reach the emulator in another order); fails
    unless the served audio is exactly theirs, one after another."""
    pcm = await decode(audio)
    texts = spoken_texts(emulator.requests_of("synthesis_stream"))
    ordered: list[str] = []
    while texts:
        start = len(expected_pcm(ordered))
        ordered.append(next(t for t in texts if pcm.startswith(render_pcm(t, 24000), start)))
        texts.remove(ordered[-1])
    assert pcm == expected_pcm(ordered)
    return ordered


def _as_sentences(texts: list[str], sentences: list[str]) -> list[list[str]]:
    """The real sentences each request carried; fails when a request starts or ends inside
    a sentence."""
    remaining = list(sentences)
    carried = []
    for text in texts:
        taken = [remaining.pop(0)]
        while remaining and len(_join(taken)) < len(text):
            taken.append(remaining.pop(0))
        assert _join(taken) == text, f"{text!r} does not end where a sentence ends"
        carried.append(taken)
    assert remaining == []
    return carried


def _join(sentences: list[str]) -> str:
    text = sentences[0]
    for sentence in sentences[1:]:
        text = join_sentences(text, sentence)
    return text


@pytest.mark.parametrize("family", STREAMED)
@pytest.mark.parametrize("size", [1, 3, 5])
async def test_a_streamed_reply_is_requested_sentence_by_sentence(
    hass: HomeAssistant, clone: str, emulator: DashScopeEmulator, family: str, size: int
) -> None:
    """Abbreviations, titles, initials, a.m., decimals and quotes do not end a request: the
    first request is the whole first sentence, and every request ends where one ends."""
    sentences = SENTENCES[family]
    audio = await _speak(hass, clone, _join(sentences), size, {**WAV, "voice": "mom"})

    texts = await _received(emulator, audio)
    assert texts[0] == sentences[0]
    _as_sentences(texts, sentences)


@pytest.mark.parametrize("family", ["titles and times", "initials", "chinese quotes", "mixed"])
async def test_a_long_message_is_requested_in_whole_sentences(
    hass: HomeAssistant, clone: str, emulator: DashScopeEmulator, family: str
) -> None:
    """A message too long for one request is cut only where a sentence really ends."""
    sentences = SENTENCES[family] * (1400 // len(_join(SENTENCES[family])) + 1)
    audio = await _speak(hass, clone, _join(sentences), None, {**WAV, "voice": "mom"})

    texts = await _received(emulator, audio)
    assert len(texts) > 1
    assert all(len(t) <= 600 for t in texts)
    _as_sentences(texts, sentences)


@pytest.mark.parametrize("size", [1, 3, None])
async def test_a_run_on_message_is_never_cut_inside_a_token(
    hass: HomeAssistant, clone: str, emulator: DashScopeEmulator, size: int | None
) -> None:
    """924 characters without a full stop: clock times, decimal commas, thousands
    separators, versions and e-mail addresses reach the service whole."""
    text = "Today at 7:00 wake up " + RUN_ON * 2
    text = text[: text.rfind(" ", 0, 924)]
    audio = await _speak(hass, clone, text, size, {**WAV, "voice": "mom"})

    texts = await _received(emulator, audio)
    assert len(texts) > 1
    assert all(len(t) <= 600 for t in texts)
    assert " ".join(texts).split() == text.split()
    assert [t for r in texts for t in WHOLE_TOKENS.findall(r)] == WHOLE_TOKENS.findall(text)


@pytest.mark.parametrize("space", NO_BREAK_SPACES.values(), ids=NO_BREAK_SPACES)
@pytest.mark.parametrize("size", [2, None])
async def test_a_number_with_no_break_spaces_reaches_the_service_whole(
    hass: HomeAssistant, clone: str, emulator: DashScopeEmulator, space: str, size: int | None
) -> None:
    """A run-on in French typography: "1 234 567", "10 h 30" and "5 %" are never cut."""
    text, whole = french_run_on(space)
    audio = await _speak(hass, clone, text, size, {**WAV, "voice": "mom"})

    texts = await _received(emulator, audio)
    assert len(texts) > 1
    assert all(len(t) <= 600 for t in texts)
    assert " ".join(texts).split(" ") == text.split(" ")
    assert [t for r in texts for t in whole.findall(r)] == whole.findall(text)


@pytest.mark.parametrize("profile_data", [{"model": "qwen-tts", "voice": "Cherry"}])
@pytest.mark.parametrize("size", [2, None])
async def test_unpunctuated_chinese_is_cut_between_characters_within_the_token_budget(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator,
    size: int | None,
) -> None:  # fmt: skip
    """No punctuation at all: cut between characters, never inside the numbers, each
    request within the qwen-tts family's 512 tokens (a CJK character counts as 2)."""
    text = "今天早上8:55出发温度3.5度人口1,000,000人版本2.4.1" * 12
    audio = await _speak(hass, tts_entity_id(hass, setup_integration), text, size, WAV)

    texts = await _received(emulator, audio)
    assert len(texts) > 1
    assert all(len(t) + len(re.findall(r"[\u4e00-\u9fff]", t)) <= 512 for t in texts)
    assert "".join(texts) == text
    whole = re.compile(r"8:55|3\.5|1,000,000|2\.4\.1")
    assert [t for r in texts for t in whole.findall(r)] == whole.findall(text)


# --- Markdown: what the service hears of a reply written for eyes ---------------------------

MARKDOWN_REPLY = (
    "## Tonight\n\n"
    "**Sure!** I turned *off* the lights:\n"
    "- Kitchen\n"
    "- Living room\n\n"
    "| Room | Temp |\n|---|---|\n| Bedroom | 19 °C |\n\n"
    "Run `ha core restart` or see [the docs](https://www.home-assistant.io/docs/) and "
    "https://example.com/a/very/long/path?x=1 for more. 5 * 3 is 15 :-)"
)
SPOKEN_REPLY = (
    "Tonight.\n\nSure! I turned off the lights:\nKitchen.\nLiving room.\n\n"
    "Room, Temp.\n\nBedroom, 19 °C.\n\n"
    "Run ha core restart or see the docs and example.com for more. 5 * 3 is 15 :-)"
)
MARKUP = re.compile(r"\*\*|##|`|\]\(|https?:|www\.|\||^- ", re.MULTILINE)


def _appended(emulator: DashScopeEmulator) -> str:
    """The text the realtime session received, appended piece by piece."""
    (session,) = emulator.requests_of("realtime")
    return "".join(
        e["text"] for _, e in session.events if e.get("type") == "input_text_buffer.append"
    )


@pytest.mark.parametrize("size", [1, 2, 3])
async def test_a_live_reply_reaches_the_realtime_session_without_markup(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: DashScopeEmulator,
    size: int,
) -> None:  # fmt: skip
    """Assist's reply in tiny deltas (markup split across them) is appended as it is
    settled, without its symbols; the audio is the words spoken."""
    audio = await _speak(hass, tts_entity_id(hass, setup_integration), MARKDOWN_REPLY, size, WAV)

    assert _appended(emulator) == SPOKEN_REPLY
    (session,) = emulator.requests_of("realtime")
    assert await decode(audio) == expected_pcm(session.responses)


@pytest.mark.parametrize("size", [2, None])
async def test_markdown_sentences_reach_the_service_without_markup(
    hass: HomeAssistant, clone: str, emulator: DashScopeEmulator, size: int | None
) -> None:
    """Streamed to an HTTP voice or spoken whole: the requests carry the words only, a
    heading and each list item a sentence of their own."""
    audio = await _speak(hass, clone, MARKDOWN_REPLY, size, {**WAV, "voice": "mom"})

    texts = await _received(emulator, audio)
    assert not any(MARKUP.search(t) for t in texts)
    assert " ".join(texts).split() == SPOKEN_REPLY.split()
    if size is not None:
        assert texts[0] == "Tonight."


@pytest.mark.parametrize("message", ["---", "```\n```", "***\n\n| --- |", "[^1]: note"])
async def test_a_message_of_markup_only_is_refused(
    hass: HomeAssistant, clone: str, emulator: DashScopeEmulator, message: str
) -> None:
    """Nothing left to say is the empty-message error, and nothing is sent."""
    stream = tts.async_create_stream(hass, clone, "en-US", WAV)
    stream.async_set_message(message)
    with pytest.raises(HomeAssistantError) as caught:
        async with asyncio.timeout(TIMEOUT):
            await anext(aiter(stream.async_stream_result()))
    assert caught.value.translation_key == "empty_message"
    assert emulator.requests_of("synthesis_stream") == emulator.requests_of("realtime") == []


@pytest.mark.parametrize(
    "text",
    [
        "Press [1] to confirm or [2] to cancel. Thanks.",
        "The value arr[0] is set. Then arr[1] follows.",
        "Use Array<String> and Map<K, V> types. Or List<Item>.",
    ],
)
@pytest.mark.parametrize("size", [2, None])
async def test_brackets_and_type_parameters_that_are_not_markup_reach_the_service(
    hass: HomeAssistant, clone: str, emulator: DashScopeEmulator, text: str, size: int | None
) -> None:
    """Option numbers, indexes and generic types are words to say, not markup."""
    audio = await _speak(hass, clone, text, size, {**WAV, "voice": "mom"})

    texts = await _received(emulator, audio)
    assert " ".join(texts) == text


@pytest.mark.parametrize(
    "case",
    [
        (
            "Visit github.com/home-assistant/core/issues?q=is%3Aopen today.",
            "Visit github.com today.",
        ),
        ("Visit WWW.EXAMPLE.COM/path?x=1&y=2 today.", "Visit example.com today."),
        ("Open https://bücher.de/a/b?c=1 now.", "Open bücher.de now."),
        ("Open https://[2001:db8::1]:8123/x now.", "Open 2001:db8::1 now."),
    ],
)
@pytest.mark.parametrize("size", [3, None])
async def test_a_url_in_any_spelling_is_said_by_its_host(
    hass: HomeAssistant, clone: str, emulator: DashScopeEmulator, case: tuple[str, str],
    size: int | None,
) -> None:  # fmt: skip
    text, spoken = case
    audio = await _speak(hass, clone, text, size, {**WAV, "voice": "mom"})

    assert " ".join(await _received(emulator, audio)) == spoken
