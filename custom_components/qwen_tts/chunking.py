"""Cut text into requests: into sentences as it arrives, a sentence longer than a request into
pieces, and sentences joined into requests within the text limit (sentence_pipeline.py only
schedules them).

Sentence boundaries come from Home Assistant's own detector, ``sentence-stream`` (what core
ElevenLabs uses): a period, a closing quote or bracket, or CJK punctuation ends a sentence only
where the next sentence visibly starts, so abbreviations, initials, ``a.m.``, decimals and
``「好的。」`` stay whole, in streamed and whole text alike.
"""

from collections import deque
from collections.abc import Callable, Iterable, Iterator
import math
import re

from sentence_stream import SentenceBoundaryDetector

# sentence-stream drops *paired* asterisks from the sentences it returns; the asterisks that
# reach it are text ("5 * 3 * 2"; markup is removed before: speakable.py), so they travel as a
# private-use stand-in.
_ASTERISK, _STAND_IN = "*", "\ue000"
# Abbreviations that never end a sentence but that sentence-stream takes for an end before a
# capital (it knows titles of up to three letters, such as "Dr." or "Mrs.").
_ABBREVIATION_END = re.compile(
    r"(?:^|(?<=[\s(\"'“‘]))(?:(?:Prof|Capt|Cmdr|Supt|Insp|Pres|Gov|Sen|Rep|Rev|Hon|Gen|Col"
    r"|Maj|Lt|Sgt|Cpl|Messrs|Mme|Mlle|Mx)\.|e\.g\.|i\.e\.|vs\.|cf\.|approx\.|viz\.|ca\.)$",
    re.IGNORECASE,
)
# The same in other languages, as written (German, French, Spanish, Italian): "abs." or
# "mio." end sentences in lowercase.
_ABBREVIATION_END_CASED = re.compile(
    r"(?:^|(?<=[\s(\"'“‘„«]))(?:usw|bzw|vgl|ggf|evtl|inkl|exkl|zzgl|bspw|sog|Nr|Str|Tel|Abs|Bd"
    r"|Jh|Jhd|geb|gest|Dipl|Ing|Mio|Mrd|Hr|Hrn|Frl|MM|env|av|Sra|Srta|Sres|Dña|Dra|Ud|Uds|Vd"
    r"|Vds|Lic|aprox|pág|núm|Sig|Sigg|Dott|Avv)\.$"
)
# Abbreviations of lowercase letters, one or two parts ("z. B.", "d. h.", "u. a.", "p. ex.",
# "p. ej.", "т. е.", "z.B."; "a.m."/"p.m." may end a sentence): the detector ends a sentence at
# their first or last period when a capitalized word follows (German nouns).
_LETTER_ABBREVIATION_END = re.compile(r"(?:^|(?<=\s))(?:([^\W\d_]{1,2})\.\s?)?([^\W\d_]{1,3})\.$")
# A sentence ending in a number of one to three digits and a period may end in an ordinal
# (German "am 3. Oktober", "der 1. FC"): it does when the next word is a month or a noun
# ordinals come before, or when a German article or preposition precedes one of 1-2 digits.
# "born in 1990. Then" and "Team won 3. Next" end there.
_MAYBE_ORDINAL_END = re.compile(r"(?:^|(?<=\s))(?:(\w+)\s+)?(\d{1,3})\.$")
_ORDINAL_BEFORE = re.compile(r"am|im|vom|zum|zur|beim|der|die|das|den|dem|des|ab|bis|seit", re.I)
_ORDINAL_NOUN = re.compile(
    r"Januar|Jänner|Februar|Feber|März|April|Mai|Juni|Juli|August|September|Oktober|November"
    r"|Dezember|Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez|FC|Liga|Bundesliga|Platz"
    r"|Stelle|Stock|Etage|Klasse|Jahrhundert|Jh|Jhd|Geburtstag|Jahrestag|Todestag|Mal|Runde"
    r"|Spieltag|Halbzeit|Kapitel|Auflage|Woche|Advent|Weltkrieg|Reihe|Sinfonie|Symphonie|Akt"
)
# The next word once it is complete, or none when the next text starts otherwise.
# A sentence ending inside a CJK quotation (。」, ！』, 。”) goes on when the quote is followed
# directly by a quotative particle or who said it: 「はい。」と彼は言った, 『本当？』って,
# “好的。”他说, 「好的。」她笑着问道, “네.”라고. Any other text after the quote starts a new
# sentence (「好的。」然后走了).
_QUOTE_CLOSE = "」』”’）》〉】"
_QUOTE_END = re.compile(rf"[。！？!?.…][{_QUOTE_CLOSE}]+$")
_ATTRIBUTION = re.compile(
    r"って|という|といった|とか|との|と(?=[^\u3041-\u309f])"
    r"|(?:[他她它我你您]们?|大家)[^\s。！？，、]{0,3}?[说问答喊道]|说|问道|答道|喊道|笑道"
    r"|이?라고|하고"
)
_ATTRIBUTION_FIRST = frozenset("っと他她它我你您大说问答喊笑이라하")
_ATTRIBUTION_SPAN = 6
_FIRST_WORD = re.compile(r"\s*(?:([^\W\d_]+)(?=[\W\d_])|(?![^\W\d_])\S)")
# Spaces that are not word boundaries: no-break spaces (U+00A0, U+202F narrow, U+2007 figure)
# and the thin space (U+2009), which typography puts inside numbers ("1 234 567", "10 h 30").
_NO_BREAK = "\u00a0\u2007\u2009\u202f"
_BREAK = rf"[^\S{_NO_BREAK}]"
# Where a sentence that is too long may be cut, best first: after a clause (Latin punctuation
# followed by a space, CJK punctuation, an em dash not between digits), then between words.
# "8:55", "3,5", "1,000,000", "2.4.1" and addresses have no space after their punctuation.
_CLAUSE_END = re.compile(rf"(?:[，、；：]|——){_BREAK}*|[,;:–—](?={_BREAK}){_BREAK}*|—(?!\d)")
_SPACE = re.compile(rf"{_BREAK}+")
_IDEOGRAPH = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u9fff\uac00-\ud7af\uf900-\ufaff"
# The smallest pieces of a run without spaces: one CJK character with the punctuation after
# it, or a run of other characters (a number, a word, an address).
_TOKEN = re.compile(rf"[{_IDEOGRAPH}][^\s\w]*|(?:(?![{_IDEOGRAPH}])[\S{_NO_BREAK}])+|{_BREAK}+")
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")

