r"""Text written for eyes made speakable: Markdown markup removed, URLs said by their host.

LLM replies in Assist (and many templates) carry Markdown; read as it is, the service would
speak its symbols. ``SpeakableText`` removes the markup and keeps the words, for text that
arrives in pieces (markup may be split across them: ``**`` as ``*`` + ``*``) and whole text
alike, holding back only what may still turn out to be markup:

- headings (``#``), list bullets and numbers, task boxes, blockquote ``>``: the marker goes; a
  heading, list item or table row that ends without punctuation gets a full stop, so it is
  spoken as its own phrase;
- ``**bold**``, ``*italic*``, ``__bold__``, ``_italic_``, ``~~struck~~``: the delimiters go;
- code spans lose their backticks, code fences their fence lines (the code is kept);
- links and images keep their text (``[the docs](https://…)`` is "the docs", an image its alt
  text); footnote marks (``[^1]``), reference definitions and HTML tags go (``[1]``,
  ``arr[0]`` and ``Array<String>`` are text); character entities (``&amp;``) are decoded;
  tables lose their pipes and separator rows (cells are read with commas), horizontal rules
  go;
- a bare URL or an autolink (``https://www.example.com/a/b?c=d``) is said by its host
  (``example.com``), never letter by letter and never cut in two; e-mail addresses stay.

Text that is not markup stays as it is: ``5 * 3``, ``2*3``, ``C#``, ``snake_case``, ``a_b``,
backslash escapes (``\*`` is ``*``) and emoticons (``:-)``, ``^_^``, ``:*``). A word between
asterisks (``*sigh*``) is emphasis in Markdown, so it is spoken without them.
"""

from collections.abc import AsyncGenerator, AsyncIterator
import html
import re
from urllib.parse import urlsplit

# How long a line start or an inline construct may be held back waiting to be decided.
_MAX_HOLD = 1000

