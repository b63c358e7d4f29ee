"""check-report on a generated corpus (tests/report_corpus.py): no finding on any clean text, every planted slip found
exactly once at the figure as written, with an expected value a reader would accept, and nothing else reported.

Texts as .txt (the table pasted as tab- or space-separated lines) and as .docx (a real Word table), read through the
CLI, in simplified and traditional/full-width forms."""

from __future__ import annotations

import json

import pytest

from report_corpus import build, clean_documents, planted
from report_fixtures import write_ledger
from toolkit.report.check import check_report

SEEDS = range(16)


def _matches(finding, slip) -> bool:
    return finding.stated == slip.stated and finding.kind in slip.kinds and finding.expected in slip.expected


@pytest.mark.parametrize("style", ["tab", "space"])
def test_no_finding_on_any_clean_text(style):
    noisy = {}
    for doc in clean_documents(SEEDS):
        found = check_report(doc.text(style), doc.tables).findings
        if found:
            noisy[doc.name] = [(f.kind, f.stated, f.message) for f in found]
    assert noisy == {}


def test_every_planted_slip_is_found_once_and_nothing_else():
    documents = [doc for seed in SEEDS for doc in planted(seed)]
    found_once, missed, extra = 0, [], []
    for doc in documents:
        findings = check_report(doc.text(), doc.tables).findings
        hits = [f for f in findings if _matches(f, doc.slip)]
        if len(hits) == 1:
            found_once += 1
        else:
            missed.append((doc.name, doc.slip.stated, [(f.kind, f.stated, f.expected) for f in findings]))
        extra += [(doc.name, f.kind, f.stated) for f in findings if f not in hits[:1]]
    kinds = {doc.slip.name for doc in documents}
    assert len(kinds) == 14 and len(documents) == len(SEEDS) * 18
    assert missed == [] and extra == []
    recall = found_once / len(documents)
    precision = found_once / (found_once + len(extra))
    assert (recall, precision) == (1, 1)


def test_planted_text_names_the_slip_and_folds_its_consequences():
    doc = next(d for d in planted(3) if d.slip.name == "分项金额")
    (finding,) = check_report(doc.text(), doc.tables).findings
    assert finding.stated == doc.slip.stated
    assert "另见上一条" in finding.message          # the 其中 sum and the share it breaks are folded into it


@pytest.mark.parametrize("seed", [0, 5])
def test_docx_with_a_word_table_clean_and_planted(tmp_path, run_cli, seed):
    _, clean = build(seed)
    path = clean.write_docx(tmp_path / "说明.docx")
    code, out, _ = run_cli("check-report", path, "--json")
    assert (code, json.loads(out)["findings"]) == (0, [])
    for doc in planted(seed):
        if doc.slip.name not in ("表格", "单位误写（合计）", "占比", "显示精度", "分项金额"):
            continue
        path = doc.write_docx(tmp_path / f"{doc.slip.name}.docx")
        code, out, _ = run_cli("check-report", path, "--json")
        found = json.loads(out)["findings"]
        assert code == 1
        assert [(f["stated"], f["kind"] in doc.slip.kinds, f["expected"] in doc.slip.expected) for f in found] \
            == [(doc.slip.stated, True, True)], doc.slip.name


def test_clean_traditional_docx(tmp_path, run_cli):
    doc = next(d for d in clean_documents([2]) if d.traditional)
    assert "萬元" in doc.text() and "％" in doc.text()
    code, out, _ = run_cli("check-report", doc.write_docx(tmp_path / "繁体.docx"), "--json")
    assert (code, json.loads(out)["findings"]) == (0, [])


# ---------------------------------------------------------------- counting bases (口径) from a real ledger


def test_case_count_under_any_basis_of_the_ledger(tmp_path, run_cli):
    ledger = write_ledger(tmp_path / "台账.xlsx")   # 2023: 6 cases + 1 认罪认罚法律帮助, 7 persons
    report = tmp_path / "报告.txt"
    report.write_text("2023年度绩效自评报告\n全年办理法律援助案件7件，其中刑事2件、民事3件、认罪认罚法律帮助1件、行政1件。\n"
                      "2023年办理法律援助案件6件（不含法律帮助）。", encoding="utf-8")
    code, out, _ = run_cli("check-report", report, "--ledger", ledger, "--json")
    assert (code, json.loads(out)["findings"]) == (0, [])


def test_case_count_matching_no_basis_names_each_basis(tmp_path, run_cli):
    ledger = write_ledger(tmp_path / "台账.xlsx")
    report = tmp_path / "报告.txt"
    report.write_text("2023年度绩效自评报告\n全年办理法律援助案件9件。", encoding="utf-8")
    code, out, _ = run_cli("check-report", report, "--ledger", ledger, "--json")
    (f,) = json.loads(out)["findings"]
    assert code == 1 and (f["kind"], f["stated"]) == ("table", "9件")
    assert "案件（按指派日期）6件" in f["message"] and "案件＋法律帮助（按指派日期）7件" in f["message"]


def test_case_count_by_closing_date_is_a_basis(tmp_path, run_cli):
    from report_fixtures import LEDGER_ROWS
    rows = [list(r) for r in LEDGER_ROWS]
    rows[0][5], rows[0][6] = "2022-12-20", "2023-01-10"      # assigned last year, closed this year
    ledger = write_ledger(tmp_path / "台账.xlsx", rows)
    report = tmp_path / "报告.txt"
    report.write_text("2023年度绩效自评报告\n全年办结法律援助案件6件。", encoding="utf-8")
    code, out, _ = run_cli("check-report", report, "--ledger", ledger, "--json")
    assert (code, json.loads(out)["findings"]) == (0, [])      # 5 by 指派日期, 6 by 结案日期
    report.write_text("2023年度绩效自评报告\n全年办结法律援助案件8件。", encoding="utf-8")
    code, out, _ = run_cli("check-report", report, "--ledger", ledger, "--json")
    (f,) = json.loads(out)["findings"]
    assert "案件（按结案日期）6件" in f["message"] and "案件（按指派日期）5件" in f["message"]


# ---------------------------------------------------------------- short excerpts of real published texts

from real_report_excerpts import EXCERPTS, PLANTED  # noqa: E402


@pytest.mark.parametrize("name", EXCERPTS)
def test_real_published_excerpt_without_slips_gives_nothing(name):
    result = check_report("".join(EXCERPTS[name]))
    assert result.findings == [] and len(result.figures) >= 5


@pytest.mark.parametrize("name, right, wrong, expected", PLANTED)
def test_slip_planted_in_a_real_excerpt_is_found_once(name, right, wrong, expected):
    text = "".join(EXCERPTS[name])
    assert text.count(right) == 1
    found = check_report(text.replace(right, wrong)).findings
    assert [(f.kind, f.stated, f.expected) for f in found] == [expected]
