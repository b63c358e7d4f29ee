"""Reading and writing .xlsx files without a spreadsheet library where speed or fidelity needs it.

    patch.py         XlsxPatch: edit a user's workbook, keeping every part it does not touch
      package.py       the zip package: members, relationships, content types; writing it back
      ooxml.py         namespaces and part types, XML escaping, A1 references, paths between parts
      styles.py        CellStyle and styles.xml
      cells.py         cell values as XML (numbers, text, dates, formulas)
      row_rewriter.py  a sheet's rows streamed with edits applied
      sheet_stream.py  a big sheet patched while it is inflated again at save (its XML never held whole)
      new_sheet.py     a whole toolkit-built sheet (SheetSpec)
      charts.py        native charts (ChartSpec)
      comments.py      cell notes and their VML shapes
      highlights.py    highlighted cells, recorded so a later run can undo them
      workbook.py      workbook.xml: sheets, defined names, recalculation
    table_writer.py  new table workbooks written fast (the returns batch)
    zip_write.py     the zip writer both use (unchanged members copied, big parts deflated in pieces)
    hidden_rows.py   which rows of a workbook are hidden, by a separate scan (the reader notes them itself while
                     streaming: read_workbook(hidden=True); this scan is the reference its tests compare with)
    read_book.py     XlsxBook: reading a workbook's sheets as values, streamed, only the used cells held
      read_sheet.py    one worksheet's XML scanned as a stream; far stray cells left out with a note
      read_common.py   values as python-calamine gives them: number formats, 1900/1904 dates, text, rich text
      read_keys.py     the distinct cell texts of a run of rows converted in bulk (by head: numbers, strings, dates)
      read_events.py   the exact path: a sheet's cells read with expat, as calamine places them
"""
