"""The distinct cell texts of a run of rows turned into grid values in bulk (for read_sheet's fast scan).

A cell text (`key`) is what follows a cell's reference: ` s="2"><v>44927</v></c>`, ` t="s"><v>12</v></c>`,
` t="inlineStr"><is><t>民事</t></is></c>` … The texts are sorted, so those with the same head (style, type and first
child) lie together; each such group is converted by C-level passes (slicing, one decode and split, `float`/`int`
over the whole group) after checking in bulk that every text of the group has the plain form. A group that does not,
and every text without a known head (formulas, rich text, escapes, odd attributes), goes through the reader's own
per-cell conversion (read_sheet._SheetReader.one), which gives the same values. A formula met there whose saved
result is 0 or nothing sets the reader's `formula_seen` (then read_formulas finds where such formulas are); one with
another result, `formula_results`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from itertools import compress, islice, repeat
from operator import getitem, gt, is_

from toolkit.io import limits
from toolkit.io.xlsx.read_common import OTHER, unescape_x
from toolkit.io.xlsx.read_events import no_result

_HEAD = re.compile(rb'(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?>(<v>|<is><t>)')
_NUMBERS = re.compile(rb"[-+.eE0-9]+(?: [-+.eE0-9]+)*")
_EDGE_SPACE = re.compile(r"(?:^|\x00)[ \t\n]|[ \t\n](?:\x00|$)")
_V_END, _IS_END = b"</v></c>", b"</t></is></c>"
CACHE_LIMIT = 1 << 16   # distinct texts remembered across a sheet (repeated words and amounts: one object each)
MISSING = object()


def convert_keys(reader, keys: list[bytes], counts: dict | None = None) -> dict:
    """{cell text: grid value} for the cell texts `keys` (values as reader.one gives them; EMPTY for no value);
    `counts`: how often each occurs (a Counter of `keys`), when the caller has it. Texts met earlier in the sheet
    (reader.shared) keep their value object; a text that occurs more than once in `keys` is remembered for the rest of
    the sheet (so the cache holds repeated words, amounts and dates, not each row's case number or ID)."""
    shared = reader.shared
    if counts is None:
        counts = Counter(keys)
    distinct = list(counts)
    got = list(map(shared.get, distinct, repeat(MISSING)))
    table = dict(zip(distinct, got))
    missing = list(map(is_, got, repeat(MISSING)))
    if not any(missing):
        return table
    new = _convert(reader, list(compress(distinct, missing)))
    table.update(new)
    room = CACHE_LIMIT - len(shared)
    if room > 0:
        shared.update(islice(compress(new.items(), map(gt, map(counts.__getitem__, new), repeat(1))), room))
    return table


def _convert(reader, keys: list[bytes]) -> dict:
    keys.sort()
    out: dict = {}
    i, n = 0, len(keys)
    while i < n:
        m = _HEAD.match(keys[i])
        if m is None:
            v = out[keys[i]] = reader.one(keys[i])
            if b"<f" in keys[i]:   # a formula saved with 0 or no result: read_formulas says where
                if no_result(v):
                    reader.formula_seen = True
                else:
                    reader.formula_results = True
            i += 1
            continue
        head = m.group()
        j = max(bisect_left(keys, head + b"\xff", i), i + 1)   # every text starting with this head
        group = keys[i:j]
        style, t, child = m.groups()
        values = None
        if child == b"<is><t>":
            values = _inline(reader, group, len(head))
        elif t is None or t == b"n":
            values = _numbers(reader, group, len(head), style)
        elif t == b"s":
            values = _shared_strings(reader, group, len(head))
        if values is None:
            values = list(map(reader.one, group))
            for k, v in zip(group, values) if any(map(bytes.__contains__, group, repeat(b"<f"))) else ():
                if b"<f" in k:
                    if no_result(v):
                        reader.formula_seen = True
                    else:
                        reader.formula_results = True
        out.update(zip(group, values))
        i = j
    return out


def _numbers(reader, group: list[bytes], start: int, style: bytes | None) -> list | None:
    """<v>number</v> cells (no type or t="n"): floats, dates by the style's number format."""
    if not all(map(bytes.endswith, group, repeat(_V_END))):
        return None
    texts = list(map(getitem, group, repeat(slice(start, -len(_V_END)))))
    if not _NUMBERS.fullmatch(b" ".join(texts)):
        return None
    try:
        values = list(map(float, texts))
    except ValueError:
        return None
    kind = OTHER if style is None else reader._kind(style)
    if kind:
        values = list(map(reader._dated, values, repeat(kind)))
    return values


def _shared_strings(reader, group: list[bytes], start: int) -> list | None:
    """t="s" cells: the shared string of each index."""
    if not all(map(bytes.endswith, group, repeat(_V_END))):
        return None
    texts = list(map(getitem, group, repeat(slice(start, -len(_V_END)))))
    if not all(map(bytes.isdigit, texts)):
        return None
    index = list(map(int, texts))
    book = reader.book
    strings = book.strings
    if max(index) >= len(strings):
        return None   # the per-cell path says the file is damaged
    if book._long_strings:
        raw = book.raw_strings
        if any(len(raw[k]) > limits.EXCEL_CELL_CHARS for k in index):
            reader.long_text = True
    return list(map(strings.__getitem__, index))


def _inline(reader, group: list[bytes], start: int) -> list | None:
    """<is><t>text</t></is> cells: one decode for the group, trimmed and unescaped as calamine does."""
    if not all(map(bytes.endswith, group, repeat(_IS_END))):
        return None
    blob = b"\x00".join(map(getitem, group, repeat(slice(start, -len(_IS_END)))))
    if b"<" in blob or b"&" in blob or b"\r" in blob or blob.count(b"\x00") != len(group) - 1:
        return None
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if (b" " in blob or b"\n" in blob or b"\t" in blob) and _EDGE_SPACE.search(text):
        values = list(map(str.strip, text.split("\x00"), repeat(" \t\r\n")))
    else:
        values = text.split("\x00")
    if "_x00" in text:
        values = list(map(unescape_x, values))
    if len(text) > limits.EXCEL_CELL_CHARS and max(map(len, values)) > limits.EXCEL_CELL_CHARS:
        reader.long_text = True
    if "" in values or any(map(str.isspace, values)):
        values = [None if not v or v.isspace() else v for v in values]
    return values
