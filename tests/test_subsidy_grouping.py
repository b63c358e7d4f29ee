"""Rows grouped per distinct key (toolkit.subsidy.compute.group_codes) as a dict of tuples would group them, and the
toolkit columns kept column by column (LedgerColumns) giving the same rows by Excel row."""

import numpy as np

from toolkit.ledger.columns import objects
from toolkit.subsidy.compute import group_codes
from toolkit.subsidy.sheet import LEDGER_COLUMN_TAGS, LEDGER_COLUMN_WIDTHS, LEDGER_COLUMNS, LedgerColumns


def test_group_codes_number_groups_as_a_dict_of_row_tuples_would():
    kinds = objects(["刑事", "民事", "刑事", "刑事", "民事", "行政"])
    stages = objects([("审判",), (), ("审判",), ("审查起诉", "审判"), (), ()])
    fen = np.array([150000, 150000, 150000, 230000, 150000, 150000], dtype=np.int64)
    codes, firsts = group_codes([kinds, stages, fen])
    rows = list(zip(kinds.tolist(), stages.tolist(), fen.tolist()))
    by_dict = {key: i for i, key in enumerate(dict.fromkeys(rows))}
    assert codes.tolist() == [by_dict[key] for key in rows] == [0, 1, 0, 2, 1, 3]
    assert firsts == [0, 1, 3, 5]


def test_group_codes_refuses_missing_values_and_takes_empty_input():
    assert group_codes([objects(["刑事", None]), np.array([1, 1])]) is None
    codes, firsts = group_codes([objects([]), np.array([], dtype=np.int64)])
    assert codes.tolist() == [] and firsts == []


def test_ledger_columns_by_row_and_total_rows():
    columns = LedgerColumns(LEDGER_COLUMNS, LEDGER_COLUMN_TAGS, LEDGER_COLUMN_WIDTHS, [4, 5, 9],
                            [[1, None, 3], [2, None, 3], [1, None, 1], ["依据", "未计算（本行有数据错误）", "计入1件"],
                             ["", "【错误】缺", ""]], totals=1)
    assert columns.rows == {4: [1, 2, 1, "依据", ""], 5: [None, None, None, "未计算（本行有数据错误）", "【错误】缺"]}
    assert columns.total_rows == {9: [3, 3, 1, "计入1件", ""]}
