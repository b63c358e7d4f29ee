"""xlwings Lite: the toolkit's worksheet functions and scripts, with the same names as in desktop Excel.

Use: in the xlwings Lite add-in, put the toolkit package in requirements.txt (a wheel URL) and replace main.py with
this file. Lite registers every @xw.func / @xw.script found in main.py, including the imported ones below.
"""

from toolkit.excel.server.custom_functions import *  # noqa: F401,F403
from toolkit.excel.server.custom_scripts import *  # noqa: F401,F403
