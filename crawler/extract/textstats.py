"""What each block's own text says (length, words, punctuation, case), for a whole page at once.

The page's block texts are joined with a separator no pattern matches, each pattern runs once
over the joined text, and its matches are counted per block from their offsets: a handful of
C-level passes a page instead of a dozen small ones per block.
"""

from __future__ import annotations

import re
from itertools import chain

import numpy as np

from crawler.extract.filters import is_junk_block
from crawler.extract.text import Block

#: Column names, in order (the first columns of the block feature matrix).
TEXT_COLUMNS = ("log_chars", "log_words", "link_density", "punct_rate", "sentence_end",
                "digit_rate", "capital_rate", "junk_rule", "title_like", "block_score",
                "short_word_rate", "mean_word_length", "topic_share", "topic_words")  # fmt: skip

_SEPARATOR = "\x00"  # parse_document strips control characters: never in a block's text
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
# Capitals of the Latin (with Latin-1), Greek and Cyrillic alphabets at the start of a word
# (``\b[A-Z...]``, written as the capital, then a look back for a word character before it:
# the scan for the capital is a fast character-class search, the look back rarely runs).
_CAPITALISED = re.compile("[A-Z\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0400-\u042f](?<!\\w.)")
# Letters of scripts without capitals (Arabic, Hebrew, Indic, Thai, Georgian, Hangul, Ethiopic).
_CASELESS = re.compile(
    "[\u0590-\u06ff\u0750-\u077f\u0900-\u0dff\u0e00-\u0e7f\u10d0-\u10ff"
    "\u1100-\u11ff\u1200-\u137f\uac00-\ud7af]"
)
# Clause and sentence marks of Latin, CJK, Arabic and Devanagari text.
_PUNCTUATION = re.compile(r",|\. |，|。|、|،|।")
_UNSPACED = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SENTENCE_END = frozenset(".!?…:;\"'”’)»。！？।؟")
_SHORT = 4  # words shorter than this are mostly function words, the mark of running prose
# Capitalised, short-word and mean-length figures of a typical paragraph of prose (the
# development sets' main-text blocks over 80 characters), given to text written without
# spaces (Chinese, Japanese, Thai), which has no words to count: those features then neither
# favour nor penalise it.
_PROSE_SHARES = (0.10, 0.36, 5.0)


def text_columns(
    blocks: list[Block], scores: list[float], title: str | None, topic: frozenset[str]
) -> np.ndarray:
    """The :data:`TEXT_COLUMNS` of every block (one row each)."""
    texts = [b.text for b in blocks]
    sizes = np.array([len(t) for t in texts], dtype=np.float64)
    safe = np.maximum(sizes, 1.0)
    words, capital, short, length, on_topic = _word_columns(texts, topic)
    safe_words = np.maximum(words, 1.0)
    has_words = words > 0
    folded_title = (len(title), _folded(title)) if title else None
    columns = [
        np.log1p(sizes),
        np.log1p(words),
        [b.link_density for b in blocks],
        100.0 * _punctuation(texts) / safe,
        [1.0 if t and t[-1] in _SENTENCE_END else 0.0 for t in texts],
        _per_block(_DIGIT, texts) / safe,
        capital,
        [1.0 if is_junk_block(b) else 0.0 for b in blocks],
        [_is_title(t, folded_title) for t in texts],
        scores,
        short,
        length,
        np.where(has_words, on_topic / safe_words, 0.0),
        np.log1p(on_topic),
    ]
    return np.column_stack(columns).astype(np.float32)