_IDEOGRAPH = re.compile(r"[\u2e80-\u2fff\u3040-\u30ff\u3100-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# CJK characters and punctuation: text (and a URL) never runs on across one.
_CJK_CHARS = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(f"[{_CJK_CHARS}]")

# A partial line that may still become markup (wait for more text).
_UNDECIDED = re.compile(
    r"[ \t]*(?:[-*_=+:| \t]*|#{1,6}|\d{1,9}[.)]?|`{1,2}|~{1,2}|(?:`{3,}|~{3,}).*|\|.*"
    r"|\[\^?[^\]\n]*(?:\]:.*|\])?|[-*+][ \t]+\[[ xX]?\]?)"
)
_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
_RULE = re.compile(
    r"[ \t]*(?:(?:[-*_][ \t]*){3,}|=+[ \t]*"
    r"|\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*)"
)
_TABLE_ROW = re.compile(r"[ \t]*\|")
_DEFINITION = re.compile(r"[ \t]{0,3}\[\^?[^\]\n]+\]:")
_QUOTE = re.compile(r"[ \t]{0,3}>[ \t]?")
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*(?=\n?$)")

# HTML elements found in text (HTML's own names): "Array<String>" or "List<T>" is no tag.
_HTML_TAGS = (
    "a|abbr|address|article|aside|audio|b|big|blockquote|body|br|button|caption|center|cite"
    "|code|col|dd|del|details|dfn|div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head"
    "|header|hr|html|i|iframe|img|input|ins|kbd|label|li|main|mark|nav|ol|option|p|picture|pre"
    "|q|rp|rt|ruby|s|samp|script|section|select|small|source|span|strike|strong|style|sub"
    "|summary|sup|table|tbody|td|textarea|tfoot|th|thead|time|tr|tt|u|ul|var|video|wbr"
)
# Top-level domains that make "github.com/…" a URL without a scheme or "www." (followed by a
# path; "example.com" alone is said as written anyway).
_TLDS = (
    "com|org|net|io|dev|app|ai|co|edu|gov|info|me|tv|uk|de|fr|cn|jp|ru|us|eu|ch|nl|it|es|ca"
    "|au|in|br|kr|tw|hk|xyz|tech|cloud|site|online|blog|page|link|gg|ly|fm|be|at|se|no|dk|fi"
    "|pl|cz"
)
_INLINE = re.compile(
    r"""(?P<escape>\\[!-/:-@\[-`{-~])
    |(?P<ticks>`+)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)
    |(?P<tick>`+)
    |!\[(?P<alt>[^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+"[^"\n]*")?\)
    |\[(?P<text>[^\]\n]+)\](?:\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+"[^"\n]*")?\)|\[[^\]\n]*\])
    |(?P<note>\[\^[^\]\n]+\])
    |<(?P<autolink>[A-Za-z][A-Za-z0-9+.-]*://[^\s<>]+|[^\s<>@]+@[^\s<>@]+)>
    |(?P<tag></?(?i:TAGS)(?:\s[^<>\n]*)?/?>)
    |(?P<url>[A-Za-z][A-Za-z0-9+.-]*://(?:[^\s/@<>]+@)?(?:\[[0-9A-Fa-f:.]+\]|HOST)(?:/PATH?|[:?\#]PATH)?
      |(?i:www\.)PATH
      |(?<![\w@./:-])(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+(?i:TLDS)(?::[0-9]{1,5})?/PATH?)
    |(?P<entity>&(?:[A-Za-z][A-Za-z0-9]{1,7}|\#[0-9]{1,6}|\#[xX][0-9A-Fa-f]{1,6});)
    |(?P<delimiter>\*+|_+|~~+)""".replace("PATH", r"(?:[^\s<>CJK]*[^\s<>CJK.,:;!?'\")\]*_~])")
    .replace("HOST", r"(?:LABEL\.)*LABEL")
    .replace("LABEL", r"(?:[^\W_]|-)+")
    .replace("CJK", _CJK_CHARS)
    .replace("TAGS", _HTML_TAGS)
    .replace("TLDS", _TLDS),
    re.VERBOSE,
)
# A word that ends a sentence and cannot be the start of markup or a URL.
_SENTENCE_WORD = re.compile(r"[^\W_]+(?:[.,'’-][^\W_]+)*[.!?]+")
# A dot before a letter: "docs.python." may be a host still arriving ("3.5." may not).
_HOST_LIKE = re.compile(r"\.[^\W\d_]")
# Where an inline construct opens: held back until it closes (or its line ends).
_OPENER = re.compile(r"`+|!?\[|<(?=[A-Za-z/])")


class SpeakableText:
    """Markdown removed from text that arrives in pieces; ``feed`` returns what is settled."""

    def __init__(self) -> None:
        """At the start of a line, outside any code block."""
        self._raw = ""
        self._line_start = True
        self._kind = "text"  # of the current line: text, heading, item, code
        self._fence: str | None = None  # the fence of the code block the text is in
        self._before = "\n"  # the character before the text not yet read
        self._last = ""  # the last character spoken on the current line
        self._space = ""  # spaces read after it, not yet returned

    def feed(self, delta: str) -> str:
        """Add text; return its speakable part that can no longer change."""
        self._raw += delta
        return self._read(final=False)

    def flush(self) -> str:
        """The text has ended: return the rest."""
        return self._read(final=True) + self._end_line()

    def _read(self, *, final: bool) -> str:
        out: list[str] = []
        while self._raw:
            step = self._line(final) if self._line_start else self._inline(final)
            if step is None:
                break
            out.append(step)
        return "".join(out)

    def _take(self, count: int) -> str:
        taken, self._raw = self._raw[:count], self._raw[count:]
        if taken:
            self._before = taken[-1]
        return taken

    # --- Line starts -----------------------------------------------------------------------

    def _line(self, final: bool) -> str | None:
        """Decide what the line starting here is; ``None`` to wait for more text."""
        end = self._raw.find("\n")
        complete = end >= 0 or final
        line = self._raw if end < 0 else self._raw[:end]
        whole = len(line) + (end >= 0)
        if self._fence is not None:
            return self._code_line(line, whole, complete)
        if not complete and len(line) < _MAX_HOLD and _UNDECIDED.fullmatch(line):
            return None
        if not line.strip():
            self._take(whole)
            return "\n" if end >= 0 else ""
        if complete and (fence := _FENCE.match(line)) and "`" not in line[fence.end() :]:
            self._fence = fence.group(1)
            self._take(whole)
            return ""
        if complete and _RULE.fullmatch(line):
            self._take(whole)
            return "\n"
        if _TABLE_ROW.match(line) and complete:
            self._take(whole)
            return self._table_row(line) + ("\n" if end >= 0 else "")
        if complete and _DEFINITION.match(line):
            self._take(whole)
            return ""
        if quote := _QUOTE.match(line):
            self._take(quote.end())
            return ""
        self._line_start = False
        self._last = ""
        if heading := _HEADING.match(line):
            self._kind = "heading"
            self._take(heading.end())
        elif item := _ITEM.match(line):
            self._kind = "item"
            self._take(item.end())
        else:
            self._kind = "text"
            self._take(len(line) - len(line.lstrip(" \t")))
        return ""

    def _code_line(self, line: str, whole: int, complete: bool) -> str | None:
        """A line inside a code block: spoken as it is, except the closing fence."""
        fence = self._fence or ""
        closing = re.fullmatch(rf"[ \t]{{0,3}}({re.escape(fence[0])}{{{len(fence)},}})[ \t]*", line)
        if not complete and re.fullmatch(r"[ \t]*[`~]*", line):
            return None
        if complete and closing:
            self._fence = None
            self._take(whole)
            return "\n"
        self._line_start = False
        self._kind = "code"
        return ""

    def _table_row(self, line: str) -> str:
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())]
        if cells and not cells[0]:
            cells.pop(0)
        if cells and not cells[-1]:
            cells.pop()
        self._last = ""
        text = ", ".join(_inline(cell, " ", " ") for cell in cells if cell)
        self._last = text.rstrip()[-1:]
        return text + self._terminal() if text else ""

    # --- Inside a line ---------------------------------------------------------------------

    def _inline(self, final: bool) -> str | None:
        """Speak the settled part of the current line; ``None`` to wait for more text."""
        end = self._raw.find("\n")
        if self._kind == "code":
            count = len(self._raw) if end < 0 else end + 1
            self._line_start = end >= 0
            return self._take(count)
        if end >= 0 or final:
            count = len(self._raw) if end < 0 else end + 1
        else:
            count = _open_at(self._raw, _settled(self._raw))
            if count <= 0:
                return None
        segment = self._raw[:count]
        after = self._raw[count] if count < len(self._raw) else "\n"
        before = self._before
        self._take(count)
        newline = segment.endswith("\n")
        if newline:
            segment = segment[:-1]
        if self._kind == "heading" and (newline or final):
            segment = _CLOSING_HASHES.sub("", before + segment)[1:]
        text = self._space + _inline(segment, before, "\n" if newline else after)
        if text.strip():
            self._last = text.rstrip()[-1]
        # Spaces at the end wait for the next word: a line's full stop goes right after it.
        settled = text.rstrip(" \t")
        self._space = "" if newline else text[len(settled) :]
        if not newline:
            return settled
        return settled + self._end_line() + "\n"

    def _end_line(self) -> str:
        """End the current line: a heading or list item is given a full stop if it has none."""
        ending = self._terminal() if self._kind in ("heading", "item") else ""
        self._line_start = True
        self._kind = "text"
        self._last = self._space = ""
        return ending

    def _terminal(self) -> str:
        if not self._last or not self._last.isalnum():
            return ""
        return "。" if _IDEOGRAPH.match(self._last) else "."


