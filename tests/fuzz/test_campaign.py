"""A bounded run of the fuzz campaign (tests/fuzz/campaign.py) in the suite: every mutant ends with exit 0/1/2, no
traceback or internal error, input unchanged, no formula from user text, no unmasked ID; a few mutants also in a child
process each, with the peak memory bounded."""

import os

import pytest

from fuzz.campaign import campaign

IN_PROCESS = int(os.environ.get("LEGALAID_FUZZ_COUNT", "500"))   # ~0.15 s each (issue 18: 500 in CI); by hand: thousands
CHILD = int(os.environ.get("LEGALAID_FUZZ_CHILD_COUNT", "4"))     # ~3 s each (interpreter start, imports)


def test_bounded_campaign_in_process(tmp_path):
    result = campaign(IN_PROCESS, seed=20261130, folder=tmp_path, log=lambda *_: None, in_process=True)
    assert result["runs"] == IN_PROCESS
    assert result["found"] == []


@pytest.mark.skipif(os.name == "nt", reason="peak memory is read with the resource module (POSIX)")
def test_bounded_campaign_child_processes(tmp_path):
    result = campaign(CHILD, seed=7, folder=tmp_path, log=lambda *_: None)
    assert result["runs"] == CHILD
    assert result["found"] == []
    assert 0 < result["peak_mb"] < 1024
