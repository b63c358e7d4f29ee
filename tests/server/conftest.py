"""Server-mode tests: run only in their own process, with the xlwings PRO key and XLWINGS_ON_SERVER set.

tests/test_server_mode.py starts that process (so one `pytest` command runs everything); in the normal test process
these files are not collected, because XLWINGS_ON_SERVER must be set before xlwings is first imported.
"""

import os

if os.environ.get("XLWINGS_ON_SERVER") != "true" or not os.environ.get("XLWINGS_LICENSE_KEY"):
    collect_ignore_glob = ["*.py"]