def _settled(raw: str) -> int:
    """How much of a line still arriving is settled: up to its last space or CJK character
    (a word or URL after it may still grow), or all of it when it ends with a plain word
    that ends a sentence (the service may start speaking it at once)."""
    index = len(raw) - 1
    while index >= 0 and not (raw[index].isspace() or _CJK_BREAK.match(raw[index])):
        index -= 1
    tail = raw[index + 1 :]
    word = tail.rstrip(".!?")
    if _SENTENCE_WORD.fullmatch(tail) and not _HOST_LIKE.search(word) and word.lower() != "www":
        return len(raw)  # ("docs.python." or "www." may be a host still arriving)
    return index + 1


def _open_at(raw: str, count: int) -> int:
    """Where the settled part of a line still arriving (``raw[:count]``) must end instead:
    before an inline construct that has not closed yet or that runs past ``count``."""
    position = 0
    for opener in _OPENER.finditer(raw):
        start = opener.start()
        if start >= count:
            break
        if start < position or len(raw) - start > _MAX_HOLD or raw.endswith("://", 0, start):
            continue  # (an IPv6 host: "https://[2001:db8::1]/")
        match = _INLINE.match(raw, start)
        if match is None or match.group("tick") or match.end() > count:
            return start  # not closed yet (a closing backtick or bracket may still come)
        if match.end() == len(raw):
            return start  # "[text]" may still be followed by "(url)"
        position = match.end()
    return count