def _word_columns(
    texts: list[str], topic: frozenset[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Words, shares of capitalised and short words, mean word length, topic words."""
    # Each text's words (one C-level scan a block); per-word work stays in C (map, numpy).
    per_block = [_WORD.findall(t.lower()) for t in texts]
    flat = list(chain.from_iterable(per_block))
    count = len(texts)
    words: np.ndarray
    letters: np.ndarray
    shorts: np.ndarray
    on_topic: np.ndarray
    if flat:
        counts = np.fromiter(map(len, per_block), np.int64, count)
        owner = np.repeat(np.arange(count, dtype=np.int64), counts)
        lengths = np.fromiter(map(len, flat), np.int64, len(flat))
        words = np.bincount(owner, minlength=count).astype(np.float64)
        letters = np.bincount(owner, weights=lengths, minlength=count)
        shorts = np.bincount(owner, weights=lengths < _SHORT, minlength=count)
        hits = np.fromiter(map(topic.__contains__, flat), bool, len(flat))
        on_topic = np.bincount(owner, weights=hits, minlength=count)
    else:
        words = letters = shorts = on_topic = np.zeros(count)
    safe = np.maximum(words, 1.0)
    capital = np.where(words > 0, _per_block(_CAPITALISED, texts) / safe, 0.0)
    short = np.where(words > 0, shorts / safe, 0.0)
    length = np.where(words > 0, letters / safe, 0.0)
    caseless = _mostly(_CASELESS, texts, 0.3)
    if caseless.any():
        capital[caseless] = _PROSE_SHARES[0]
    unspaced = _unspaced(texts)
    if unspaced.any():
        estimate = np.maximum(1.0, np.array([len(t) // 2 for t in texts], dtype=np.float64))
        words = np.where(unspaced, estimate, words)
        for column, value in zip((capital, short, length), _PROSE_SHARES, strict=True):
            column[unspaced] = value
        on_topic = np.where(unspaced, 0.0, on_topic)
    return words, capital, short, length, on_topic


def _unspaced(texts: list[str]) -> np.ndarray:
    """Blocks mostly written in a script without spaces between words."""
    return _mostly(_UNSPACED, texts, 0.3)


def _mostly(script: re.Pattern[str], texts: list[str], share: float) -> np.ndarray:
    """Blocks whose characters are more than ``share`` letters of ``script``."""
    flags = np.zeros(len(texts), dtype=bool)
    candidates = [i for i, t in enumerate(texts) if not t.isascii()]
    if candidates:
        counts = _per_block(script, [texts[i] for i in candidates])
        sizes = np.array([len(texts[i]) for i in candidates], dtype=np.float64)
        flags[candidates] = counts > sizes * share
    return flags


def _per_block(pattern: re.Pattern[str], texts: list[str]) -> np.ndarray:
    """How many matches of ``pattern`` (one character each) each text holds: the texts,
    joined, lose every match in one substitution; each text's count is what it lost."""
    joined = _SEPARATOR.join(texts)
    stripped = pattern.sub("", joined)
    if len(stripped) == len(joined):
        return np.zeros(len(texts))
    before = np.fromiter(map(len, texts), np.int64, len(texts))
    after = np.fromiter(map(len, stripped.split(_SEPARATOR)), np.int64, len(texts))
    return (before - after).astype(np.float64)


def _punctuation(texts: list[str]) -> np.ndarray:
    """Clause and sentence marks per text (few a text: their offsets are counted)."""
    lengths = np.fromiter((len(t) + 1 for t in texts), np.int64, len(texts))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    positions = [m.start() for m in _PUNCTUATION.finditer(_SEPARATOR.join(texts))]
    if not positions:
        return np.zeros(len(texts))
    owner = np.searchsorted(starts, np.array(positions, dtype=np.int64), side="right") - 1
    return np.bincount(owner, minlength=len(texts)).astype(np.float64)


def _is_title(text: str, title: tuple[int, str] | None) -> float:
    """1.0 for the headline's text (``title``: its length and folded form)."""
    if title is None or abs(len(text) - title[0]) >= 8:
        return 0.0
    return 1.0 if _folded(text) == title[1] else 0.0


def _folded(text: str) -> str:
    return " ".join(text.lower().split())
