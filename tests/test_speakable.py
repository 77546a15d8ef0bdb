"""Markdown is removed from text before it is spoken (the words stay), whole or streamed in
deltas that split its markup; text that is not markup is kept as it is."""

import pytest

from custom_components.qwen_tts.speakable import SpeakableText

MARKUP = {
    # Emphasis and strikethrough: the delimiters go.
    "bold": ("**Sure!** The lights are off.", "Sure! The lights are off."),
    "italic": ("The lights are *off* and _dim_ now.", "The lights are off and dim now."),
    "bold italic": ("***Really*** __done__ ~~maybe~~.", "Really done maybe."),
    "bold label": ("**Note:** be careful.", "Note: be careful."),
    "emphasis in cjk": ("**重要**：门*没有*锁。", "重要：门没有锁。"),
    "action": ("*sigh* Fine.", "sigh Fine."),
    # Headings: the marker goes, a full stop ends the heading.
    "heading": ("## Weather today\n\nIt is sunny.", "Weather today.\n\nIt is sunny."),
    "heading closed": ("# Summary #\nAll good.", "Summary.\nAll good."),
    "heading with punctuation": ("### Ready?\nYes.", "Ready?\nYes."),
    "cjk heading": ("## 今日天气\n晴天。", "今日天气。\n晴天。"),
    # Lists: bullets, numbers and task boxes go; each item is a phrase of its own.
    "bullets": ("- Milk\n- Eggs\n* Bread\n+ Jam", "Milk.\nEggs.\nBread.\nJam."),
    "numbers": ("1. Preheat the oven\n2) Bake it.", "Preheat the oven.\nBake it."),
    "nested": ("- Fruit\n  - apples\n  - pears", "Fruit.\napples.\npears."),
    "tasks": ("- [ ] Water plants\n- [x] Feed cat", "Water plants.\nFeed cat."),
    # Code: backticks and fence lines go, the code stays.
    "code span": ("Run `ha core restart` now.", "Run ha core restart now."),
    "code span with stars": ("Type `a*b*c` here.", "Type a*b*c here."),
    "fence": ("Add this:\n```yaml\nlight: on\n```\nDone.", "Add this:\nlight: on\n\nDone."),
    "tilde fence": ("~~~\nx = 1\n~~~", "x = 1\n\n"),
    # Links and images keep their text; marks and definitions go.
    "link": ("See [the docs](https://www.home-assistant.io/docs/).", "See the docs."),
    "link with title": ('Read [this](https://x.org/a "A page") first.', "Read this first."),
    "reference link": ("See [the guide][1] too.\n\n[1]: https://x.org", "See the guide too.\n\n"),
    "image": ("![A sleeping cat](https://x.org/cat.png) Cute.", "A sleeping cat Cute."),
    "footnotes": ("True[^1] and noted[^note].\n\n[^1]: Source.", "True and noted.\n\n"),
    # Quotes, tables, rules, HTML.
    "quote": ("> Quoted here.\n> > Nested.", "Quoted here.\nNested."),
    "table": (
        "| Day | Temp |\n|---|:---:|\n| Monday | 20°C |\n| Tuesday | 22°C |",
        "Day, Temp.\n\nMonday, 20°C.\nTuesday, 22°C.",
    ),
    "rules": ("Above\n\n---\n\n***\n___\nBelow", "Above\n\n\n\n\n\nBelow"),
    "setext": ("Title\n=====\nText", "Title\n\nText"),
    "html": ("Tom &amp; Jerry<br>and <b>more</b>.", "Tom & Jerry and more."),
    "html with attributes": (
        '<p class="x">Hi</p> <SPAN>there</SPAN>, <h2>now</h2>.',
        "Hi there, now.",
    ),
    # URLs: said by their host, never letter by letter.
    "url": ("Visit https://www.example.com/a/b?c=d, it's great.", "Visit example.com, it's great."),
    "url in parentheses": ("(see https://docs.example.org/x_y).", "(see docs.example.org)."),
    "www": ("Go to www.home-assistant.io/blog today.", "Go to home-assistant.io today."),
    "autolink": ("Open <https://example.org/x> now.", "Open example.org now."),
    "url in cjk": ("请访问https://example.com/zh谢谢。", "请访问example.com谢谢。"),
    "url with port": ("Try http://192.168.1.5:8123/lovelace.", "Try 192.168.1.5."),
    "url as link text": ("[https://x.org/a/b](https://x.org/a/b)", "x.org"),
    "www in capitals": ("Visit WWW.EXAMPLE.COM/path?x=1&y=2 today.", "Visit example.com today."),
    "scheme in capitals": ("Open HTTPS://Example.ORG/A/B now.", "Open example.org now."),
    "ipv6 host": ("Open https://[2001:db8::1]:8123/x now.", "Open 2001:db8::1 now."),
    "ipv6 loopback": ("Try http://[::1]/api first.", "Try ::1 first."),
    "idn host": ("Open https://例子.测试 now.", "Open 例子.测试 now."),
    "idn host with path": ("Open https://bücher.de/a/b?c=1 now.", "Open bücher.de now."),
}