# How much text the detector is given at once.
_SLICE = 256

type Cost = Callable[[str], int]


def char_cost(text: str) -> int:
    """Qwen3 models count characters."""
    return len(text)


def token_cost(text: str) -> int:
    """The qwen-tts family's budget is in tokens: a CJK character counts as 2."""
    return len(text) + len(_CJK.findall(text))


def _wrap(sentence: str, limit: int, cost: Cost) -> Iterator[str]:
    """Cut a sentence longer than the limit: after clauses, then between words, then between
    CJK characters or runs of other characters; only a single run longer than the limit is
    cut inside."""
    for pattern in (_CLAUSE_END, _SPACE):
        pieces = _split_keep(sentence, pattern)
        if len(pieces) > 1:
            yield from _pack(pieces, limit, cost, lambda piece: _wrap(piece, limit, cost))
            return
    tokens = _TOKEN.findall(sentence)
    if len(tokens) > 1:
        yield from _pack(tokens, limit, cost, lambda token: _cut(token, limit, cost))
    else:
        yield from _cut(sentence, limit, cost)


def _cut(run: str, limit: int, cost: Cost) -> Iterator[str]:
    """A single run longer than the limit, cut at the limit."""
    piece = ""
    for char in run:
        if piece and cost(piece + char) > limit:
            yield piece
            piece = ""
        piece += char
    if piece:
        yield piece


