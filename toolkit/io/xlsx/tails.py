"""The blocks set_columns writes, held compactly: row -> (first column, last column, the row's cell XML).

A 300,000-row ledger gets five toolkit cells per row; holding each row's XML as bytes until saving cost ~300 bytes
a row. Here each block keeps, per column, one reference per row to a fragment shared by every equal cell, and a
row's XML is put together when it is asked for (while the sheet is written)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from itertools import chain, compress


class _Block:
    __slots__ = ("offset", "first", "last", "starts", "frags", "enc")

    def __init__(self, offset, first, last, starts, frags):
        self.offset, self.first, self.last, self.starts, self.frags = offset, first, last, starts, frags
        self.enc = None   # per column, encoded() once asked

    def encoded(self, c: int) -> tuple[dict, dict]:
        """Column c's fragments -> the bytes of their cells' start ('<c r="X') and end ('"' + fragment); b"" for
        no cell ("" is always a key)."""
        if self.enc is None:
            self.enc = [None] * len(self.frags)
        got = self.enc[c]
        if got is None:
            distinct = set(self.frags[c]) | {""}
            start = self.starts[c].encode("utf-8")
            got = self.enc[c] = ({f: start if f else b"" for f in distinct},
                                 {f: b'"' + f.encode("utf-8") if f else b"" for f in distinct})
        return got

    def xml(self, row: int, i: int) -> bytes:
        r = f'{row}"'
        return "".join([start + r + f for start, fr in zip(self.starts, self.frags) if (f := fr[i])]).encode("utf-8")


class Tails(Mapping):
    """row -> (first_col, last_col, cell XML bytes) of the set_columns blocks (a later block wins on a row)."""

    def __init__(self):
        self._at: dict[int, int] = {}   # row -> its index over all blocks' rows
        self._blocks: list[_Block] = []
        self._offsets: list[int] = []
        self._size = 0
        self._filled = None             # cached (first, last) row with a cell
        self._has = None                # cached _flags()

    def add(self, first: int, last: int, rows, starts: list[str], frags: list[list[str]]) -> None:
        """A block: starts[c] is '<c r="X' of its column c; frags[c][k] the rest of the cell after its row number
        on rows[k] ("" for no cell)."""
        block = _Block(self._size, first, last, starts, frags)
        self._blocks.append(block)
        self._offsets.append(self._size)
        self._at.update(zip(rows, range(self._size, self._size + len(rows))))
        self._size += len(rows)
        self._filled = self._has = None

    def _locate(self, k: int) -> tuple[_Block, int]:
        blocks = self._blocks
        block = blocks[0] if len(blocks) == 1 else blocks[bisect_right(self._offsets, k) - 1]
        return block, k - block.offset

    def __getitem__(self, row: int):
        block, i = self._locate(self._at[row])
        return block.first, block.last, block.xml(row, i)

    def get(self, row, default=None):
        k = self._at.get(row)
        if k is None:
            return default
        block, i = self._locate(k)
        return block.first, block.last, block.xml(row, i)

    def slots(self, rows: list[int], numbers: list[bytes] | None = None) -> list[list[bytes]]:
        """The blocks' XML of `rows`, as lists of one byte string per row whose concatenation row by row is each
        row's get(row)[2] (b"" for a row without a block): for each column its cells' starts ('<c r="X'), row
        numbers and ends ('" s=…>…</c>'), b"" where a row has no cell; built a column at a time, not a row.
        numbers: the rows' numbers as b"%d" writes them, if at hand."""
        at = self._at
        ks = list(map(at.get, rows))
        if len(self._blocks) != 1:
            return [[b"" if k is None else self[r][2] for r, k in zip(rows, ks)]]
        block = self._blocks[0]
        rows_b = list(map(b"%d".__mod__, rows)) if numbers is None else numbers
        # rows that follow each other in the block's order (the usual case): each column's fragments are a slice
        run = bool(ks) and None not in ks and ks[-1] - ks[0] == len(ks) - 1 and ks == list(range(ks[0], ks[-1] + 1))
        out = []
        for c, (start, frags) in enumerate(zip(block.starts, block.frags)):
            got = frags[ks[0]:ks[-1] + 1] if run else list(map(frags.__getitem__, ks)) if None not in ks else \
                [frags[k] if k is not None else "" for k in ks]
            starts, ends = block.encoded(c)
            if len(starts) == 1 and "" in starts:   # no cell in this column anywhere
                continue
            out.append(list(map(starts.__getitem__, got)))
            out.append(list(map(bytes.__mul__, rows_b, map(bool, got))) if "" in got else rows_b)
            out.append(list(map(ends.__getitem__, got)))
        return out

    def __contains__(self, row) -> bool:
        return row in self._at

    def __iter__(self):
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def span(self, row: int) -> tuple[int, int] | None:
        """(first, last) column of the block on `row`, without building its XML."""
        k = self._at.get(row)
        if k is None:
            return None
        block = self._locate(k)[0]
        return block.first, block.last

    def first_column(self) -> int:
        """The leftmost column of the blocks (0: none)."""
        if len(self._blocks) == 1:
            return self._blocks[0].first if self._at else 0
        return min((self.span(r)[0] for r in self._at), default=0)

    def _flags(self) -> list[bool]:
        """By index k over all blocks' rows: whether the row's block has a cell."""
        if self._has is None:
            self._has = list(chain.from_iterable(map(any, zip(*block.frags)) for block in self._blocks))
        return self._has

    def has_cells(self, rows: list[int]) -> list[bool]:
        """Whether the block of each of `rows` (every one has a block) has a cell there."""
        return list(map(self._flags().__getitem__, map(self._at.__getitem__, rows)))

    def filled_bounds(self) -> tuple[int, int] | None:
        """The first and last row whose block has a cell (None: none has)."""
        if self._filled is None:
            flags = self._flags()
            rows = list(compress(self._at, map(flags.__getitem__, self._at.values())))
            self._filled = (min(rows), max(rows)) if rows else ()
        return self._filled or None


