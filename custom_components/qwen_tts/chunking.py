"""Cut text at sentence boundaries as it arrives (a whole message is one piece); joining
sentences into requests is the sentence pipeline's (sentence_pipeline.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
import re

# A sentence ends at CJK terminal punctuation, or at Latin terminal punctuation followed by
# whitespace; closing quotes and brackets stay with their sentence. Line breaks end one too.
_SENTENCE_END = re.compile(
    r"""(?:[。！？；…]+|[.!?;]+(?=[\s"'”’»）)\]]|$))[”’"'»）)\]]*\s*|\n+\s*"""
)
_CLAUSE_END = re.compile(r"""[，、：,:—–]\s*""")
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")

type Cost = Callable[[str], int]


def char_cost(text: str) -> int:
    """Qwen3 models count characters."""
    return len(text)


def token_cost(text: str) -> int:
    """The qwen-tts family's budget is in tokens: a CJK character counts as 2."""
    return len(text) + len(_CJK.findall(text))


def sentences(text: str) -> Iterator[str]:
    """Yield the sentences of ``text`` (each keeps its punctuation and trailing space)."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > start and text[start : match.end()].strip():
            yield text[start : match.end()]
            start = match.end()
    if text[start:].strip():
        yield text[start:]


def _wrap(sentence: str, limit: int, cost: Cost) -> Iterator[str]:
    """Cut a sentence longer than the limit: at clauses, then between words, then anywhere."""
    for pattern in (_CLAUSE_END, _SPACE):
        pieces = _split_keep(sentence, pattern)
        if len(pieces) > 1:
            yield from _pack(pieces, limit, cost, lambda piece: _wrap(piece, limit, cost))
            return
    # One unbroken run (CJK text or an absurdly long word): cut at the limit.
    piece = ""
    for char in sentence:
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
    pieces: list[str], limit: int, cost: Cost, too_long: Callable[[str], Iterator[str]]
) -> Iterator[str]:
    """Greedily join consecutive pieces into chunks whose cost stays within the limit."""
    chunk = ""
    for piece in pieces:
        if cost(piece) > limit:
            if chunk.strip():
                yield chunk
            chunk = ""
            yield from too_long(piece)
        elif cost(chunk + piece) > limit:
            if chunk.strip():
                yield chunk
            chunk = piece
        else:
            chunk += piece
    if chunk.strip():
        yield chunk


def join_sentences(text: str, sentence: str) -> str:
    """Join two pieces of text: a space between Latin text, nothing between CJK text."""
    if _CJK.match(text[-1]) and _CJK.match(sentence[0]):
        return text + sentence
    return f"{text} {sentence}"


class SentenceSplitter:
    """Find complete sentences in text that arrives in pieces (an LLM's streamed reply)."""

    def __init__(self, limit: int, cost: Cost = char_cost) -> None:
        """Start with an empty buffer; ``limit`` caps the size of a returned piece."""
        self._buffer = ""
        self._limit = limit
        self._cost = cost

    def feed(self, delta: str) -> list[str]:
        """Add text; return the sentences it completed (a Latin sentence is complete once
        the whitespace after its punctuation has arrived)."""
        parts = list(sentences(self._buffer + delta))
        # The last part is still open unless it ends with a confirmed boundary.
        self._buffer = parts.pop() if parts and not self._ends_sentence(parts[-1]) else ""
        done = [piece for part in parts for piece in self._fit(part)]
        if self._cost(self._buffer) > self._limit:
            *pieces, self._buffer = _wrap(self._buffer, self._limit, self._cost)
            done += pieces
        return [s.strip() for s in done if s.strip()]

    def _fit(self, sentence: str) -> Iterator[str]:
        """A complete sentence, cut when it alone exceeds the limit."""
        if self._cost(sentence) > self._limit:
            return _wrap(sentence, self._limit, self._cost)
        return iter((sentence,))

    def flush(self) -> list[str]:
        """Return what is left when the text has ended."""
        rest, self._buffer = self._buffer.strip(), ""
        return [rest] if rest else []

    @staticmethod
    def _ends_sentence(text: str) -> bool:
        match = None
        for match in _SENTENCE_END.finditer(text):  # noqa: B007
            pass
        # A Latin terminator at the very end may still be "3." of "3.14": wait for more text.
        return bool(
            match
            and match.end() == len(text)
            and (text[-1].isspace() or _CJK.search(match.group()))
        )