KEPT = [
    "Keep a/github.com/x, README.md/x, setup.py/y and 3.5/4 as they are.",
    "Press [1] to confirm or [2] to cancel.",
    "The value arr[0] is set, and arr[1] too.",
    "Use Array<String> and List<Item> here.",
    "Types Map<K, V> and Optional<User> differ.",
    "Compute 5 * 3 and 2*3*4.",
    "I like C# and F#, #hashtags too.",
    "Use a_b, snake_case_name and file_2.txt.",
    "Smile :-) or ;) or :D or ^_^ or :* now.",
    "Mail anna.lee@example.com or anna_lee@example.com.",
    "It costs ~5 euros, 3 < 4 > 2, 10% off & more.",
    "Escaped \\*stars\\* and \\_underscores\\_ stay.",
    "The time is 8:55, it is 3,5 degrees and 1,000,000 people.",
    "He said [sic] and (maybe) {perhaps}.",
    "A - B - C, x - y.",
    "你好，世界！今天是2026年。",
]


def speak(text: str, step: int | None = None) -> str:
    """What is spoken of ``text``, whole or streamed in deltas of ``step`` characters."""
    speakable = SpeakableText()
    if step is None:
        return speakable.feed(text) + speakable.flush()
    pieces = [speakable.feed(text[i : i + step]) for i in range(0, len(text), step)]
    return "".join(pieces) + speakable.flush()


@pytest.mark.parametrize("step", [1, 2, 5, None])
@pytest.mark.parametrize("name", MARKUP)
def test_markup_is_removed_and_the_words_stay(name: str, step: int | None) -> None:
    text, spoken = MARKUP[name]
    assert speak(text, step) == spoken


@pytest.mark.parametrize("step", [1, 3, None])
@pytest.mark.parametrize("text", KEPT)
def test_text_that_is_not_markup_is_kept(text: str, step: int | None) -> None:
    expected = text.replace("\\*", "*").replace("\\_", "_")
    assert speak(text, step) == expected


# A host with a well-known top-level domain followed by a path is a URL without a scheme.
BARE_URLS = {
    "Visit github.com/home-assistant/core/issues?q=is%3Aopen today.": "Visit github.com today.",
    "See docs.python.org/3/library/re.html, it helps.": "See docs.python.org, it helps.",
    "Open my-site.co.uk/a_b/c now.": "Open my-site.co.uk now.",
    "Try home-assistant.io:8123/lovelace later.": "Try home-assistant.io later.",
}


@pytest.mark.parametrize(("text", "spoken"), BARE_URLS.items())
@pytest.mark.parametrize("step", [4, None])
def test_a_bare_url_is_said_by_its_host(text: str, spoken: str, step: int | None) -> None:
    """Whole, or streamed in deltas that do not end right after the host's first dot (then
    its first label is passed on as a word ending a sentence: see README)."""
    assert speak(text, step) == spoken


def test_streamed_text_is_returned_as_soon_as_it_is_settled() -> None:
    """Only what may still turn out to be markup is held back: the word being written, an
    unfinished link or code span, a line start that may be a list or a rule."""
    speakable = SpeakableText()
    assert speakable.feed("-") == ""  # a bullet, a rule or "-5"?
    assert speakable.feed(" Buy *fresh") == "Buy"
    assert speakable.feed("* milk, see [the ") == " fresh milk, see"
    assert speakable.feed("shop](https://x.org) ") == " the shop"
    assert speakable.feed("\nDone") == ".\n"
    assert speakable.flush() == "Done"


@pytest.mark.parametrize(
    ("delta", "settled"),
    [
        ("The lights are off.", "The lights are off."),
        ("Is it 3.5?", "Is it 3.5?"),
        ("Done!", "Done!"),
        ("Visit www.example.", "Visit"),
        ("See https://x.org/a.", "See"),
        ("It is *done.", "It is"),
    ],
)
def test_a_sentence_end_is_returned_at_once(delta: str, settled: str) -> None:
    """A plain word ending a sentence does not wait for the next delta (the service may
    start speaking); a URL or markup that may still grow does."""
    assert SpeakableText().feed(delta) == settled


def test_an_unclosed_construct_is_text_once_its_line_ends() -> None:
    assert speak("Choose [A or B\nand `this", 2) == "Choose [A or B\nand this"
