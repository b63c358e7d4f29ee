"""The blocks set_columns writes, held compactly: row -> (first column, last column, the row's cell XML).

A 300,000-row ledger gets five toolkit cells per row; holding each row's XML as bytes until saving cost ~300 bytes
a row. Here each block keeps, per column, one reference per row to a fragment shared by every equal cell, and a
row's XML is put together when it is asked for (while the sheet is written)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping


class _Block:
    __slots__ = ("offset", "first", "last", "starts", "frags")

    def __init__(self, offset, first, last, starts, frags):
        self.offset, self.first, self.last, self.starts, self.frags = offset, first, last, starts, frags

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

    def add(self, first: int, last: int, rows, starts: list[str], frags: list[list[str]]) -> None:
        """A block: starts[c] is '<c r="X' of its column c; frags[c][k] the rest of the cell after its row number
        on rows[k] ("" for no cell)."""
        block = _Block(self._size, first, last, starts, frags)
        self._blocks.append(block)
        self._offsets.append(self._size)
        self._at.update(zip(rows, range(self._size, self._size + len(rows))))
        self._size += len(rows)
        self._filled = None

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

    def filled_bounds(self) -> tuple[int, int] | None:
        """The first and last row whose block has a cell (None: none has)."""
        if self._filled is None:
            flags = [any(cells) for block in self._blocks for cells in zip(*block.frags)]   # by index k
            rows = [r for r, k in self._at.items() if flags[k]]
            self._filled = (min(rows), max(rows)) if rows else ()
        return self._filled or None
