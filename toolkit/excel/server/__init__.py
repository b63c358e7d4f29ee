"""Entry modules for xlwings Server (custom_functions, custom_scripts, templates/, pyproject.toml settings; started by
`python -m toolkit.excel.server`) and xlwings Lite (main.py)."""
