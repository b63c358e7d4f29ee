"""xlwings Server / Lite: the LA_* worksheet functions, with the same names and wizard text as in desktop Excel.

xlwings-server imports this package as `custom_functions` (XLWINGS_PROJECT_DIR=toolkit/excel/server); it needs
XLWINGS_ON_SERVER=true before xlwings is first imported, which xlwings-server and Lite arrange.
"""

from toolkit.excel.udfs import (  # noqa: F401
    LA_CHECK_SUM,
    LA_FUND_GAP,
    LA_ID_CHECK,
    LA_SHARE,
    LA_STATS,
    LA_SUBSIDY,
    LA_SUBSIDY_RANGE,
    LA_SUBSIDY_TOTAL,
    LA_TO_YUAN,
)

__all__ = ["LA_SUBSIDY", "LA_SUBSIDY_RANGE", "LA_SUBSIDY_TOTAL", "LA_FUND_GAP", "LA_SHARE", "LA_CHECK_SUM",
           "LA_TO_YUAN", "LA_ID_CHECK", "LA_STATS"]
