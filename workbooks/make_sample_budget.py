"""Build workbooks/示例决算.xlsx: a small final-accounts set of a county legal aid centre with planted errors.

Run: python workbooks/make_sample_budget.py [OUT.xlsx] [--correct]
The same tables without the planted errors (--correct) must give no findings at all; the planted errors are listed
in PLANTED (sheet, cell, expected value) and described in 示例决算说明.md.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import xlsxwriter

FIXED_TIME = dt.datetime(2024, 3, 1, 9, 0, 0)

# (sheet, cell, value written instead of the correct one, expected value a check must report, kind)
PLANTED = [
    ("收入支出决算总表", "F8", 4.05, "4.5", "跨表一致：住房保障支出与“支出决算表”221住房保障支出（4.50）不符"),
    ("收入支出决算总表", "F13", 5.05, "5.5", "恒等式：年末结转和结余 = 本年收入 + 年初结转和结余 − 本年支出"),
    ("支出决算表", "D5", 230.70, "203.7", "合计行：基本支出合计抄错（数字颠倒）"),
    ("支出决算表", "C17", 60400, "6.04", "单位错误：2101101行政单位医疗按元填入万元表"),
    ("基本支出决算表", "E19", 12.87, "10.87", "占比：公用经费占基本支出比重算错"),
    ("三公经费支出决算表", "F8", 0.69, "0.96", "执行率：公务用车运行费执行率抄错（应为96.00%）"),
    ("三公经费支出决算表", "D4", 43000, "34000", "合计行：三公经费全年预算数合计与各项之和不符"),
    ("专项经费使用情况", "C6", 69.375, "69.325", "上下级合计：（一）案件补贴执行数与其下1.、2.两项之和不符"),
    ("校验规则", "A5", "办案补贴 = = 刑事案件补贴 + 民事案件补贴", None, "规则写法错误：两个等号"),
]


def _fmt(book, **kw):
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    base.update(kw)
    return book.add_format(base)


def build(path: str | Path, planted: bool = True) -> Path:
    path = Path(path)
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": "示例决算", "author": "法援工具箱", "created": FIXED_TIME})
    title = book.add_format({"bold": True, "font_size": 14, "align": "center", "font_name": "黑体"})
    unit_f = book.add_format({"font_size": 10, "align": "right", "font_name": "宋体"})
    head = _fmt(book, bold=True, align="center", bg_color="#DDEBF7", text_wrap=True)
    text = _fmt(book)
    indent1 = _fmt(book, indent=1)
    indent2 = _fmt(book, indent=2)
    num2 = _fmt(book, num_format="#,##0.00")
    num4 = _fmt(book, num_format="0.0000")
    yuan = _fmt(book, num_format="#,##0")
    pct2 = _fmt(book, num_format="0.00%")
    plain2 = _fmt(book, num_format="0.00")
    code_f = _fmt(book, num_format="@", align="left")
    overrides = {(s, c): v for s, c, v, _, _ in PLANTED} if planted else {}

    def put(ws, sheet, cell, value, fmt):
        value = overrides.get((sheet, cell), value)
        if isinstance(value, str):
            ws.write_string(cell, value, fmt)
        elif value is None:
            ws.write_blank(cell, None, fmt)
        else:
            ws.write_number(cell, value, fmt)

    # 1. 收入支出决算总表: income and expenditure side by side (万元)
    name = "收入支出决算总表"
    ws = book.add_worksheet(name)
    ws.merge_range("A1:F1", "示例县法律援助中心2023年度收入支出决算总表", title)
    ws.merge_range("A2:F2", "单位：万元", unit_f)
    ws.merge_range("A3:C3", "收入", head)
    ws.merge_range("D3:F3", "支出", head)
    for col, h in enumerate(["项目", "行次", "决算数", "项目", "行次", "决算数"]):
        ws.write(3, col, h, head)
    income = [("一、财政拨款收入", 285.60), ("二、上级补助收入", 0), ("三、事业收入", 0), ("四、经营收入", 0),
              ("五、附属单位上缴收入", 0), ("六、其他收入", 1.20), ("本年收入合计", 286.80),
              ("使用非财政拨款结余", 0), ("年初结转和结余", 12.40), ("总计", 299.20)]
    spend = [("一、公共安全支出", 265.30), ("二、社会保障和就业支出", 17.86), ("三、卫生健康支出", 6.04),
             ("四、住房保障支出", 4.50), (None, None), (None, None), ("本年支出合计", 293.70), ("结余分配", 0),
             ("年末结转和结余", 5.50), ("总计", 299.20)]
    for i, ((l1, v1), (l2, v2)) in enumerate(zip(income, spend)):
        r = 5 + i
        ws.write(f"A{r}", l1, text)
        ws.write(f"B{r}", i + 1, text)
        put(ws, name, f"C{r}", v1, num2)
        ws.write(f"D{r}", l2 or "", text)
        ws.write(f"E{r}", i + 11, text)
        put(ws, name, f"F{r}", v2, num2)
    ws.set_column("A:A", 24)
    ws.set_column("D:D", 24)
    ws.set_column("B:B", 6)
    ws.set_column("E:E", 6)
    ws.set_column("C:C", 12)
    ws.set_column("F:F", 12)

    # 2. 支出决算表: functional codes, 合计 = 基本支出 + 项目支出 (万元)
    name = "支出决算表"
    ws = book.add_worksheet(name)
    ws.merge_range("A1:E1", "示例县法律援助中心2023年度支出决算表", title)
    ws.merge_range("A2:E2", "单位：万元", unit_f)
    ws.merge_range("A3:B3", "项目", head)
    ws.merge_range("C3:E3", "本年支出", head)
    for col, h in enumerate(["科目编码", "科目名称", "合计", "基本支出", "项目支出"]):
        ws.write(3, col, h, head)
    rows = [(None, "合计", 293.70, 203.70, 90.00),
            ("204", "公共安全支出", 265.30, 175.30, 90.00),
            ("20406", "司法", 265.30, 175.30, 90.00),
            ("2040601", "行政运行", 160.30, 160.30, 0),
            ("2040610", "法律援助", 90.00, 0, 90.00),
            ("2040699", "其他司法支出", 15.00, 15.00, 0),
            ("208", "社会保障和就业支出", 17.86, 17.86, 0),
            ("20805", "行政事业单位养老支出", 17.86, 17.86, 0),
            ("2080505", "机关事业单位基本养老保险缴费支出", 12.46, 12.46, 0),
            ("2080506", "机关事业单位职业年金缴费支出", 5.40, 5.40, 0),
            ("210", "卫生健康支出", 6.04, 6.04, 0),
            ("21011", "行政事业单位医疗", 6.04, 6.04, 0),
            ("2101101", "行政单位医疗", 6.04, 6.04, 0),
            ("221", "住房保障支出", 4.50, 4.50, 0),
            ("22102", "住房改革支出", 4.50, 4.50, 0),
            ("2210201", "住房公积金", 4.50, 4.50, 0)]
    for i, (code, label, total, basic, project) in enumerate(rows):
        r = 5 + i
        ws.write_string(f"A{r}", code or "", code_f)
        ws.write(f"B{r}", label, text if code is None or len(code) == 3 else (indent1 if len(code) == 5 else indent2))
        put(ws, name, f"C{r}", total, num2)
        put(ws, name, f"D{r}", basic, num2)
        put(ws, name, f"E{r}", project, num2)
    ws.set_column("A:A", 10)
    ws.set_column("B:B", 34)
    ws.set_column("C:E", 12)

    # 3. 基本支出决算表: 人员经费 / 公用经费 by economic code, shares of 基本支出 (万元)
    name = "基本支出决算表"
    ws = book.add_worksheet(name)
    ws.merge_range("A1:E1", "示例县法律援助中心2023年度基本支出决算表", title)
    ws.merge_range("A2:E2", "单位：万元", unit_f)
    for col, h in enumerate(["科目编码", "科目名称", "年初预算数", "决算数", "占基本支出比重（%）"]):
        ws.write(2, col, h, head)
    rows = [(None, "合计", 198.00, 203.70, 100.00),
            (None, "一、人员经费", 177.00, 181.56, 89.13),
            ("301", "工资福利支出", 146.50, 150.00, 73.64),
            ("30101", "基本工资", 48.00, 48.20, None), ("30102", "津贴补贴", 40.00, 40.30, None),
            ("30103", "奖金", 12.00, 12.50, None), ("30107", "绩效工资", 19.50, 20.00, None),
            ("30108", "机关事业单位基本养老保险缴费", 12.40, 12.46, None),
            ("30109", "职业年金缴费", 5.30, 5.40, None), ("30110", "职工基本医疗保险缴费", 5.90, 6.04, None),
            ("30113", "住房公积金", 3.40, 4.50, None), ("30199", "其他工资福利支出", 0, 0.60, None),
            ("303", "对个人和家庭的补助", 30.50, 31.56, 15.49),
            ("30302", "退休费", 24.50, 25.36, None), ("30305", "生活补助", 6.00, 6.20, None),
            (None, "二、公用经费", 21.00, 22.14, 10.87),
            ("302", "商品和服务支出", 19.00, 19.64, 9.64),
            ("30201", "办公费", 4.00, 4.20, None), ("30205", "水费", 0.40, 0.36, None),
            ("30206", "电费", 1.30, 1.28, None), ("30207", "邮电费", 1.50, 1.60, None),
            ("30211", "差旅费", 3.00, 3.20, None), ("30217", "公务接待费", 0.90, 0.86, None),
            ("30228", "工会经费", 1.50, 1.50, None), ("30231", "公务用车运行维护费", 2.50, 2.40, None),
            ("30239", "其他交通费用", 3.90, 4.24, None),
            ("310", "资本性支出", 2.00, 2.50, 1.23),
            ("31002", "办公设备购置", 2.00, 2.50, None)]
    for i, (code, label, budget, actual, share) in enumerate(rows):
        r = 4 + i
        ws.write_string(f"A{r}", code or "", code_f)
        ws.write(f"B{r}", label, indent1 if code and len(code) == 5 else text)
        put(ws, name, f"C{r}", budget, num2)
        put(ws, name, f"D{r}", actual, num2)
        put(ws, name, f"E{r}", share, plain2)
    ws.set_column("A:A", 10)
    ws.set_column("B:B", 30)
    ws.set_column("C:E", 14)

    # 4. 三公经费支出决算表 in 元, with 执行率 (percent format)
    name = "三公经费支出决算表"
    ws = book.add_worksheet(name)
    ws.merge_range("A1:F1", "示例县法律援助中心2023年度“三公”经费支出决算表", title)
    ws.merge_range("A2:F2", "单位：元", unit_f)
    ws.merge_range("A3:B3", "项目", head)
    for col, h in enumerate(["年初预算数", "全年预算数", "全年执行数", "执行率"], start=2):
        ws.write(2, col, h, head)
    rows = [("合计", "", 34000, 34000, 32600, 0.9588), ("1.因公出国（境）费", "", 0, 0, 0, None),
            ("2.公务用车购置及运行费", "", 25000, 25000, 24000, 0.96),
            ("其中：（1）公务用车购置费", "", 0, 0, 0, None),
            ("（2）公务用车运行费", "", 25000, 25000, 24000, 0.96),
            ("3.公务接待费", "", 9000, 9000, 8600, 0.9556)]
    for i, (label, _, b0, b1, act, rate) in enumerate(rows):
        r = 4 + i
        ws.merge_range(f"A{r}:B{r}", label, indent1 if label.startswith("（2）") else text)
        put(ws, name, f"C{r}", b0, yuan)
        put(ws, name, f"D{r}", b1, yuan)
        put(ws, name, f"E{r}", act, yuan)
        put(ws, name, f"F{r}", rate, pct2)
    ws.set_column("A:A", 14)
    ws.set_column("B:B", 16)
    ws.set_column("C:F", 12)

    # 5. 专项经费使用情况: home-made summary, 4 decimals, numbered three levels deep
    name = "专项经费使用情况"
    ws = book.add_worksheet(name)
    ws.merge_range("A1:E1", "2023年度法律援助专项经费使用情况表（单位：万元）", title)
    for col, h in enumerate(["项目", "全年预算数", "全年执行数", "执行率", "占专项支出比重"]):
        ws.write(2, col, h, head)
    rows = [("合计", 92.0, 90.0, 0.9783, 1.0),
            ("一、办案补贴", 75.0, 74.125, 0.9883, 0.8236),
            ("（一）案件补贴", 70.0, 69.325, 0.9904, 0.7703),
            ("1.刑事案件补贴", 40.0, 39.6, 0.99, 0.4400),
            ("2.民事案件补贴", 30.0, 29.725, 0.9908, 0.3303),
            ("（二）值班律师补贴", 5.0, 4.8, 0.96, 0.0533),
            ("二、宣传及培训", 10.0, 9.375, 0.9375, 0.1042),
            ("三、业务装备", 7.0, 6.5, 0.9286, 0.0722)]
    for i, (label, budget, actual, rate, share) in enumerate(rows):
        r = 4 + i
        ws.write(f"A{r}", label, text)
        put(ws, name, f"B{r}", budget, num4)
        put(ws, name, f"C{r}", actual, num4)
        put(ws, name, f"D{r}", rate, pct2)
        put(ws, name, f"E{r}", share, pct2)
    ws.set_column("A:A", 22)
    ws.set_column("B:E", 14)

    # 6. 校验规则: the centre's own rules
    ws = book.add_worksheet("校验规则")
    ws.write_row("A1", ["规则", "容差", "说明"], head)
    rules = [("人员经费 = 工资福利支出 + 对个人和家庭的补助", None, "按项目名称：基本支出决算表"),
             ("'支出决算表'!D5 = '基本支出决算表'!D4", 0.005, "两表基本支出合计一致"),
             ("'支出决算表'!E9 = '专项经费使用情况'!C4", None, "法律援助项目支出 = 专项经费执行数"),
             ("办案补贴 = 案件补贴 + 值班律师补贴", None, "专项经费表"),
             ("办案补贴 = 刑事案件补贴 + 民事案件补贴 + 值班律师补贴", None, "专项经费表")]
    for i, (rule, tol, note) in enumerate(rules):
        r = 2 + i
        put(ws, "校验规则", f"A{r}", rule, text)
        if tol is not None:
            ws.write_number(f"B{r}", tol, text)
        ws.write(f"C{r}", note, text)
    ws.set_column("A:A", 56)
    ws.set_column("C:C", 34)
    book.close()
    return path


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0]) if args else Path(__file__).with_name("示例决算.xlsx")
    build(out, planted="--correct" not in sys.argv)
    print(out)
