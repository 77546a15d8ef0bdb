"""Text is cut into sentences where sentences really end, and a sentence longer than a request
between words, never inside a number, a version or an address."""

from collections import deque
import re

import pytest

from custom_components.qwen_tts.chunking import (
    Cost,
    SentenceSplitter,
    balanced_requests,
    char_cost,
    next_request,
    token_cost,
)

ENGLISH = (
    "The washing machine is done. Please take the laundry out before it starts to smell! "
    "Did you remember the towels? The dryer needs about 45.5 minutes; the timer is set. "
)
CHINESE = "洗衣机已经洗好了。请尽快把衣服拿出来！你记得毛巾吗？烘干机大约需要四十五分钟；计时器已经设置好了。"

# Each text and its real sentences: periods, closing quotes and brackets, and CJK punctuation
# that do not end a sentence (abbreviations, titles, initials, a.m./p.m., decimals, quotes).
SENTENCES = {
    "titles and times": [
        "Dr. Smith arrives at 10:30 a.m. on Dec. 5, so be ready.",
        "The bus leaves at 3.5 p.m. today.",
    ],
    "long titles": [
        "Prof. Miller and Mrs. Brown met Capt. Kirk in St. Louis at 9 a.m. on Jan. 3.",
        "They talked for 2.5 hours.",
    ],
    "initials": ["J. R. R. Tolkien wrote it in the U.S. Army years.", "He was British."],
    "latin abbreviations": [
        "Bring fruit, e.g. Apples or Pears, for Real Madrid vs. Barcelona.",
        "It starts at 9.",
    ],
    "quotes": ['He said "Go."', "Then he left.", "She said “Stay.”", "He stayed."],
    "brackets": ["(That was all.)", "Nobody followed [or so it seemed.]", "The end."],
    "chinese quotes": ["他说：「好的。」", "然后走了。", "「我们走吧！」", "大家都同意了。"],
    "chinese brackets and decimals": ["（这是括号里的话。）", "温度是3.5度。", "你准备好了吗？"],
    "chinese curly quotes": ["他说：“我们走吧。”", "《红楼梦》很好看。"],
    "japanese": ["「はい、そうです。」", "今日は晴れです。", "明日は雨でしょうか？"],
    "mixed": ["Hello there.", "It is 3.14 degrees outside!", "你好。", "Bye"],
    "cjk quotations with who said it": [
        "「はい。」と彼は言った。",
        "「好的。」他说。",
        "『本当？』と聞いた。",
        "然后走了。",
    ],
    "german abbreviations": [
        "Das ist z. B. ein gutes Beispiel, d. h. eine Regel.",
        "Wir brauchen u. a. Mehl, Eier usw. Und Zucker bzw. Honig.",
        "Das gilt z.B. Montags in der Str. Neu bei Nr. Sieben.",
        "Gut.",
    ],
    "ordinals": [
        "Am 3. Oktober ist der Tag der Deutschen Einheit.",
        "Der 1. FC Köln spielt am 24. Dezember gegen Bayern.",
        "Wir feiern den 100. Geburtstag im 2. Stock.",
        "Schön.",
    ],
    "other languages' abbreviations": [
        "M. Dupont arrive, p. ex. Paris ou Lyon.",
        "La Sra. García y la Srta. López viven en p. ej. Madrid.",
        "Это т. е. Москва.",
        "Oui.",
    ],
    "numbers that end a sentence": [
        "I was born in 1990.",
        "Then I moved.",
        "Our team won 3.",
        "Next game is on Friday at 10.",
        "Das Spiel endete 2:1.",
        "Der Sieger hat 3.",
        "Alle jubeln.",
    ],
}

# A run-on message without a full stop, full of tokens a cut must not fall into.
RUN_ON = " ".join(
    f"then at {hour}:{minute:02d} item {n} costs 1,000,000 or 3,5 euros with version 2.4.{n} "
    f"mailed to anna.lee{n}@example.com"
    for n, (hour, minute) in enumerate([(7, 0), (8, 7), (8, 55), (9, 30), (10, 45), (12, 5)])
)
WHOLE_TOKENS = re.compile(r"\d+:\d\d|1,000,000|3,5|2\.4\.\d|anna\.lee\d@example\.com")


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def split_text(text: str, limit: int, cost: Cost = char_cost) -> list[str]:
    """The pieces of a text that is complete from the start (``tts.speak``)."""
    splitter = SentenceSplitter(limit, cost)
    return splitter.feed(text) + splitter.flush()


def split_stream(text: str, limit: int, step: int, cost: Cost = char_cost) -> list[str]:
    """The pieces of a text streamed in deltas of ``step`` characters (Assist)."""
    splitter = SentenceSplitter(limit, cost)
    pieces = []
    for i in range(0, len(text), step):
        pieces += splitter.feed(text[i : i + step])
    return pieces + splitter.flush()


def _joined(sentences: list[str]) -> str:
    text = ""
    for sentence in sentences:
        cjk = text and re.match(r"[^\x00-\u024f]", sentence) and re.search(r"[^\x00-\u024f]$", text)
        text += sentence if cjk or not text else " " + sentence
    return text


