"""Entry modules for xlwings Server (custom_functions, custom_scripts) and xlwings Lite (main.py)."""