def _inline(text: str, before: str, after: str) -> str:
    """The words of one line's Markdown, with ``before``/``after`` the characters around it."""
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        out.append(_replacement(match, text, before, after))
    out.append(text[position:])
    return "".join(out)


def _replacement(match: re.Match[str], text: str, before: str, after: str) -> str:
    kind = match.lastgroup or ""
    value = match.group(kind) if kind else ""
    if kind == "escape":
        return value[1]
    if kind == "code":
        return value
    if kind in ("alt", "text"):
        return _inline(value, " ", " ")
    if kind in ("tick", "note"):
        return ""
    if kind == "tag":
        return " " if value[1:3].lower() == "br" else ""
    if kind in ("autolink", "url"):
        return _host(value)
    if kind == "entity":
        return html.unescape(value)
    start, end = match.span()
    prev = text[start - 1] if start else before
    following = text[end] if end < len(text) else after
    word_start = start < 2 or text[start - 2].isspace()
    if value == "*" and prev in ":;=" and word_start and following.isspace():
        return value  # an emoticon (":*")
    return value if _literal(value, prev, following) else ""


def _literal(run: str, prev: str, following: str) -> bool:
    """Whether a run of ``*``, ``_`` or ``~`` is text rather than emphasis: it does not
    flank a word on one side only (CommonMark's left- and right-flanking rules, without
    pairing: the closing run may not have arrived yet)."""
    left = not following.isspace() and (following.isalnum() or prev.isspace() or not prev.isalnum())
    right = not prev.isspace() and (
        prev.isalnum() or following.isspace() or not following.isalnum()
    )
    if left and right:
        # Inside a word or between punctuation: "a_b", "2*3", "^_^"; "*" between letters is
        # emphasis in Markdown ("un*frigging*believable"), kept only next to digits.
        return run[0] != "*" or prev.isdigit() or following.isdigit() or not prev.isalnum()
    return not left and not right


def _host(url: str) -> str:
    """What is said for a URL: its host without ``www.``; an e-mail address as it is."""
    if "://" not in url and "@" in url:
        return url
    host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
    return host.removeprefix("www.")


async def speakable(deltas: AsyncIterator[str]) -> AsyncGenerator[str]:
    """The speakable text of ``deltas``, piece by piece (empty pieces left out)."""
    text = SpeakableText()
    async for delta in deltas:
        if piece := text.feed(delta):
            yield piece
    if rest := text.flush():
        yield rest
