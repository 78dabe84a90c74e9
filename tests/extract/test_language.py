"""Language: declared on the page, or read from the text."""

from __future__ import annotations

import pytest

from crawler.extract import extract
from crawler.extract.language import guess_language

SAMPLES = {
    "en": "The council said that it was not ready to approve the plan, and that the vote "
    "would be held in the spring, after a review of the costs by the city.",
    "de": "Der Rat sagte, dass er nicht bereit sei, den Plan zu genehmigen, und dass die "
    "Abstimmung im Frühjahr stattfinden werde, auch mit den Kosten für die Stadt.",
    "fr": "Le conseil a dit qu'il n'était pas prêt à approuver le plan et que le vote aura "
    "lieu au printemps, après un examen des coûts par la ville pour les habitants.",
    "es": "El consejo dijo que no estaba listo para aprobar el plan y que la votación se "
    "hará en la primavera, después de una revisión de los costos por la ciudad.",
    "pt": "O conselho disse que não estava pronto para aprovar o plano e que a votação "
    "será feita na primavera, depois de uma revisão dos custos pela cidade.",
    "ru": "Совет заявил, что не готов одобрить план и что голосование пройдет весной, "
    "после того как город проверит все расходы, но это не так просто.",
    "ja": "市議会は計画を承認する準備ができていないと述べ、投票は春に行われるとした。",
}


@pytest.mark.parametrize(("lang", "text"), SAMPLES.items())
def test_guess_language(lang: str, text: str) -> None:
    assert guess_language(text) == lang


def test_too_little_text_is_unsure() -> None:
    assert guess_language("Hello world") is None
    assert guess_language("") is None


def test_text_beats_a_wrong_declaration() -> None:
    body = "".join(f"<p>{SAMPLES['de']}</p>" for _ in range(3))
    result = extract(f'<html lang="en"><body>{body}</body></html>', "https://x.de/a-b-c-d")
    assert result.language == "de"


def test_declaration_used_when_text_is_unsure() -> None:
    body = "<p>" + "Zorblax quenti morv, daltrix ampel sorvun. " * 8 + "</p>"
    result = extract(f'<html lang="nl-BE"><body>{body}</body></html>', "https://x.be/a-b-c-d")
    assert result.language == "nl"


# Languages a stopword list of ten would miss or confuse with a neighbour (da/sv, fa/ar, ca/es).
NEIGHBOURS = {
    "da": "Regeringen fremlagde i går et forslag om at sænke skatten på el, og oppositionen "
    "siger, at den vil stemme for, hvis pengene findes andre steder i budgettet.",
    "sv": "Regeringen lade i går fram ett förslag om att sänka skatten på el, och oppositionen "
    "säger att den röstar ja om pengarna hittas någon annanstans i budgeten.",
    "fa": "دولت دیروز طرحی برای کاهش مالیات برق ارائه کرد و مخالفان می‌گویند اگر بودجه آن "
    "از جای دیگری تأمین شود به آن رأی خواهند داد.",
    "ar": "قدمت الحكومة أمس مقترحا لخفض الضريبة على الكهرباء، وقالت المعارضة إنها ستصوت "
    "لصالحه إذا وجدت الأموال في مكان آخر من الميزانية.",
    "ca": "El govern va presentar ahir una proposta per abaixar l'impost sobre l'electricitat, "
    "i l'oposició diu que hi votarà a favor si els diners surten d'una altra partida.",
    "fi": "Hallitus esitteli eilen ehdotuksen sähköveron alentamisesta, ja oppositio sanoo "
    "tukevansa sitä, jos rahat löytyvät muualta budjetista.",
    "vi": "Chính phủ hôm qua đưa ra đề xuất giảm thuế điện, và phe đối lập nói sẽ ủng hộ nếu "
    "khoản tiền này được bù từ nơi khác trong ngân sách.",
    "hu": "A kormány tegnap javaslatot tett az áram adójának csökkentésére, az ellenzék pedig "
    "azt mondja, megszavazza, ha a pénzt a költségvetés más részéből előteremtik.",
}


@pytest.mark.parametrize(("lang", "text"), NEIGHBOURS.items())
def test_languages_beyond_a_stopword_list(lang: str, text: str) -> None:
    assert guess_language(text) == lang


def test_a_short_clear_line_is_enough() -> None:
    assert guess_language("Regeringen fremlagde i går et forslag") == "da"


def test_a_huge_text_is_read_from_its_start_only() -> None:
    text = SAMPLES["fr"] + " " + "the and of " * 200_000
    assert guess_language(text) == "fr"
