"""Finding a table inside a sheet: the header row(s) below any title rows, columns mapped to canonical names."""

from __future__ import annotations

import datetime as dt
import unicodedata
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


def _alias_prefixes(aliases: dict[str, str]) -> set[str]:
    """Every prefix of every known header key ('' included): an upper header cell can only start a known name
    if its own key is one of these."""
    return {key[:i] for key in aliases for i in range(len(key) + 1)}


_NOTHING = (None, 0)
_is_normalized = unicodedata.is_normalized
_SPECIAL = frozenset(" *:：([【（[")          # what header_key removes, or where it may cut a unit
_KEEPS_SPECIAL = frozenset(" *:：")             # the same for a text opening with a bracket (never cut)
_PLAIN_TYPES = frozenset({int, float, bool, dt.date, dt.datetime, dt.time, dt.timedelta})


class _AliasIndex:
    """What find_header asks of one alias table, remembered per header text: its canonical name (or None), and
    whether its key starts some known name. The same texts recur in every file of a batch."""

    LIMIT = 100_000

    def __init__(self, aliases: dict[str, str]):
        self.aliases, self.size = aliases, len(aliases)
        self.known: dict[str, tuple] = {}      # text -> (canonical or None, 2 named | 1 starts a name | 0)
        self._prefixes: set[str] | None = None
        self._firsts: frozenset = frozenset()
        self.risky: frozenset = frozenset()
        self.numbers_plain = False

    def _prepare(self) -> None:
        self._prefixes = _alias_prefixes(self.aliases)
        self._firsts = frozenset(key[0] for key in self.aliases if key)
        # a raw text beginning with none of these (and printable, NFKC) cleans to a text look() answers _NOTHING
        self.risky = self._firsts | frozenset(" *:：([【（")
        # str() of a number, date, time or bool begins with one of "0123456789-inTF"
        self.numbers_plain = self._firsts.isdisjoint("0123456789-inTF")

    def plain_row(self, row: list) -> bool:
        """True when no cell of the row can be or start a known name (every look() _NOTHING), told from the raw
        values without cleaning them: most rows a header search sees are data rows."""
        if self._prefixes is None:
            self._prepare()
        risky, texts = self.risky, []
        for v in row:
            if v is None:
                continue
            if v.__class__ is str:
                if v:
                    if v[0] in risky and not self._unknown_start(v):
                        return False
                    texts.append(v)
            elif not (self.numbers_plain and v.__class__ in _PLAIN_TYPES):
                return False
        if not texts:
            return True
        joined = "|".join(texts)   # "|" neither combines with a neighbour nor is blank (as text.all_clean)
        return joined.isprintable() and _is_normalized("NFKC", joined)

    def _unknown_start(self, text: str) -> bool:
        """True when header_key(text) surely begins with a run of text that begins no known key (so the text is no
        name and starts none): the run holds no space and no *:： (header_key removes them) and no opening bracket
        (header_key may cut a unit from there; a text opening with a bracket is never cut). For a printable NFKC
        text, such as a case number "(2023)…号" or a name "受援人12" whose start "受援人1" no key begins with."""
        prefixes = self._prefixes
        special = _KEEPS_SPECIAL if text[0] in "(（" else _SPECIAL
        for k in range(1, len(text) + 1):
            if text[k - 1] in special:
                return False
            if text[:k] not in prefixes:
                return True
        return False

    def look(self, text: str) -> tuple:
        """(canonical name or None, 2 if named | 1 if its key starts a known name | 0) of a clean_text output."""
        found = self.known.get(text)
        if found is None:
            if self._prefixes is None:
                self._prepare()
            # most texts are data, once each: when clean_text leaves the text as it is but for spaces, its key
            # begins with its first character other than a space or *:： (an opening bracket may begin a unit
            # header_key cuts off): if no known key begins with that, neither the text nor a prefix is known
            first = text.lstrip(" *:：")[:1]
            if first and (first not in self._firsts and first not in "([【（" or first == text[0]
                          and self._unknown_start(text)) and text.isprintable() and _is_normalized("NFKC", text):
                return _NOTHING
            if len(self.known) > self.LIMIT:
                self.known.clear()
            key = _key(text)
            canonical = self.aliases.get(key)
            found = self.known[text] = (canonical, 2 if key in self.aliases else 1 if key in self._prefixes else 0)
        return found

    def name(self, text: str) -> str | None:
        """aliases.get(header_key(text))."""
        return self.look(text)[0]

    def starts_name(self, text: str) -> bool:
        """header_key(text) is the start of some known header key."""
        return self.look(text)[1] > 0


_INDEXES: dict[int, _AliasIndex] = {}


def _index(aliases: dict[str, str]) -> _AliasIndex:
    """The index of this alias table (held with the table itself, so its id is not reused while cached). Alias
    tables are not changed once made (extend_aliases and with_aliases copy); a changed size starts a new index."""
    index = _INDEXES.get(id(aliases))
    if index is None or index.aliases is not aliases or index.size != len(aliases):
        if len(_INDEXES) > 32:
            _INDEXES.clear()
        index = _INDEXES[id(aliases)] = _AliasIndex(aliases)
    return index