def blocks_into_rows(piece: bytes, rows: list[int], tails, edits, edited_row, segs: list[bytes] | None = None
                     ) -> tuple[bytes, set[int]]:
    """A piece of whole rows with each row's block put just before its </row>, as the row-by-row ways of
    row_rewriter put it: `rows` are the numbers of the piece's rows that have a </row> (<row r="N"…>, in order);
    a row in `edits` is made by edited_row(its number, its text up to its </row>). Also the rows given a block or
    an edit. Done on the whole piece at once: one split at the </row>s, the blocks' XML laid in column by column
    and everything joined once (segs: piece.split(b"</row>"), if at hand)."""
    have = getattr(tails, "_at", tails)
    hit = set(filter(have.__contains__, rows))
    edited = [j for j, r in enumerate(rows) if r in edits] if edits and not edits.keys().isdisjoint(rows) else ()
    if not hit and not edited:
        return piece, hit
    if hasattr(tails, "slots"):
        slots = tails.slots(rows)
    else:
        slots = [[b"" if (t := tails.get(r)) is None else t[2] for r in rows]]
    segs = piece.split(b"</row>") if segs is None else segs
    n = len(rows)
    if len(segs) != n + 1:
        raise ValueError("blocks_into_rows: every </row> must be one of `rows`")
    m = len(slots) + 2   # per row: its text, the blocks' slots, its </row>
    out = [b"</row>"] * (n * m)
    out[0::m] = segs[:n]
    for i, slot in enumerate(slots, 1):
        out[i::m] = slot
    for j in edited:
        out[j * m:j * m + m - 1] = [edited_row(rows[j], segs[j])] + [b""] * (m - 2)
        hit.add(rows[j])
    out.append(segs[n])
    return b"".join(out), hit
