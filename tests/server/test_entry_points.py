"""The xlwings Server / Lite entry modules, driven through xlwings' own custom_functions_call / custom_scripts_call."""

import asyncio
import copy
import inspect

import xlwings as xw
from xlwings import server

from remote_book import payload_from_file, replay, write_xlsx
from toolkit.excel import buttons
from toolkit.excel import udfs
from toolkit.excel.server import custom_functions, custom_scripts, main

JOBS = ["compute_subsidy", "draft_report", "fill_statistics", "reformat_returns", "validate_budget"]


def call(func_name, *args):
    """A custom-function call as Excel on the web sends it: every argument a 2-D array."""
    body = {"client": "Office.js", "version": xw.__version__, "runtime": "1.4", "func_name": func_name,
            "args": [a if isinstance(a, list) else [[a]] for a in args],
            "caller_address": "[沅江台账.xlsx]案件台账!K2"}
    return asyncio.run(server.custom_functions_call(body, custom_functions))


def test_server_mode_is_on_in_this_process():
    assert xw.func is server.func and not hasattr(xw, "sub")


def test_functions_meta_carries_the_chinese_wizard_text():
    meta = server.custom_functions_meta(custom_functions)
    by_name = {f["name"]: f for f in meta["functions"]}
    assert sorted(by_name) == sorted(f.__name__ for f in udfs.FUNCTIONS)
    for f in udfs.FUNCTIONS:
        entry = by_name[f.__name__]
        assert entry["description"] == f.__la_udf__["description"]
        assert [(p["name"], p["description"], p.get("optional", False)) for p in entry["parameters"]] == \
            [(n, d, default is not inspect.Parameter.empty) for n, d, default in f.__la_udf__["args"]]
        assert "volatile" not in entry["options"]                       # non-volatile


def test_functions_called_like_excel_on_the_web():
    assert call("LA_SUBSIDY", "刑事", "审判", None, None) == [[1500]]
    assert call("LA_SUBSIDY", "刑事", "审查起诉、审判", "最高", None) == [[5000]]
    assert call("LA_SUBSIDY_RANGE", "刑事", "审判") == [[1500, 3200]]
    types = [["案件类型"], ["刑事"], [None], ["民事"], ["合计"]]
    stages = [["诉讼阶段"], ["审判"], [None], [None], [None]]
    assert call("LA_SUBSIDY_TOTAL", types, stages, None, None) == [[3000]]
    assert call("LA_FUND_GAP", 1104000, "46万元", "倍数") == [[2.4]]
    assert call("LA_SHARE", 1, 800, None) == [[0.13]]
    assert call("LA_CHECK_SUM", 10, [[3.33], [3.33], [3.33]], 0.01) == [["相符"]]
    assert call("LA_TO_YUAN", "0.15万", None) == [[1500]]
    stats = call("LA_STATS", [["案号", "案件类型", "指派日期"], ["1", "民事", 45000], ["2", "刑事附带民事", 45001]],
                 None)
    assert stats[0] == ["项目", "单位", "数值"] and ["法律援助案件合计", "件", 2] in stats and ["刑事案件", "件", 1] in stats
    wrong = call("LA_SUBSIDY", "刑侦", "审判", None, None)
    assert wrong[0][0].startswith("错误：无法识别的案件类型“刑侦”") and "Traceback" not in wrong[0][0]


def test_scripts_meta_and_call(tmp_path):
    meta = server.custom_scripts_meta(custom_scripts)
    assert sorted(m["function_name"] for m in meta) == JOBS
    assert all(inspect.iscoroutinefunction(getattr(custom_scripts, job)) for job in JOBS)

    path = write_xlsx(tmp_path / "沅江台账.xlsx", {"案件台账": [["案号", "案件类型", "诉讼阶段"], ["K1", "刑事", "审判"],
                                                          ["K2", "民事", None]]})
    payload = payload_from_file(path)
    book = xw.Book(json=copy.deepcopy(payload))
    returned = asyncio.run(server.custom_scripts_call(custom_scripts, "compute_subsidy",
                                                      typehint_to_value={xw.Book: book}))
    assert returned is book
    via_server = book.json()["actions"]
    direct_book = xw.Book(json=copy.deepcopy(payload))
    buttons.run_job("compute_subsidy", direct_book)
    assert via_server == direct_book.json()["actions"]
    state = replay(payload, via_server)
    assert state["values"]["案件台账"][1][3:6] == [1500, 3200, 1500]
    assert "应付补贴合计 3,000.00 元" in state["alerts"][0]


def test_lite_main_exports_the_same_names():
    functions = {n for n, o in inspect.getmembers(main) if hasattr(o, "__xlfunc__")}
    scripts = {n for n, o in inspect.getmembers(main) if hasattr(o, "__xlscript__")}
    assert functions == {f.__name__ for f in udfs.FUNCTIONS}
    assert sorted(scripts) == JOBS
