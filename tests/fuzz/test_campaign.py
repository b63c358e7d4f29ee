"""A bounded run of the fuzz campaign (tests/fuzz/campaign.py) in the suite: every mutant ends with exit 0/1/2, no
traceback or internal error, bounded memory, input unchanged, no formula from user text, no unmasked ID."""

import os

import pytest

from fuzz.campaign import campaign

COUNT = int(os.environ.get("LEGALAID_FUZZ_COUNT", "12"))   # each run is a child process (~3 s); by hand: thousands


@pytest.mark.skipif(os.name == "nt", reason="peak memory is read with the resource module (POSIX)")
def test_bounded_campaign(tmp_path):
    result = campaign(COUNT, seed=20261130, folder=tmp_path, log=lambda *_: None)
    assert result["runs"] == COUNT
    assert result["found"] == []
    assert result["peak_mb"] < 1024
