"""Long and streamed text is cut into requests at sentence boundaries, never mid-word."""

from __future__ import annotations

import re

import pytest

from custom_components.qwen_tts.chunking import (
    Cost,
    SentenceSplitter,
    char_cost,
    token_cost,
)

ENGLISH = (
    "The washing machine is done. Please take the laundry out before it starts to smell! "
    "Did you remember the towels? The dryer needs about 45.5 minutes; the timer is set. "
)
CHINESE = "洗衣机已经洗好了。请尽快把衣服拿出来！你记得毛巾吗？烘干机大约需要四十五分钟；计时器已经设置好了。"


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def split_text(text: str, limit: int, cost: Cost = char_cost) -> list[str]:
    """The pieces of a text that is complete from the start (``tts.speak``)."""
    splitter = SentenceSplitter(limit, cost)
    return splitter.feed(text) + splitter.flush()


def test_short_text_is_one_piece() -> None:
    assert split_text("Good night, sweet dreams.", 600) == ["Good night, sweet dreams."]


def test_long_english_text_is_split_only_at_sentence_ends() -> None:
    text = ENGLISH * 12  # about 2,000 characters
    chunks = split_text(text, 600)
    assert len(chunks) == 5 * 12  # four sentences and a ";" clause each time
    assert all(len(c) <= 600 for c in chunks)
    assert all(c.endswith((".", "!", "?", ";")) for c in chunks)
    assert _words(" ".join(chunks)) == _words(text)


def test_decimal_point_is_not_a_sentence_end() -> None:
    chunks = split_text("It takes 45.5 minutes. Then it beeps.", 25)
    assert chunks == ["It takes 45.5 minutes.", "Then it beeps."]


def test_chinese_text_is_split_after_chinese_punctuation() -> None:
    chunks = split_text(CHINESE * 10, 100)
    assert all(len(c) <= 100 for c in chunks)
    assert all(c.endswith(("。", "！", "？", "；")) for c in chunks)
    assert "".join(chunks) == CHINESE * 10


def test_sentence_longer_than_the_limit_is_wrapped_between_words() -> None:
    sentence = "word " * 200 + "end."
    chunks = split_text(sentence, 120)
    assert all(len(c) <= 120 for c in chunks)
    assert _words(" ".join(chunks)) == _words(sentence)


def test_sentence_longer_than_the_limit_prefers_clause_breaks() -> None:
    clause = "the lights in the kitchen are still on, "
    chunks = split_text(clause * 5 + "goodnight.", 100)
    assert all(c.endswith((",", ".")) for c in chunks)
    assert all(len(c) <= 100 for c in chunks)


def test_unbroken_chinese_run_is_cut_at_the_limit() -> None:
    text = "好" * 250
    chunks = split_text(text, 100)
    assert [len(c) for c in chunks] == [100, 100, 50]


def test_token_budget_counts_chinese_characters_twice() -> None:
    assert token_cost("你好ab") == 6
    assert char_cost("你好ab") == 4
    chunks = split_text(CHINESE * 4, 100, token_cost)
    assert all(token_cost(c) <= 100 for c in chunks)
    assert "".join(chunks) == CHINESE * 4


@pytest.mark.parametrize("step", [1, 3, 7, 50])
def test_streamed_text_yields_each_sentence_once_complete(step: int) -> None:
    text = "Hello there. It is 3.14 degrees outside! 你好。Bye"
    splitter = SentenceSplitter(600)
    got = []
    for i in range(0, len(text), step):
        got += splitter.feed(text[i : i + step])
    got += splitter.flush()
    assert got == ["Hello there.", "It is 3.14 degrees outside!", "你好。", "Bye"]


def test_streamed_sentence_is_released_when_its_boundary_arrives() -> None:
    splitter = SentenceSplitter(600)
    assert splitter.feed("Turn off the lights.") == []  # could still be "lights.com"
    assert splitter.feed(" Now") == ["Turn off the lights."]
    assert splitter.feed("好。") == ["Now好。"]


def test_streamed_run_without_punctuation_is_cut_at_the_limit() -> None:
    splitter = SentenceSplitter(50)
    pieces = splitter.feed("word " * 30)
    assert pieces
    assert all(len(p) <= 50 for p in pieces)
    assert _words(" ".join(pieces + splitter.flush())) == ["word"] * 30


def test_streamed_long_sentence_is_cut_even_when_the_next_one_arrives_with_it() -> None:
    splitter = SentenceSplitter(50)
    pieces = splitter.feed("word " * 30 + "end. Then it beeps.") + splitter.flush()
    assert all(len(p) <= 50 for p in pieces)
    assert pieces[-1] == "Then it beeps."
    assert _words(" ".join(pieces)) == ["word"] * 30 + ["end.", "Then", "it", "beeps."]
