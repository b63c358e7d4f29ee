"""Excel shells: worksheet functions (udfs), button scripts (buttons) and entry modules for xlwings Server/Lite.

Importing this package does not import xlwings; `toolkit.excel.plan` is pure and shared with the CLI.
"""
