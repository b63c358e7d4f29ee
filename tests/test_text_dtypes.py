"""The ledger, the subsidies and the statistics hold their texts the same way whatever pandas infers for text.

pandas 2 keeps text in object columns; pandas 3 infers its `str` dtype, kept in Arrow buffers when pyarrow is installed
(same environment, different memory and different missing values: NaN, not None). The toolkit makes its text
columns object columns itself, so every dtype, value and written byte is the same in each of these modes.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.ledger_gen import write_ledger
from toolkit.cli.main import main
from toolkit.io.excel_read import read_workbook
from toolkit.io.limits import EXCEL_COLUMNS
from toolkit.ledger.book import build_ledger_from_books, build_standard
from toolkit.stats.compute import Period, build_report, parse_consultations
from toolkit.subsidy.job import ledger_placements, outcome_json, parse_subsidy_settings, run_subsidy

SAMPLE = Path(__file__).parent.parent / "workbooks" / "示例台账.xlsx"
REFERENCE = "object (pandas 2)"
MODES = {
    REFERENCE: {"future.infer_string": False},
    "str, python storage (pandas 3 without pyarrow)": {"future.infer_string": True, "mode.string_storage": "python"},
    "str, Arrow storage (pandas 3 with pyarrow)": {"future.infer_string": True, "mode.string_storage": "pyarrow"},
}
ARROW = importlib.util.find_spec("pyarrow") is not None


@contextlib.contextmanager
def text_mode(name):
    """pandas' options for inferring text set as in `name` for the block (restored after)."""
    if "pyarrow" in MODES[name].values() and not ARROW:
        pytest.skip("pyarrow is not installed here, so pandas has no Arrow strings to infer (the toolkit does not "
                    "need pyarrow; the other modes are tested)")
    args = [x for pair in MODES[name].items() for x in pair]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")         # (pandas 3 marks future.infer_string as deprecated)
        with pd.option_context(*args):
            warnings.resetwarnings()
            yield


def plain(v):
    """A value with its type, NaN comparable to NaN."""
    if isinstance(v, float) and v != v:
        return ("float", "NaN")
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, tuple(map(plain, v)))
    return (type(v).__name__, v)


def frame_facts(frame: pd.DataFrame) -> dict:
    return {"columns": list(frame.columns), "dtypes": [str(t) for t in frame.dtypes],
            "values": {c: [plain(v) for v in frame[c].tolist()] for c in frame.columns}}


def core_facts(path: Path) -> dict:
    """The ledger built from `path`, its subsidies and its statistics: every frame's dtypes and values."""
    sheets = read_workbook(path, hidden=True)
    ledger = build_ledger_from_books([(path.name, sheets)], None)
    standard = build_standard(sheets, None, file=path.name)
    settings = parse_subsidy_settings({"level": "最低", "fund": "46万", "flats": "1800,2000", "standard": None})
    places = ledger_placements(ledger, {(p.file, p.sheet): next(s for s in sheets if s.name == p.sheet)
                                        for p in ledger.pieces}, EXCEL_COLUMNS, file=path.name)
    cases, excluded = frame_facts(ledger.cases), frame_facts(ledger.excluded)
    year = max(d.year for d in ledger.cases["指派日期"] if d is not None)
    consulting = next((s for s in sheets if s.name == "咨询登记"), None)
    consultations = parse_consultations(consulting, path.name).frame if consulting else None
    report = build_report(ledger.cases, consultations, Period("year", year))
    outcome = run_subsidy(ledger, standard, settings, places)
    result = outcome.result
    return {
        "cases": cases, "excluded": excluded,
        "consultations": frame_facts(consultations) if consultations is not None else None,
        "per_case": frame_facts(result.per_case),
        "totals": {k: frame_facts(result.totals_by(k)) for k in ("案件类型", "类型阶段", "承办律师", "律师事务所", "结案月份")},
        "columns": [(p.key, [(r, [plain(v) for v in row]) for r, row in p.columns.rows.items()]) for p in outcome.parts],
        "json": json.dumps(outcome_json(outcome, "out.xlsx"), ensure_ascii=False, sort_keys=True),
        "stats": [(k, plain(v)) for k, v in report.values.items()],
        "months": [(m.text, [(k, plain(v)) for k, v in values.items()]) for m, values in report.months],
    }


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory) -> list[Path]:
    return [SAMPLE, write_ledger(tmp_path_factory.mktemp("gen") / "台账_3000.xlsx", rows=3000, seed=11)]


@pytest.fixture(scope="module")
def reference(ledgers) -> list[dict]:
    with text_mode(REFERENCE):
        return [core_facts(p) for p in ledgers]


@pytest.mark.parametrize("mode", list(MODES))
def test_core_frames_and_results_are_the_same_in_every_text_mode(mode, ledgers, reference):
    with text_mode(mode):
        facts = [core_facts(p) for p in ledgers]
    for mine, theirs in zip(facts, reference):
        for key in theirs:
            assert mine[key] == theirs[key], key
    sample = facts[0]
    assert sample["cases"]["values"]["案号"] and sample["per_case"]["values"]["basis"]
    # every text column is an object column: the ledger's, the subsidies', the grouped totals'
    for frame in [sample["cases"], sample["per_case"], *sample["totals"].values(), sample["consultations"]]:
        for column, dtype in zip(frame["columns"], frame["dtypes"]):
            if any(t == "str" for t, _ in frame["values"][column]):
                assert dtype == "object", (column, dtype)


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {m: book.read(m) for m in book.namelist()}


@pytest.mark.parametrize("mode", [m for m in MODES if m != REFERENCE])
def test_written_workbooks_are_byte_identical_in_every_text_mode(mode, tmp_path, capsys):
    outputs = {}
    for name in (REFERENCE, mode):
        folder = tmp_path / str(len(outputs))
        folder.mkdir()
        with text_mode(name):
            assert main(["subsidy", str(SAMPLE), "--fund", "46万", "-o", str(folder / "补贴.xlsx")]) in (0, 1)
            assert main(["stats", str(SAMPLE), "-o", str(folder / "统计.xlsx")]) in (0, 1)
            assert main(["subsidy", str(SAMPLE), "--fund", "46万", "--json", "-o", str(folder / "j.xlsx")]) in (0, 1)
        printed = capsys.readouterr().out.replace(str(folder), "<folder>")
        outputs[name] = (printed, _members(folder / "补贴.xlsx"), _members(folder / "统计.xlsx"))
    (text_a, subsidy_a, stats_a), (text_b, subsidy_b, stats_b) = outputs.values()
    assert text_a == text_b and "应付补贴合计" in text_a
    assert list(subsidy_a) == list(subsidy_b) and all(subsidy_a[m] == subsidy_b[m] for m in subsidy_a)
    assert list(stats_a) == list(stats_b) and all(stats_a[m] == stats_b[m] for m in stats_a)
