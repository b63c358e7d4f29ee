"""Build the shipped statistics templates from the toolkit's own layout code (do not edit the .xlsx by hand):

- 统计表模板.xlsx: the standard 统计表 with {{统计键}} placeholders and native charts, plus a sheet listing every key;
  usable as is with `legalaid stats 台账.xlsx --template 统计表模板.xlsx`, or restyled by the centre.
- 绩效自评表模板.xlsx: an example 绩效目标 sheet (indicators, statistics keys, budget figures) and the standard
  绩效自评表 layout built from it, with {{统计键}} in 实际完成值 and live score formulas.

    python workbooks/make_stats_templates.py [--dir workbooks]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.commands.stats import write_evaluation_template, write_stats_template  # noqa: E402

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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(Path(__file__).resolve().parent))
    args = parser.parse_args(argv)
    folder = Path(args.dir)
    write_stats_template(folder / "统计表模板.xlsx")
    write_evaluation_template(folder / "绩效自评表模板.xlsx", TARGETS, BUDGET)
    print(f"已生成：{folder / '统计表模板.xlsx'}、{folder / '绩效自评表模板.xlsx'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
