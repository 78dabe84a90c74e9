"""The contract types: frozen, picklable (results cross process pools), JSON-ready."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime

import pytest

from crawler.extract import ExtractOptions, SiteLearner, SiteProfile, extract
from tests.extract.test_golden import FIXTURES

URL = "https://oceanweekly.example/articles/2024/02/azores-vents-mapped"


def test_result_round_trips_through_pickle_and_json() -> None:
    result = extract((FIXTURES / "jsonld.html").read_bytes(), URL)
    assert pickle.loads(pickle.dumps(result)) == result
    data = json.loads(json.dumps(result.to_dict()))
    assert data["published"] == {"value": "2024-02-14T09:30:00+01:00", "source": "json-ld"}
    assert "block_signatures" not in data
    with pytest.raises(AttributeError):
        result.text = "changed"  # type: ignore[misc]


def test_options_and_profiles_pickle() -> None:
    learner = SiteLearner()
    learner.observe(URL, extract((FIXTURES / "jsonld.html").read_bytes(), URL).block_signatures)
    profile = learner.profile(URL)
    assert isinstance(profile, SiteProfile)
    options = ExtractOptions(capture_time=datetime(2024, 1, 1, tzinfo=UTC), site_profile=profile)
    assert pickle.loads(pickle.dumps(options)) == options
    assert pickle.loads(pickle.dumps(learner)).profile(URL) == profile


def test_parse_then_extract_document_equals_extract() -> None:
    from crawler.extract import extract_document, parse_document

    html = (FIXTURES / "seed_sidebar.html").read_bytes()
    url = "https://www.dawn.com/news/779899/60-foreign-hostages-still-unaccounted-for-in-algeria"
    doc = parse_document(html, url)
    links = [a.get("href") for a in doc.tree.iter("a")]  # link discovery reads the tree first
    assert "/editorial" in links
    assert extract_document(doc) == extract(html, url)