def test_short_text_is_one_piece() -> None:
    assert split_text("Good night, sweet dreams.", 600) == ["Good night, sweet dreams."]


@pytest.mark.parametrize("family", SENTENCES)
@pytest.mark.parametrize("step", [1, 2, 3, 5, None])
def test_sentences_end_only_where_they_really_end(family: str, step: int | None) -> None:
    """Whole (step None) or streamed in deltas of 1 to 5 characters: the real sentences."""
    text = _joined(SENTENCES[family])
    got = split_text(text, 600) if step is None else split_stream(text, 600, step)
    assert got == SENTENCES[family]


# A CJK quotation followed directly by a quotative particle or who said it is one sentence;
# any other text after the quote is the next sentence.
QUOTATIONS = [
    ("「はい。」と彼は言った。次へ進みます。", ["「はい。」と彼は言った。", "次へ進みます。"]),
    ("『本当？』と聞いた。はい。", ["『本当？』と聞いた。", "はい。"]),
    (
        "「行くよ！」って言った。「はい。」という返事だった。",
        ["「行くよ！」って言った。", "「はい。」という返事だった。"],
    ),
    ("“好的。”他说。然后走了。", ["“好的。”他说。", "然后走了。"]),
    (
        "「好的。」她笑着问道。“走吧！”他们说。好。",
        ["「好的。」她笑着问道。", "“走吧！”他们说。", "好。"],
    ),
    ("“네.”라고 그가 말했다. 좋아요.", ["“네.”라고 그가 말했다.", "좋아요."]),
    ("「好的。」然后走了。", ["「好的。」", "然后走了。"]),
    ("「はい。」ところで元気？「うん。」", ["「はい。」", "ところで元気？", "「うん。」"]),
    ("他说：“我们走吧。”大家都同意了。", ["他说：“我们走吧。”", "大家都同意了。"]),
]


@pytest.mark.parametrize(("text", "sentences"), QUOTATIONS)
@pytest.mark.parametrize("step", [1, 2, 3, None])
def test_a_cjk_quotation_goes_on_with_who_said_it(
    text: str, sentences: list[str], step: int | None
) -> None:
    got = split_text(text, 600) if step is None else split_stream(text, 600, step)
    assert got == sentences


def test_asterisks_in_text_are_kept() -> None:
    """Asterisks that reach the splitter are text (markup is removed before)."""
    text = "Compute 5 * 3 * 2 now. Then 2*3*4 later."
    assert split_stream(text, 600, 3) == ["Compute 5 * 3 * 2 now.", "Then 2*3*4 later."]


def test_long_english_text_is_split_only_at_sentence_ends() -> None:
    text = ENGLISH * 12  # about 2,000 characters
    chunks = split_text(text, 600)
    assert len(chunks) == 4 * 12
    assert all(c.endswith((".", "!", "?")) for c in chunks)
    assert _words(" ".join(chunks)) == _words(text)


def test_chinese_text_is_split_after_chinese_punctuation() -> None:
    chunks = split_text(CHINESE * 10, 100)
    assert all(len(c) <= 100 for c in chunks)
    assert all(c.endswith(("。", "！", "？")) for c in chunks)
    assert "".join(chunks) == CHINESE * 10


@pytest.mark.parametrize("limit", [40, 57, 83, 120, 600])
@pytest.mark.parametrize("step", [1, 3, 5, None])
def test_run_on_sentence_is_never_cut_inside_a_token(limit: int, step: int | None) -> None:
    """Clock times, decimal commas, thousands separators, versions and e-mail addresses stay
    whole, whatever the limit and however the text arrives."""
    text = RUN_ON * 3  # about 1,000 characters without a full stop
    chunks = split_text(text, limit) if step is None else split_stream(text, limit, step)
    assert all(len(c) <= limit for c in chunks)
    assert _words(" ".join(chunks)) == _words(text)
    assert [t for c in chunks for t in WHOLE_TOKENS.findall(c)] == WHOLE_TOKENS.findall(text)


# Spaces typography puts inside numbers and units: no-break (U+00A0), narrow no-break
# (U+202F), figure (U+2007) and thin (U+2009) spaces are not between words.
NO_BREAK_SPACES = {"nbsp": "\u00a0", "narrow nbsp": "\u202f", "figure": "\u2007", "thin": "\u2009"}


def french_run_on(space: str) -> tuple[str, re.Pattern[str]]:
    """A run-on of amounts, times and units written with ``space`` inside them."""
    text = " ".join(
        f"payer {n * 1234567:,} euros à 10{space}h{space}30 pour {n}{space}%".replace(",", space)
        + f" puis {n * 987:,}{space}km".replace(",", space)
        for n in range(1, 40)
    )
    return text, re.compile(rf"\d[\d{space}]*\d|10{space}h{space}30|\d+{space}[%k]")