def _match_labels(labels: list[str], names: list, ignore: frozenset[str]):
    """The canonical columns a row of header texts names (`names`: each text's canonical name or None), and the
    names it repeats (the first column wins)."""
    columns, duplicates = {}, []
    for c, canonical in enumerate(names):
        if canonical is None or (ignore and labels[c] in ignore):
            continue
        if canonical in columns:
            duplicates.append((canonical, c))
        else:
            columns[canonical] = c
    return columns, duplicates


def _row_looks(labels: list[str], index: _AliasIndex) -> list[tuple]:
    get, look = index.known.get, index.look
    return [(get(t) or look(t)) if t else _NOTHING for t in labels]


def _pair_bound(top_looks: list[tuple], bottom: list[str], bottom_looks: list[tuple]) -> int:
    """At most how many columns a two-row header of these rows can name: a column counts only if its upper or
    lower text is a known name, or the upper text starts one and a lower text follows."""
    bound = 0
    for (_, t), b, (_, bf) in zip(top_looks, bottom, bottom_looks):
        if t == 2 or bf == 2 or (t and b):
            bound += 1
    return bound


def find_header(sheet: RawSheet, aliases: dict[str, str], min_matches: int = 2,
                scan_rows: int = SCAN_ROWS, ignore: frozenset[str] = frozenset()) -> HeaderMatch | None:
    """The best header (one row, or two rows of a merged header) in the first `scan_rows` rows, or None.

    Header cells whose text is in `ignore` (e.g. the toolkit's own output columns) are not matched.
    """
    n = min(scan_rows, len(sheet.rows))
    if n == 0:
        return None
    index = _index(aliases)
    width = max(len(r) for r in sheet.rows[: n + 1])
    filled = [_filled_row(sheet, r, width) for r in range(min(n + 1, len(sheet.rows)))]
    plain = [index.plain_row(row) for row in filled]
    nothing = [_NOTHING] * width
    cleaned: dict[int, list[str]] = {}

    def singles(r: int) -> list[str]:
        """Row r's texts as clean_text gives them (a number or date as clean_text(str(v))), made when needed."""
        labels = cleaned.get(r)
        if labels is None:
            labels = cleaned[r] = [_clean(v) if type(v) is str else "" if v is None else _clean(str(v))
                                   for v in filled[r]]
        return labels

    # a plain row (every text data: no cell is or starts a known name) is looked at without cleaning its cells
    looks = [nothing if plain[r] else _row_looks(singles(r), index) for r in range(len(filled))]
    single_matches = [({}, []) if plain[r] else _match_labels(singles(r), [k[0] for k in looks[r]], ignore)
                      for r in range(len(filled))]
    # a row none of whose texts is or starts a known name cannot begin a two-row header, nor end one under such
    # a row: most rows of a sheet are data rows
    flags = [[k[1] for k in row] for row in looks]
    starting = [any(f) for f in flags]
    named = [2 in f for f in flags]
    single_scores = [len(m[0]) for m in single_matches]
    best = None
    for r in range(n):
        candidates = [((r,), None, single_matches[r])]
        if r + 1 < len(filled):
            # a second row only counts when it adds names, and only a better score than the best so far wins
            floor = max(single_scores[r], single_scores[r + 1], min_matches - 1, best[0] if best else 0)
            if (starting[r] or named[r + 1]) and _pair_bound(looks[r], singles(r + 1), looks[r + 1]) > floor:
                two = []
                for top, bottom in zip(singles(r), singles(r + 1)):
                    # prefer the lower (more specific) name when it is a known one, else the upper
                    if bottom and index.name(bottom) is not None:
                        two.append(bottom)
                    elif top and bottom and index.starts_name(top) and index.name(top + bottom) is not None:
                        two.append(top + bottom)      # (only tried when the upper text starts some known name)
                    else:
                        two.append(top or bottom)
                candidates.append(((r, r + 1), two, None))
        for rows, labels, match in candidates:
            columns, duplicates = match or _match_labels(labels, [k[0] for k in _row_looks(labels, index)], ignore)
            score = len(columns)
            if len(rows) == 2 and score <= max(single_scores[r], single_scores[r + 1]):
                continue  # a second row only counts when it adds names
            if score >= min_matches and (best is None or score > best[0]):
                labels = labels if labels is not None else singles(r)
                unknown = [c for c, t in enumerate(labels) if t and t not in ignore and c not in columns.values()
                           and c not in [d[1] for d in duplicates]]
                best = (score, HeaderMatch(rows, columns, {c: t for c, t in enumerate(labels) if t},
                                           unknown, duplicates))
    return best[1] if best else None


def mapping_from_sheet(sheet: RawSheet, left_headers: tuple[str, ...], right_headers: tuple[str, ...]) -> dict[str, str]:
    """A two-column mapping sheet a user keeps (their word | the standard one) as a dict; its header row is skipped."""
    result = {}
    for row in sheet.rows:
        cells = [clean_text(v) for v in row[:2]] + ["", ""]
        if cells[0] and cells[1] and cells[0] not in left_headers and cells[1] not in right_headers:
            result[cells[0]] = cells[1]
    return result
