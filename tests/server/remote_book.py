"""Workbooks as xlwings Office.js payloads, and a replay of the actions a script returns (what Excel would do)."""

from __future__ import annotations

import copy
import datetime as dt

import xlwings as xw

from toolkit.io.excel_read import read_workbook

FORMAT_ACTIONS = {"setRangeColor", "setNumberFormat", "setFontProperty", "setColumnWidth", "rangeMerge", "setWrapText"}


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%dT00:00:00.000Z")
    return value


def payload_from_file(path, active: int = 0, names=()) -> dict:
    """The payload Excel on the web would send for this workbook (values of every sheet, A1-anchored)."""
    sheets = read_workbook(path)
    return payload_from_grids(path.name, {s.name: s.rows for s in sheets}, active, names)


def payload_from_grids(book_name: str, grids: dict[str, list[list]], active: int = 0, names=()) -> dict:
    out = []
    for name, rows in grids.items():
        width = max((len(r) for r in rows), default=0)
        values = [[_cell(v) for v in row] + [""] * (width - len(row)) for row in rows] or [[""]]
        out.append({"name": name, "values": values, "pictures": [], "tables": []})
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": book_name, "active_sheet_index": active, "selection": "A1"},
            "names": list(names), "sheets": out}


def replay(payload: dict, actions: list[dict]) -> dict:
    """The workbook state after Excel applied the actions: values per sheet, formats per sheet, sheet order."""
    state = {"sheets": [s["name"] for s in payload["sheets"]],
             "values": {s["name"]: [list(r) for r in s["values"]] for s in payload["sheets"]},
             "formats": {s["name"]: [] for s in payload["sheets"]}, "alerts": []}
    for a in actions:
        func = a["func"]
        name = state["sheets"][a["sheet_position"]] if a.get("sheet_position") is not None else None
        if func == "addSheet":
            index, new = a["args"]
            state["sheets"].insert(index, new)
            state["values"][new] = [[""]]
            state["formats"][new] = []
        elif func == "sheetClear":
            state["values"][name] = [[""]]
            state["formats"][name] = []
        elif func == "setValues":
            grid = state["values"][name]
            r0, c0 = a["start_row"], a["start_column"]
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    while len(grid) <= r0 + i:
                        grid.append([])
                    line = grid[r0 + i]
                    line.extend([""] * (c0 + j + 1 - len(line)))
                    line[c0 + j] = "" if v is None else v
        elif func == "rangeClearContents":
            grid = state["values"][name]
            for r in range(a["start_row"], min(len(grid), a["start_row"] + a["row_count"])):
                for c in range(a["start_column"], min(len(grid[r]), a["start_column"] + a["column_count"])):
                    grid[r][c] = ""
        elif func in FORMAT_ACTIONS:
            state["formats"][name].append((func, repr(a["args"]), a["start_row"], a["start_column"],
                                           a["row_count"], a["column_count"]))
        elif func == "activateSheet":
            state["active"] = a["args"]
        elif func == "alert":
            state["alerts"].append(a["args"][0])
        else:
            raise AssertionError(f"unexpected action {func}")
    for grid in state["values"].values():   # trailing empty cells do not matter
        for row in grid:
            while row and row[-1] == "":
                row.pop()
        while grid and not grid[-1]:
            grid.pop()
    return state


def next_payload(payload: dict, state: dict) -> dict:
    """The payload Excel would send after the actions: same book, the new values."""
    new = copy.deepcopy(payload)
    new["sheets"] = [{"name": n, "values": state["values"][n] or [[""]], "pictures": [], "tables": []}
                     for n in state["sheets"]]
    return new


def cell(state: dict, sheet: str, ref: tuple[int, int]):
    """Value at 1-based (row, col) of the replayed state ('' when empty)."""
    grid = state["values"][sheet]
    r, c = ref[0] - 1, ref[1] - 1
    return grid[r][c] if r < len(grid) and c < len(grid[r]) else ""


def write_xlsx(path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None):
    """A real workbook made with openpyxl (the server tests do not share the main conftest module)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def trimmed(rows: list[list]) -> list[list]:
    """Rows without trailing empty cells and trailing empty rows (as replay() leaves them)."""
    out = [list(r) for r in rows]
    for row in out:
        while row and row[-1] == "":
            row.pop()
    while out and not out[-1]:
        out.pop()
    return out