@pytest.mark.parametrize("space", NO_BREAK_SPACES.values(), ids=NO_BREAK_SPACES)
@pytest.mark.parametrize("limit", [45, 77, 600])
@pytest.mark.parametrize("step", [1, 4, None])
def test_run_on_sentence_is_never_cut_at_a_no_break_space(
    space: str, limit: int, step: int | None
) -> None:
    """Thousands separators and the space in "10 h 30" or "5 %" are not word boundaries."""
    text, whole = french_run_on(space)
    chunks = split_text(text, limit) if step is None else split_stream(text, limit, step)
    assert all(len(c) <= limit for c in chunks)
    assert " ".join(chunks).split(" ") == text.split(" ")
    assert [t for c in chunks for t in whole.findall(c)] == whole.findall(text)


def test_long_sentence_prefers_clause_breaks() -> None:
    clause = "the lights in the kitchen are still on, "
    chunks = split_text(clause * 5 + "goodnight.", 100)
    assert all(c.endswith((",", ".")) for c in chunks)
    assert all(len(c) <= 100 for c in chunks)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("现在是" * 30 + "8:55" + "好" * 60, "8:55"),
        ("温度是" * 30 + "3.5度" + "好" * 60, "3.5"),
        ("人口有" * 30 + "1,000,000人" + "好" * 60, "1,000,000"),
        ("请升级到" * 25 + "2.4.1版" + "好" * 60, "2.4.1"),
        ("发邮件给" * 25 + "anna@example.com" + "好" * 60, "anna@example.com"),
    ],
)
@pytest.mark.parametrize("step", [2, None])
def test_unpunctuated_cjk_is_cut_between_characters_not_inside_numbers(
    text: str, kept: str, step: int | None
) -> None:
    chunks = split_text(text, 95) if step is None else split_stream(text, 95, step)
    assert all(len(c) <= 95 for c in chunks)
    assert "".join(chunks) == text
    assert sum(kept in c for c in chunks) == 1


def test_unbroken_chinese_run_is_cut_at_the_limit() -> None:
    text = "好" * 250
    assert [len(c) for c in split_text(text, 100)] == [100, 100, 50]


@pytest.mark.parametrize("step", [4, None])
def test_only_a_single_token_longer_than_the_limit_is_cut_inside(step: int | None) -> None:
    token = "x" * 130
    text = f"see {token} and more"
    chunks = split_text(text, 50) if step is None else split_stream(text, 50, step)
    assert all(len(c) <= 50 for c in chunks)
    assert "".join(chunks).replace(" ", "") == text.replace(" ", "")
    assert "see" in chunks[0]
    assert chunks[-1].endswith("and more")


def test_token_budget_counts_chinese_characters_twice() -> None:
    assert token_cost("你好ab") == 6
    assert char_cost("你好ab") == 4
    chunks = split_text(CHINESE * 4, 100, token_cost)
    assert all(token_cost(c) <= 100 for c in chunks)
    assert "".join(chunks) == CHINESE * 4


def test_streamed_sentence_is_released_when_the_next_one_starts() -> None:
    splitter = SentenceSplitter(600)
    assert splitter.feed("Turn off the lights.") == []  # could still be "lights.com"
    assert splitter.feed(" ") == []  # could still be "e.g. the lights"
    assert splitter.feed("Now") == ["Turn off the lights."]
    assert splitter.feed(" 好。") == []
    assert splitter.feed("」") == []
    assert splitter.feed("再") == ["Now 好。」"]


def test_streamed_long_sentence_is_cut_even_when_the_next_one_arrives_with_it() -> None:
    splitter = SentenceSplitter(50)
    pieces = splitter.feed("word " * 30 + "end. Then it beeps.") + splitter.flush()
    assert all(len(p) <= 50 for p in pieces)
    assert pieces[-1] == "Then it beeps."
    assert _words(" ".join(pieces)) == ["word"] * 30 + ["end.", "Then", "it", "beeps."]


def test_a_request_takes_the_waiting_sentences_that_fit_the_limit() -> None:
    """While text streams in, a request joins the complete sentences waiting, in order, as
    long as they fit (a space between Latin sentences, none between CJK ones)."""
    waiting = deque(["One.", "Two.", "x" * 598, "好。", "是。"])
    assert next_request(waiting, 600, char_cost) == "One. Two."
    assert next_request(waiting, 600, char_cost) == "x" * 598
    assert next_request(waiting, 600, char_cost) == "好。是。"
    assert not waiting


def test_a_finished_text_becomes_balanced_requests_for_every_lane() -> None:
    """Once the text has all arrived, its sentences become a multiple of ``lanes`` requests
    within the limit, of similar size, in order."""
    sentences = split_text(ENGLISH * 12, 600)  # about 2,000 characters: 4 requests at least
    requests = balanced_requests(sentences, 600, char_cost, lanes=3)
    assert len(requests) == 6
    assert all(len(r) <= 600 for r in requests)
    assert " ".join(requests) == " ".join(sentences)
    assert max(map(len, requests)) - min(map(len, requests)) <= max(map(len, sentences))
