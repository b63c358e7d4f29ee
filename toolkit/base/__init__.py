"""The base every layer may use: money, dates, text, ID numbers, errors, findings, layouts, sheets, tables."""
