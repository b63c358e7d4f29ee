"""check-report on texts written independently of its author's corpus (tests/report_corpus_unseen.py): no finding on
any clean text, each planted slip found once with an expected value a reader would accept, nothing else reported.

Measured precision / recall (a finding counts as right only if it is the planted slip, found once):
  before (main at 73b329a):  precision 17/23 = 73.9%, recall 17/21 = 81.0%. 6 false findings: "比2022年度决算数342.80万元
                             增加43.62万元，增长12.72%" read 342.80 (last year's) as this year's figure, on the clean
                             text and on every planted copy of it; missed: a "包括：" list that does not add up, a
                             prose figure restated against a pasted table, an 执行率.
  after (this branch):       precision 19/19 = 100%, recall 19/21 = 90.5% (asserted below).
"""

from __future__ import annotations

import pytest

from report_corpus_unseen import ALSO, CLEAN, SLIPS
from toolkit.report_check import check_report


def _planted(name, old, new):
    text = CLEAN[name]
    assert text.count(old) == 1, (name, old)
    return text.replace(old, new)


def _is_hit(f, name, new, stated, kinds, expected) -> bool:
    if (name, new) in ALSO and (f.stated, f.kind, f.expected) in ALSO[(name, new)]:
        return True
    return f.stated == stated and f.kind in kinds and f.expected in expected


def measure():
    """(true findings, false findings, missed slips, details) over the clean texts and the planted ones."""
    tp, fp, missed, details = 0, 0, 0, []
    for name, text in CLEAN.items():
        for f in check_report(text).findings:
            fp += 1
            details.append(("clean", name, f.kind, f.stated, f.expected))
    for name, old, new, stated, kinds, expected in SLIPS:
        found = check_report(_planted(name, old, new)).findings
        hits = [f for f in found if _is_hit(f, name, new, stated, kinds, expected)]
        if len(hits) == 1:
            tp += 1
        else:
            missed += 1
            details.append(("missed", name, new, [(f.kind, f.stated, f.expected) for f in found]))
        for f in found:
            if f not in hits[:1]:
                fp += 1
                details.append(("extra", name, new, f.kind, f.stated, f.expected))
    return tp, fp, missed, details


@pytest.mark.parametrize("name", CLEAN)
def test_clean_unseen_text_gives_nothing(name):
    assert [(f.kind, f.stated, f.message) for f in check_report(CLEAN[name]).findings] == []


def test_precision_and_recall_on_unseen_texts():
    tp, fp, missed, details = measure()
    assert len(SLIPS) == tp + missed == 21
    precision, recall = tp / (tp + fp), tp / len(SLIPS)
    # slips still missed, by name (see the report of this branch): a prose figure restated against a pasted
    # table under another label ("收入、支出决算均为…"); an 执行率 (支出 ÷ 预算) is not a relation the checker knows
    assert fp == 0, details
    assert (round(precision, 3), round(recall, 3)) == (1.0, round(19 / 21, 3)), details


# ---------------------------------------------------------------- one test per fix


def test_figure_after_bi_and_a_year_is_the_one_compared_with():
    text = "2023年度支出总计386.42万元，比2022年度决算数342.80万元增加43.62万元，增长12.72%。"
    assert check_report(text).findings == []
    (f,) = check_report(text.replace("12.72%", "14.58%")).findings      # 43.62 ÷ (386.42 − 43.62): the classic slip
    assert (f.kind, f.stated, f.expected) == ("change", "14.58%", "12.72%")
    (f,) = check_report(text.replace("增加43.62", "增加34.62")).findings
    assert (f.kind, f.stated, f.expected) == ("change", "34.62万元", "43.62万元")


def test_a_list_opened_by_baokuo_with_a_colon_must_add_up():
    text = "一般公共预算支出900.00万元，包括：基本支出700.00万元、项目支出200.00万元。"
    assert check_report(text).findings == []
    (f,) = check_report(text.replace("200.00", "210.00")).findings
    assert (f.kind, f.stated, f.expected) == ("breakdown", "900.00万元", "910.00万元")


@pytest.mark.parametrize("hedge", ["主要包括：", "主要包括", "包括"])
def test_a_hedged_or_colonless_baokuo_names_only_some_parts(hedge):
    text = f"一般公共预算支出900.00万元，{hedge}基本支出700.00万元、项目支出150.00万元。"
    assert check_report(text).findings == []
