"""Sketches and the copy decision on texts: copies as syndication makes them, and non-copies."""

from __future__ import annotations

import sqlite3

from crawler.syndication import SketchIndex, create_tables, is_copy, similarity, sketch_text
from crawler.syndication.sketch import band_keys, banding, words
from tests.syndication.stories import OTHER, WIRE, copy_of_wire, follow_up


def _sketch(paragraphs: list[str]):
    found = sketch_text("\n\n".join(paragraphs))
    assert found is not None
    return found


def test_syndicated_copy_is_a_copy_and_scores_high():
    original, copy = _sketch(WIRE), _sketch(copy_of_wire())
    assert is_copy(original, copy)
    assert similarity(original, copy) > 0.8


def test_different_story_and_follow_up_quoting_it_are_not_copies():
    original = _sketch(WIRE)
    assert not is_copy(original, _sketch(OTHER))
    assert not is_copy(original, _sketch(follow_up()))
    assert similarity(original, _sketch(OTHER)) < 0.2


def test_typography_and_case_do_not_matter():
    plain = [p.replace("\u201c", '"').replace("\u201d", '"').upper() for p in WIRE]
    assert similarity(_sketch(WIRE), _sketch(plain)) == 1.0
    assert words("\u201cSalt\u201d \u2014 water's") == words('"salt" -- WATER\u2019S')


def test_short_text_is_not_sketched():
    assert sketch_text("Too short to be a story: a caption with a few words.") is None


def test_banding_is_what_datasketch_chooses_for_the_threshold():
    from datasketch import MinHashLSH

    from crawler.syndication import sketch as module

    lsh = MinHashLSH(threshold=module.LSH_THRESHOLD, num_perm=module.NUM_PERM,
                     weights=module.LSH_WEIGHTS)
    assert (lsh.b, lsh.r) == banding()


def test_reading_commands_do_not_import_datasketch():
    import subprocess
    import sys

    code = ("import sys, crawler.store, crawler.commands.export, crawler.commands.duplicates\n"
            "print('datasketch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_band_keys_are_stable_and_one_per_band():
    keys = band_keys(_sketch(WIRE))
    assert keys == band_keys(_sketch(WIRE))
    assert len(keys) == banding()[0]
    assert len(set(keys)) == len(keys)


def test_index_finds_the_copy_and_forgets_removed_texts():
    conn = sqlite3.connect(":memory:")
    create_tables(conn)
    index = SketchIndex(conn)
    index.add(1, _sketch(WIRE))
    index.add(2, _sketch(OTHER))
    index.add(3, None)  # too short: marked as seen, never a candidate
    assert index.is_indexed(3) and index.get(3) is None
    assert index.candidates(_sketch(copy_of_wire()))[0] == 1
    assert 2 not in index.candidates(_sketch(copy_of_wire()))
    index.remove([1])
    assert index.candidates(_sketch(copy_of_wire())) == []
    assert conn.execute("SELECT count(*) FROM sketch_bands WHERE text_id = 1").fetchone()[0] == 0