def _split_keep(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split after each match of ``pattern``, keeping the separators."""
    pieces, start = [], 0
    for match in pattern.finditer(text):
        if match.end() > start and match.end() < len(text):
            pieces.append(text[start : match.end()])
            start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]


def _pack(
    pieces: Iterable[str],
    limit: int,
    cost: Cost,
    too_long: Callable[[str], Iterator[str]],
    join: Callable[[str, str], str] = str.__add__,
) -> Iterator[str]:
    """Greedily join consecutive pieces (with ``join``) into chunks whose cost stays within
    the limit; a piece that alone exceeds it goes to ``too_long``. Blank chunks are dropped."""
    chunk = ""
    for piece in pieces:
        if cost(piece) > limit:
            if chunk.strip():
                yield chunk
            chunk = ""
            yield from too_long(piece)
        elif chunk and cost(joined := join(chunk, piece)) <= limit:
            chunk = joined
        else:
            if chunk.strip():
                yield chunk
            chunk = piece
    if chunk.strip():
        yield chunk


def join_sentences(text: str, sentence: str) -> str:
    """Join two pieces of text: a space between Latin text, nothing between CJK text."""
    if _CJK.match(text[-1]) and _CJK.match(sentence[0]):
        return text + sentence
    return f"{text} {sentence}"


def next_request(sentences: deque[str], limit: int, cost: Cost) -> str:
    """Take the text of one request from the front of ``sentences`` (non-empty, each within
    ``limit``): the first sentence and those after it that still fit, joined."""
    text = sentences.popleft()
    while sentences and cost(joined := join_sentences(text, sentences[0])) <= limit:
        text = joined
        sentences.popleft()
    return text


def balanced_requests(sentences: list[str], limit: int, cost: Cost, lanes: int) -> list[str]:
    """Join consecutive sentences (non-empty, each within ``limit``) into as few requests as
    the limit allows, rounded up to a multiple of ``lanes`` so that requests synthesized
    side by side finish together, with the largest request as small as possible."""
    total = cost(" ".join(sentences))
    requests = math.ceil(total / limit)
    if requests > 1:
        requests = math.ceil(requests / lanes) * lanes
    # The smallest size bound for which greedy packing needs no more than that many.
    low = max(cost(sentence) for sentence in sentences)
    high = max(low, limit)
    while low < high:
        middle = (low + high) // 2
        if len(_join_within(sentences, middle, cost)) <= requests:
            high = middle
        else:
            low = middle + 1
    return _join_within(sentences, low, cost)


def _join_within(sentences: list[str], bound: int, cost: Cost) -> list[str]:
    """Sentences greedily joined into requests of at most ``bound`` (none exceeds it alone)."""
    return list(_pack(sentences, bound, cost, _whole, join_sentences))


def _whole(piece: str) -> Iterator[str]:
    yield piece


class SentenceSplitter:
    """Find complete sentences in text that arrives in pieces (an LLM's streamed reply, or a
    whole message as one piece); no returned piece costs more than ``limit``."""

    def __init__(self, limit: int, cost: Cost = char_cost) -> None:
        """Start with no text."""
        self._detector = SentenceBoundaryDetector()
        self._held = ""  # a sentence ending in an abbreviation, joined to the next one
        self._maybe = ""  # a sentence that may go on (an ordinal, a quote), until it is known
        self._limit = limit
        self._cost = cost

    def feed(self, delta: str) -> list[str]:
        """Add text; return the sentences it completed (a sentence is complete once the next
        one has visibly started). Text without a boundary is cut between words once it
        exceeds the limit."""
        text = delta.replace(_ASTERISK, _STAND_IN)
        # The detector rescans its whole buffer for each sentence it finds: a long message
        # goes in slices, so the work stays linear in its length.
        return [
            sentence
            for start in range(0, len(text), _SLICE)
            for sentence in self._feed(text[start : start + _SLICE])
        ]

    def _feed(self, text: str) -> list[str]:
        done = self._complete(self._detector.add_chunk(text))
        detector = self._detector
        following = detector.current_sentence + detector.remaining_text
        done += self._settle(following, final=self._cost(following) > self._limit)
        open_text = _join(self._held, following)
        if self._cost(open_text) > self._limit:
            *pieces, rest = _wrap(open_text, self._limit, self._cost)
            done += pieces
            self._held = ""
            self._detector = SentenceBoundaryDetector()
            done += self._complete(self._detector.add_chunk(rest))
        return _restore(done)

    def flush(self) -> list[str]:
        """Return what is left when the text has ended."""
        rest = self._detector.finish()
        done = self._settle(rest, final=True)
        rest = _join(self._held, rest)
        self._held = ""
        self._detector = SentenceBoundaryDetector()
        return _restore(done + (self._fit(rest) if rest.strip() else []))

    def _complete(self, sentences: Iterable[str]) -> list[str]:
        """Sentences the detector found, with a wrongly ended abbreviation joined to the next."""
        done: list[str] = []
        for found in sentences:
            done += self._settle(found, final=True)
            sentence = _join(self._held, found)
            self._held = ""
            if _abbreviation_end(sentence):
                self._held = sentence
            elif _MAYBE_ORDINAL_END.search(sentence) or _QUOTE_END.search(sentence):
                self._maybe = sentence
            else:
                done += self._fit(sentence)
        return done

    def _settle(self, following: str, final: bool) -> list[str]:
        """Decide whether a sentence that may go on ended, once the text after it tells
        (``final``: ``following`` is all there is before the next sentence)."""
        if not self._maybe:
            return []
        goes_on = _goes_on(self._maybe, following, final)
        if goes_on is None:
            return []
        sentence, self._maybe = self._maybe, ""
        if goes_on:
            self._held = sentence
            return []
        return self._fit(sentence)

    def _fit(self, sentence: str) -> list[str]:
        """A complete sentence, cut when it alone exceeds the limit."""
        if self._cost(sentence) > self._limit:
            return list(_wrap(sentence, self._limit, self._cost))
        return [sentence]


def _abbreviation_end(sentence: str) -> bool:
    """Whether the sentence ends in an abbreviation rather than at its end."""
    if _ABBREVIATION_END.search(sentence) or _ABBREVIATION_END_CASED.search(sentence):
        return True
    letters = _LETTER_ABBREVIATION_END.search(sentence)
    if not letters:
        return False
    first, last = letters.groups()
    if first is None:
        return len(last) == 1 and last.islower()
    return first[0].islower() and f"{first}.{last}".lower() not in ("a.m", "p.m")


def _goes_on(sentence: str, following: str, final: bool) -> bool | None:
    """Whether a sentence ending in a number or a quote goes on in ``following``; None while
    the text that tells has not arrived."""
    if _QUOTE_END.search(sentence):
        if _ATTRIBUTION.match(following):
            return True
        waiting = not following or (
            following[0] in _ATTRIBUTION_FIRST and len(following) < _ATTRIBUTION_SPAN
        )
        return None if waiting and not final else False
    first = _FIRST_WORD.match(following)
    if not first:
        return None if not final else False
    return bool(first.group(1) and _is_ordinal(sentence, first.group(1)))


def _is_ordinal(sentence: str, next_word: str) -> bool:
    """Whether the number ending ``sentence`` is an ordinal before ``next_word``."""
    number = _MAYBE_ORDINAL_END.search(sentence)
    if number is None or not next_word[:1].isupper():
        return False
    before, digits = number.groups()
    return bool(
        _ORDINAL_NOUN.fullmatch(next_word)
        or (before and _ORDINAL_BEFORE.fullmatch(before) and len(digits) <= 2)
    )


def _join(held: str, text: str) -> str:
    if not held:
        return text
    if held[-1] in _QUOTE_CLOSE and _CJK.match(text[:1]):
        return held + text  # 「はい。」と言った: the quote went on without a space
    return f"{held} {text.lstrip()}"


def _restore(pieces: list[str]) -> list[str]:
    return [s.strip().replace(_STAND_IN, _ASTERISK) for s in pieces if s.strip()]
