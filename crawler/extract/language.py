"""Language of a text when the page does not declare one: writing system, then stopwords."""

from __future__ import annotations

import re
from collections import Counter

# Scripts that name their language (or nearly): checked on letters, before any stopwords.
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
)
# A letter of any of those scripts: most text has none, and needs no counting per script.
_ANY_SCRIPT = re.compile("[" + "".join(script.pattern[1:-1] for _, script in _SCRIPTS) + "]")
_STOPWORDS = {
    "en": "the and of to in is that for it was on with as are be this by have from at not",
    "de": "der die und das ist nicht ein eine zu den mit sich des auf für im dem auch es von",
    "fr": "le la les et des est une un pour que dans qui pas sur au du ne par plus avec il",
    "es": "el la los las y que de en es por un una para con no se del lo al como más",
    "it": "il la che di e un una per non sono con del della è gli le nel anche come si",
    "pt": "o a os as e que de do da em um uma para com não é no na se por mais dos",
    "nl": "de het een en van is dat niet op te in zijn voor met die er ook als aan",
    "sv": "och att det som en på är av för med till den inte har de om ett var",
    "pl": "i w na z że się nie do to jest o jak po ale od za przez są tak",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada",
    "tr": "ve bir bu da de için ile olarak çok daha olan gibi ama en ne var",
    "ru": "и в не на что с по как это он к из но за то от же все так",
    "uk": "і в не на що з як це до та за від але є він його так вже",
}
# word -> the languages it is a stopword of (a constant index, built once).
_INDEX: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in _words.split():
        _INDEX[_word] = (*_INDEX.get(_word, ()), _lang)
_WORD = re.compile(r"[^\W\d_]+")
_NOT_LETTER = re.compile(r"[\W\d_]+")
_SAMPLE_CHARS = 2000
_MIN_HITS = 5


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when unsure (short or mixed text)."""
    sample = text[:_SAMPLE_CHARS]
    script = _script_language(sample)
    if script:
        return script
    counts: dict[str, int] = {}
    index = _INDEX
    for word in _WORD.findall(sample.lower()):
        for lang in index.get(word, ()):
            counts[lang] = counts.get(lang, 0) + 1
    hits = Counter(counts)
    ranked = hits.most_common(2)
    if not ranked or ranked[0][1] < _MIN_HITS:
        return None
    if len(ranked) > 1 and ranked[0][1] < ranked[1][1] * 1.5:
        return None
    return ranked[0][0]


def _script_language(sample: str) -> str | None:
    """The language a script names, when most letters of ``sample`` are in it."""
    if not _ANY_SCRIPT.search(sample):
        return None
    letters = len(_NOT_LETTER.sub("", sample)) or 1
    for lang, script in _SCRIPTS:
        if len(script.findall(sample)) > letters * 0.3:
            return lang
    return None
