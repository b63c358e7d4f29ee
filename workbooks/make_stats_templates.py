"""Build the shipped statistics templates from the toolkit's own layout code (do not edit the .xlsx by hand):

- 统计表模板.xlsx: the standard 统计表 with {{统计键}} placeholders and native charts, plus a sheet listing every key;
  usable as is with `legalaid stats 台账.xlsx --template 统计表模板.xlsx`, or restyled by the centre.
- 绩效自评表模板.xlsx: an example 绩效目标 sheet (indicators, statistics keys, budget figures) and the standard
  绩效自评表 layout built from it, with {{统计键}} in 实际完成值 and live score formulas.
- 示例绩效目标.xlsx: the sample centre's 绩效目标 (for `--targets` of `stats` and `report`), matching the sample
  ledger and budget.

    python workbooks/make_stats_templates.py [--dir workbooks]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.io.stats_book import write_evaluation_template, write_stats_template  # noqa: E402

# The example targets of a county centre (绩效目标): 一级 / 二级 / 三级指标, 指标性质, 目标值, 单位, 分值, 统计键.
TARGETS = [
    ["一级指标", "二级指标", "三级指标", "指标性质", "目标值", "单位", "分值", "统计键", "实际完成值"],
    ["产出指标", "数量指标", "办理法律援助案件数", "≥", 800, "件", 15, "cases.total", None],
    [None, None, "值班律师法律帮助事项数", "≥", 80, "件", 10, "help.total", None],
    [None, None, "法律咨询人次", "≥", 1500, "人次", 10, "consultations.total", None],
    [None, "质量指标", "评查优秀案件数", "≥", 20, "件", 10, "quality.优秀", None],
    [None, "时效指标", "案件按期指派率", "≥", 100, "%", 5, None, None],
    ["效益指标", "社会效益指标", "为农民工讨回工资", "≥", 100, "万元", 10, "money.农民工讨薪", None],
    [None, None, "特殊群体受援人次", "≥", 300, "人次", 10, "groups.any", None],
    [None, "可持续影响指标", "法律援助便民服务长效机制", "定性", "持续完善", None, 10, None, None],
    ["满意度指标", "服务对象满意度指标", "受援人满意度", "≥", "95%", "%", 10, None, None],
]
BUDGET = [
    ["预算执行（单位：万元）", None],
    ["年初预算数", 150],
    ["全年预算数", 160],
    ["全年执行数", 152],
]


# workbooks/示例绩效目标.xlsx: the sample centre's own 绩效目标 for 2023, matching the sample ledger and budget
# (示例台账.xlsx, 示例决算.xlsx: 全年执行数 = the budget's 支出合计 293.70万元). Every indicator is met, so a draft
# written from it asks for no 偏差原因; two indicators carry their 实际完成值 by hand, one is qualitative.
SAMPLE_TARGETS = [
    ["一级指标", "二级指标", "三级指标", "指标性质", "目标值", "单位", "分值", "统计键", "实际完成值"],
    ["产出指标", "数量指标", "办理法律援助案件数", "≥", 800, "件", 15, "cases.total", None],
    [None, None, "值班律师法律帮助事项数", "≥", 80, "件", 10, "help.total", None],
    [None, None, "法律咨询人次", "≥", 1500, "人次", 10, "consultations.total", None],
    [None, "质量指标", "评查优秀案件数", "≥", 20, "件", 10, "quality.优秀", None],
    [None, "时效指标", "案件按期指派率", "≥", 100, "%", 5, None, 100],
    ["效益指标", "社会效益指标", "为农民工讨回工资", "≥", 100, "万元", 10, "money.农民工讨薪", None],
    [None, None, "特殊群体受援人次", "≥", 300, "人次", 10, "groups.any", None],
    [None, "可持续影响指标", "法律援助便民服务长效机制", "定性", "持续完善", None, 10, None, None],
    ["满意度指标", "服务对象满意度指标", "受援人满意度", "≥", 95, "%", 10, None, 97],
]
SAMPLE_BUDGET = [
    ["预算执行（单位：万元）", None],
    ["年初预算数", 280],
    ["全年预算数", 300],
    ["全年执行数", 293.7],
]


def write_sample_targets(path: Path) -> None:
    """示例绩效目标.xlsx: one sheet 绩效目标 (indicators, then the budget block below a blank row)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": __import__("datetime").datetime(2024, 1, 1)})   # same bytes every run
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "text_wrap": True})
    text = book.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
    number = book.add_format({"border": 1, "num_format": "#,##0.##"})
    money = book.add_format({"border": 1, "num_format": "#,##0.00"})
    ws = book.add_worksheet("绩效目标")
    rows = SAMPLE_TARGETS + [[]] + SAMPLE_BUDGET
    for r, row in enumerate(rows):
        in_budget = r > len(SAMPLE_TARGETS)
        for c, v in enumerate(row):
            if v is None:
                ws.write_blank(r, c, None, text)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v, money if in_budget else number)
            else:
                ws.write_string(r, c, v, head if r == 0 else text)
    for c, w in enumerate([10, 16, 26, 9, 10, 7, 7, 20, 11]):
        ws.set_column(c, c, w)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    book.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(Path(__file__).resolve().parent))
    args = parser.parse_args(argv)
    folder = Path(args.dir)
    write_stats_template(folder / "统计表模板.xlsx")
    write_evaluation_template(folder / "绩效自评表模板.xlsx", TARGETS, BUDGET)
    write_sample_targets(folder / "示例绩效目标.xlsx")
    print(f"已生成：{folder / '统计表模板.xlsx'}、{folder / '绩效自评表模板.xlsx'}、{folder / '示例绩效目标.xlsx'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
