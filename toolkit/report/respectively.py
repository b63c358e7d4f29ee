""""A、B、C分别为x、y、z" (or 各为/各是/依次为) in a report's prose: each figure of the list is paired with its item, so the other checks
see "基本支出 120.50万元" instead of an unlabelled figure; "分别占a%、b%" is paired with the figures it is a share of; and
a total written after the list ("…，共计/合计 T") is the list's total (named, when its label is only 共计/合计, by the
item the listed parts make up, as report_vocabulary.toml's [totals] says).

Pairing is done only when it is certain: as many items as figures, the items split at "、" (or at one "和/及/与"
when that is the only reading). Otherwise the figures keep what they had and nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from toolkit.report.figures import ACTUAL, AMOUNT, BUDGET, COUNT, MONEY_FACTOR, PERCENT, YEAR, Figure, _alias_map, \
    canonical_label, normalize_label, parse_number, vocabulary

# "分别为" and the words real reports use the same way: "各为/各是" (各 needs its verb: "各级" is no list), "依次为"
_MARK = re.compile(r"(?:分别|依次)(?:为|是|达到|达|有|计|占|增长|增加|减少|下降)?"
                   r"|各(?:为|是|达到|达|有|计|占|增长|增加|减少|下降)")
_BOTH = re.compile(r"(?:均|都|各)(?:为|是)")
_JOIN = {"、", "和", "及", "与", "，", ",", "以及"}
_BREAK = "，,。；;：:"
_YEAR = r"(?:(?:19|20)[0-9]{2}|[〇零一二三四五六七八九]{4})年度?"
_YEARS = re.compile(rf"\s*(?:全年|在)?(?P<years>{_YEAR}(?:\s*[、和与及至]\s*{_YEAR})+)(?P<label>[^，,。；;0-9]{{0,12}})$")


def _items(text: str, n: int) -> list[str] | None:
    """The n item names of "A、B和C" (None when the text does not split into exactly n items in one way)."""
    text = re.sub(r"^(?:其中|包括|含)[：:]?", "", text.strip())
    pieces = [p for p in text.split("、")]
    if len(pieces) == n:
        return pieces if all(pieces) else None
    if len(pieces) != n - 1:
        return None
    last = pieces[-1]
    cuts = [m for m in re.finditer(r"以及|和|及|与", last) if 0 < m.start() and m.end() < len(last)]
    known = set(_alias_map())
    if len(cuts) > 1:     # "商品和服务支出和其他支出": the cut whose both sides are known items, if just one
        cuts = [m for m in cuts if normalize_label(last[:m.start()]) in known and normalize_label(last[m.end():]) in known]
    if len(cuts) != 1:
        return None
    cut = cuts[0]
    return pieces[:-1] + [last[:cut.start()], last[cut.end():]]


def _chain(sentence: str, figs: list[Figure], start: int, percent: bool, named: bool = False) -> list[Figure]:
    """The figures right after a 分别 mark, one after another, joined only by 、/和/，. (`named`: a name may stand
    between the mark and the first figure, "2022年、2023年分别办理案件500件、550件".)"""
    chain: list[Figure] = []
    for f in figs:
        if f.start < start or f.kind == YEAR:
            continue
        if not chain:
            gap = sentence[start:f.start]
            if percent and f.kind in (AMOUNT, COUNT) and re.fullmatch(r"占?[^，,。；;、0-9]{0,12}", gap):
                continue      # "分别占“三公”经费支出6.18万元的a%、b%": the whole, named with its amount
            if percent != (f.kind == PERCENT):
                return []
            if not (re.fullmatch(r"[：:\s]*", gap) or percent and re.fullmatch(r"占?[^，,。；;、]{0,24}", gap)
                    or named and re.fullmatch(r"[^，,。；;、0-9]{0,12}", gap)):
                return []
            chain.append(f)
            continue
        if sentence[chain[-1].end:f.start].strip() not in _JOIN or f.kind != chain[0].kind \
                or (f.kind == COUNT and f.unit != chain[0].unit):
            break
        chain.append(f)
    return chain


def _phase(label: str, phase: str) -> str:
    words = vocabulary()["words"]
    if any(w in label for w in words["actual_marks"]):
        return ACTUAL
    if any(w in label for w in words["budget_marks"]) or label.endswith("预算"):
        return BUDGET
    return phase


def _total_after(sentence: str, chain: list[Figure], figs: list[Figure]) -> Figure | None:
    """"A、B分别为x、y，共计T" / "…，合计T" / "…，收入合计T" (the list's shares may stand between): the figure
    closing the list."""
    later = [f for f in figs if f.start >= chain[-1].end and f.kind not in (YEAR, PERCENT)]
    if not later:
        return None
    t = later[0]
    between = sentence[chain[-1].end:t.start]
    # "…分别为x、y，分别占a%、b%，合计T": the shares of the list stand between it and its total
    between = re.sub(r"^[，,]\s*(?:分别|各|依次)?占[^，,。；;]*?[0-9.]+%(?:\s*[、和]\s*[0-9.]+%)*", "", between)
    if t.kind != chain[0].kind or not t.plain or (t.kind == COUNT and t.unit != chain[0].unit):
        return None
    if re.fullmatch(r"[，,；;]\s*[^，,。；;、0-9]{0,8}?(?:共计|合计|总计|总额|累计|共)(?:为|是|达到|达)?[：:]?\s*", between):
        return t
    return None


def _named_total(total: Figure, parts: list[Figure]) -> Figure:
    """A total labelled only 共计/合计 whose parts are exactly the parts of an item ([totals]) is that item."""
    generic = set(vocabulary()["words"]["generic_labels"])
    if len(total.canonical) >= 2 and total.canonical not in generic:     # "共计" is read as "计" (共 a prefix)
        return total
    names = {p.canonical for p in parts}
    for item, members in vocabulary().get("totals", {}).items():
        if names == set(members) and len(parts) == len(members):
            return replace(total, label=item, canonical=item,
                           named_by=f"“{total.label or '合计'}{total.text}”按所列{'、'.join(p.label for p in parts)}视为{item}")
    return total


# a number and what follows it in the list: 、/和/及/与, or an ASCII comma after a number with decimals ("4125.49,4143.91万元":
# no thousands group follows a decimal point; "300,700件" stays one number)
_BARE = re.compile(r"[：:\s]*((?:(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?\s*(?:、|和|及|与)|[0-9]+\.[0-9]+\s*,)\s*)+)")
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?")


def _shared_unit(figs: list[Figure]) -> list[Figure]:
    """"分别为300、700、20件" / "各是4125.49、4143.91万元": the bare numbers of a list share the unit of its last
    figure; each is read as a figure in that unit (its text the number as written)."""
    if not figs:
        return []
    sentence, out = figs[0].sentence, []
    for m in _MARK.finditer(sentence):
        bare = _BARE.match(sentence, m.end())
        last = next((f for f in figs if bare and f.start == bare.end()), None)
        if last is None or last.kind not in (AMOUNT, COUNT) or last.qualifier in ("approx", "range"):
            continue
        written = _NUMBER.match(last.text)
        if written is None:
            continue
        shown, _ = parse_number(written.group(0))
        factor = MONEY_FACTOR[last.unit] if last.kind == AMOUNT else last.value / shown if shown else Decimal(1)
        for n in _NUMBER.finditer(bare.group(1)):
            value, decimals = parse_number(n.group(0))
            half = Decimal(5).scaleb(-decimals - 1) if (value or decimals) and not (last.kind == COUNT and decimals == 0
                                                                                   and factor == 1) else Decimal(0)
            start = bare.start(1) + n.start()
            out.append(Figure(last.kind, value * factor, half * factor, n.group(0), last.unit, sentence,
                              last.sentence_index, start, start + len(n.group(0)), qualifier=last.qualifier,
                              phase=last.phase, year=last.year, depth=last.depth, offset=last.offset))
    return out


def pair_respectively(figures: list[Figure]) -> list[Figure]:
    """The figures with every certain "分别" pairing applied (labels, share partners, list totals)."""
    by_index: dict[int, list[Figure]] = {}
    for f in figures:
        by_index.setdefault(f.sentence_index, []).append(f)
    extra = [b for figs in by_index.values() for b in _shared_unit(figs)]
    if extra:
        figures = sorted(figures + extra, key=lambda f: f.key)
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        by_sentence.setdefault(f.sentence_index, []).append(f)
    changed: dict[tuple, Figure] = {}
    for index, figs in by_sentence.items():
        sentence = figs[0].sentence
        figs = sorted(figs, key=lambda f: f.start)
        amounts: list[Figure] = []        # the last amount/count chain of the sentence
        for m in _MARK.finditer(sentence):
            percent = m.group(0).endswith("占") or any(f.kind == PERCENT and f.start >= m.end() and
                                                       re.fullmatch(r"[：:\s]*", sentence[m.end():f.start])
                                                       for f in figs)
            start = max([sentence.rfind(c, 0, m.start()) for c in _BREAK] + [-1]) + 1
            by_year = _YEARS.match(sentence[start:m.start()])
            if by_year:       # "2022年、2023年(支出)分别(办理案件)x、y": one figure for each year
                years = [f for f in figs if f.kind == YEAR and start <= f.start < start + by_year.end("years")]
                chain = _chain(sentence, figs, m.end(), False, named=True)
                if len(chain) == len(years) >= 2:
                    name = normalize_label(by_year.group("label") + sentence[m.end():chain[0].start])
                    for y, f in zip(years, chain):
                        changed[f.key] = replace(f, group=(index, m.start()), year=int(y.value),
                                                 label=name, canonical=canonical_label(name) if name else "")
                continue
            chain = _chain(sentence, figs, m.end(), percent)
            if len(chain) < 2:
                continue
            group = (index, m.start())
            if percent:      # shares only when said so ("分别占", "占比分别为"); "增幅分别为a%、b%" are not
                head = sentence[max([sentence.rfind(c, 0, m.start()) for c in _BREAK] + [-1]) + 1:m.end()]
                shares = m.group(0).endswith("占") or any(w in head for w in ("占", "比重", "比例"))
                partners = amounts if len(amounts) == len(chain) and shares else []
                whole = [f for f in figs if m.end() <= f.start < chain[0].start and f.kind in (AMOUNT, COUNT)]
                base = canonical_label(re.sub(r"^占", "", whole[-1].label)) if whole else \
                    normalize_label(re.sub(r"^占|的$", "", sentence[m.end():chain[0].start].strip()))
                for i, f in enumerate(chain):
                    changed[f.key] = replace(f, group=group, of=partners[i].key if partners else (), base=base)
                continue
            start = max([sentence.rfind(c, 0, m.start()) for c in _BREAK] + [-1]) + 1
            before = [f for f in figs if start <= f.end <= m.start()]
            if before:
                start = before[-1].end
            items = _items(sentence[start:m.start()], len(chain))
            labelled = []
            for i, f in enumerate(chain):
                f = replace(f, group=group)
                if items is not None:
                    label = normalize_label(_strip_verb(normalize_label(items[i])))
                    f = replace(f, label=label, canonical=canonical_label(label) if label else "",
                                phase=_phase(label, f.phase), scope="")
                labelled.append(f)
                changed[f.key] = f
            amounts = labelled if items is not None else []
            total = _total_after(sentence, chain, figs)
            if total is not None and chain[0].kind in (AMOUNT, COUNT):
                named = _named_total(total, labelled) if items is not None else total
                changed[total.key] = replace(named, sums=group)
        for m in _BOTH.finditer(sentence):   # "收入、支出决算均为452.30万元": the figure is the first item's
            after = [f for f in figs if f.start >= m.end() and f.kind in (AMOUNT, COUNT)]
            start = max([sentence.rfind(c, 0, m.start()) for c in _BREAK] + [-1]) + 1
            if not after or not re.fullmatch(r"[：:\s]*", sentence[m.end():after[0].start]) \
                    or any(start <= f.start < m.start() and f.kind != YEAR for f in figs) or after[0].key in changed:
                continue
            items = _short_items(re.sub(_YEAR, "", sentence[start:m.start()]).split("、"))
            if len(items) >= 2 and all(items):
                label = normalize_label(_strip_verb(normalize_label(items[0])))
                f = after[0]
                changed[f.key] = replace(f, label=label, canonical=canonical_label(label) if label else "",
                                         phase=_phase(label, f.phase))
    return [changed.get(f.key, f) for f in figures]


def _short_items(items: list[str]) -> list[str]:
    """"收、支总计" → 收入总计, 支出总计: items written short share the last item's ending (report_vocabulary.toml
    words.short_items)."""
    short = vocabulary()["words"].get("short_items", {})
    last = normalize_label(items[-1]) if items else ""
    head = next((k for k in sorted(short, key=len, reverse=True) if last.startswith(k)), None)
    if head is None or len(items) < 2 or not all(normalize_label(i) in short for i in items[:-1]):
        return items
    ending = last[len(head):]
    return [short[normalize_label(i)] + ending for i in items[:-1]] + [short[head] + ending]


def _strip_verb(item: str) -> str:
    """"办理刑事" → "刑事": a verb before the first item is not part of its name."""
    for verb in sorted(vocabulary()["words"].get("respectively_verbs", []), key=len, reverse=True):
        if item.startswith(verb) and len(item) > len(verb):
            return item[len(verb):]
    return item


def mark_word(sentence: str, at: int) -> str:
    """The list word at `at` ("分别为", "各是", "依次为"), as a message quotes it."""
    m = _MARK.match(sentence, at)
    return m.group(0) if m else "分别为"
