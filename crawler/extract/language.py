"""Language of a text: py3langid's naive Bayes model (97 languages, shipped in its wheel)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# The first characters are enough: py3langid walks the text byte by byte in Python, about
# 0.7 ms for 300 characters on a busy machine; 600 or 2000 agree with the declarations on no
# more development pages (one unsure page falls back to its declaration). The cap also keeps a
# hostile page's megabyte of text cheap.
_SAMPLE_CHARS = 300
_MIN_CHARS = 20
# Below this probability the text is too short or mixed to tell: the page's declaration decides.
_MIN_CONFIDENCE = 0.5
# Labels of the model that name the same language as a shorter ISO 639-1 code.
_ALIASES = {"nb": "no", "nn": "no"}


@cache
def _identifier() -> LanguageIdentifier:
    """The model, loaded once per process on first use (about a second)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when unsure (short or mixed text)."""
    sample = text[:_SAMPLE_CHARS]
    if len(sample.strip()) < _MIN_CHARS:
        return None
    classified: tuple[str, float] = _identifier().classify(sample)
    language, confidence = classified
    if confidence < _MIN_CONFIDENCE:
        return None
    return _ALIASES.get(language, language)
