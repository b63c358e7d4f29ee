"""Excel shells: worksheet functions (udfs), button scripts (buttons, book_io) and entry modules for xlwings
Server/Lite (server/). The buttons (buttons/, one module per job) decide through pure `*_plan` functions over RawSheets."""
