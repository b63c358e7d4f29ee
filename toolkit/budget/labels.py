"""Labels and headers of budget tables: numbering (一、 （一） 1. …), codes, 其中, totals, shares and rates, units."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal



SPACES = re.compile(r"[\s\u3000\xa0]+")
_CN_NUM = "一二三四五六七八九十"
MARKERS = [  # (kind, pattern); kinds are compared by identity, depth comes from order of appearance
    ("cn", re.compile(rf"^[{_CN_NUM}]+[、.．]")),
    ("paren_cn", re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
    ("num_dun", re.compile(r"^\d{1,2}[、]")),
    ("num_dot", re.compile(r"^\d{1,2}[.．](?!\d)")),
    ("paren_num", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("circled", re.compile(r"^[①-⑳]")),
]
_OF_WHICH = re.compile(r"^其中[:：]?")
_CODE_PREFIX = re.compile(r"^\[?(\d{3}(?:\d{2}){0,2})\]?(?=[^\d.．、])")
CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
TOTAL_NAMES = {"合计", "总计", "小计", "共计", "总合计"}


def normalize(text: str) -> str:
    """Compare-form of a label: no spaces, half-width brackets made full-width, no trailing colon or unit."""
    t = SPACES.sub("", str(text)).replace("(", "（").replace(")", "）").replace(":", "：")
    t = re.sub(r"[（\[【]?(单位[：]?)?(万元|元|千元|%|％)[）\]】]?$", "", t) if len(t) > 3 else t
    return t.rstrip("：")


@dataclass
class LabelParts:
    name: str            # normalized name without numbering, code or 其中
    marker: str | None
    code: str | None
    of_which: bool
    indent: int          # leading spaces (2 half-width or 1 full-width = 1 level)


def parse_label(raw: str) -> LabelParts:
    text = str(raw)
    lead = len(text) - len(text.lstrip(" \u3000\xa0\t"))
    lead_text = text[:lead]
    indent = (lead_text.count(" ") + lead_text.count("\xa0")) // 2 + lead_text.count("\u3000") + lead_text.count("\t")
    t = SPACES.sub("", text)
    of_which = False
    m = _OF_WHICH.match(t)
    if m:
        of_which, t = True, t[m.end():]
    code = None
    m = _CODE_PREFIX.match(t)
    if m:
        code, t = m.group(1), t[m.end():]
    marker = None
    for kind, pat in MARKERS:
        m = pat.match(t)
        if m:
            marker, t = kind, t[m.end():]
            break
    if not of_which:
        m = _OF_WHICH.match(t)
        if m:
            of_which, t = True, t[m.end():]
    return LabelParts(normalize(t), marker, code, of_which, indent)


RATIO_SUFFIX = re.compile(r"(占比|比重|比例|百分比|幅度|增幅|[^税]率)$")
RATIO_NAMED = re.compile(r"^(.+?)占(.+?)的?(比重|比例|百分比)$")


def is_ratio_name(name: str) -> bool:
    return bool(RATIO_SUFFIX.search(name) or RATIO_NAMED.search(name))


def share_parts(name: str) -> tuple[str, str | None] | None:
    """("基本支出", "支出合计") for "基本支出占支出合计比重", ("人员经费", None) for "人员经费占比"."""
    m = RATIO_NAMED.search(name)
    if m:
        return m.group(1), m.group(2)
    m = RATIO_SUFFIX.search(name)
    if m and not m.group(1).endswith(("率", "幅度", "增幅")):
        return name[:m.start()].removesuffix("占"), None
    return None


def is_total_name(name: str) -> bool:
    return name in TOTAL_NAMES or name.endswith(("合计", "总计")) and len(name) <= 8


# ---------------------------------------------------------------- blocks

LABEL_HEADERS = {"项目", "项目名称", "科目名称", "科目", "名称", "支出项目", "收入项目", "功能分类科目名称",
                 "经济分类科目名称", "类别", "内容", "指标", "费用项目", "科目名称及编码"}
CODE_HEADERS = ("编码", "代码")
SKIP_HEADERS = {"行次", "栏次", "序号", "编号", "备注", "说明"}
SHARE_WORDS = ("占比", "比重", "比例", "构成", "占")
RATE_WORDS = ("执行率", "完成率", "增长率", "增幅", "增减率", "幅度", "变动率", "增长百分比")
UNIT_RE = re.compile(r"单位[:：\s]*(万元|千元|元)|[（(](万元|千元|元)[）)]")
UNIT_SCALE = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000)}


_TRADITIONAL_UNIT = str.maketrans("單萬", "单万")
DASHES = {"-", "—", "－", "--", "——", "/", "－－"}


def is_dash(value) -> bool:
    return isinstance(value, str) and SPACES.sub("", value) in DASHES


def find_unit(texts) -> str | None:
    for t in texts:
        if isinstance(t, str):
            m = UNIT_RE.search(SPACES.sub("", t).translate(_TRADITIONAL_UNIT))
            if m:
                return m.group(1) or m.group(2)
    return None


def cell_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


_QUALIFIER = re.compile(r"（[^（）]*）$")


def is_label_header(text: str | None) -> bool:
    """项目, 科目名称 … also with a qualifier: "项目（按功能分类）", "项目（按支出性质和经济分类）"."""
    if not text:
        return False
    t = normalize(text)
    t = _QUALIFIER.sub("", t) or t
    return t in LABEL_HEADERS or (t.endswith(("科目名称", "项目名称", "科目", "项目", "名称", "指标"))
                                  and len(t) <= 10 and not any(w in t for w in CODE_HEADERS))
