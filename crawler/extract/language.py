"""Language of a text: py3langid's naive Bayes model (97 languages, shipped in its wheel)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# The first characters are enough (600 take ~0.5 ms; accuracy on the development pages is the
# same as with 2000), and a cap keeps a hostile page's megabyte of text cheap.
_SAMPLE_CHARS = 600
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
    language, confidence = _identifier().classify(sample)
    if confidence < _MIN_CONFIDENCE:
        return None
    return _ALIASES.get(language, language)
