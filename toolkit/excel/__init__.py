"""Excel shells: worksheet functions (udfs), button scripts (buttons, book_io) and entry modules for xlwings
Server/Lite (server/). The buttons' decisions are pure `*_plan` functions in buttons.py over RawSheets."""
