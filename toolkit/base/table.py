"""Finding a table inside a sheet: the header row(s) below any title rows, columns mapped to canonical names."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from toolkit.base.sheet import RawSheet
from toolkit.base.text import clean_text, header_key

SCAN_ROWS = 30

# header_key is pure and the same header texts recur in every file of a batch: remember recent answers
_key = lru_cache(maxsize=1 << 16)(header_key)
_clean = lru_cache(maxsize=1 << 16)(clean_text)


@dataclass
class HeaderMatch:
    """Where a table's header is and which column holds which canonical field (0-based indexes)."""

    header_rows: tuple[int, ...]
    columns: dict[str, int]                  # canonical name -> column index
    labels: dict[int, str]                   # column index -> header text as the user wrote it
    unknown: list[int] = field(default_factory=list)          # headed columns we do not recognise
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # a canonical name seen again

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1

    def label(self, canonical: str) -> str:
        return self.labels.get(self.columns.get(canonical, -1), canonical)


def _filled_row(sheet: RawSheet, r: int, width: int) -> list:
    """Row r with merged header cells repeated across their span."""
    row = list(sheet.rows[r]) + [None] * (width - len(sheet.rows[r]))
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= r <= r1:
            value = sheet.cell(r0, c0)
            for c in range(c0, min(c1, width - 1) + 1):
                row[c] = value
    return row


def _match_row(labels: list[str], aliases: dict[str, str], ignore: frozenset[str] = frozenset()):
    columns, duplicates = {}, []
    for c, text in enumerate(labels):
        canonical = aliases.get(_key(text)) if text and text not in ignore else None
        if canonical is None:
            continue
        if canonical in columns:
            duplicates.append((canonical, c))
        else:
            columns[canonical] = c
    return columns, duplicates


def _alias_prefixes(aliases: dict[str, str]) -> set[str]:
    """Every prefix of every known header key ('' included): an upper header cell can only start a known name
    if its own key is one of these."""
    return {key[:i] for key in aliases for i in range(len(key) + 1)}


def find_header(sheet: RawSheet, aliases: dict[str, str], min_matches: int = 2,
                scan_rows: int = SCAN_ROWS, ignore: frozenset[str] = frozenset()) -> HeaderMatch | None:
    """The best header (one row, or two rows of a merged header) in the first `scan_rows` rows, or None.

    Header cells whose text is in `ignore` (e.g. the toolkit's own output columns) are not matched.
    """
    n = min(scan_rows, len(sheet.rows))
    if n == 0:
        return None
    width = max(len(r) for r in sheet.rows[: n + 1])
    filled = [_filled_row(sheet, r, width) for r in range(min(n + 1, len(sheet.rows)))]
    singles = [[_clean(v) if type(v) is str else clean_text(v) for v in filled[r]] for r in range(len(filled))]
    single_matches = [_match_row(labels, aliases, ignore) for labels in singles]
    single_scores = [len(m[0]) for m in single_matches]
    prefixes = _alias_prefixes(aliases)
    best = None
    for r in range(n):
        candidates = [((r,), singles[r], single_matches[r])]
        if r + 1 < len(filled):
            two = []
            for top, bottom in zip(singles[r], singles[r + 1]):
                # prefer the lower (more specific) name when it is a known one, else the upper
                if bottom and _key(bottom) in aliases:
                    two.append(bottom)
                elif top and bottom and _key(top) in prefixes and _key(top + bottom) in aliases:
                    two.append(top + bottom)      # (only tried when the upper text starts some known name)
                else:
                    two.append(top or bottom)
            candidates.append(((r, r + 1), two, None))
        for rows, labels, match in candidates:
            columns, duplicates = match or _match_row(labels, aliases, ignore)
            score = len(columns)
            if len(rows) == 2 and score <= max(single_scores[r], single_scores[r + 1]):
                continue  # a second row only counts when it adds names
            if score >= min_matches and (best is None or score > best[0]):
                unknown = [c for c, t in enumerate(labels) if t and t not in ignore and c not in columns.values()
                           and c not in [d[1] for d in duplicates]]
                best = (score, HeaderMatch(rows, columns, {c: t for c, t in enumerate(labels) if t},
                                           unknown, duplicates))
    return best[1] if best else None
