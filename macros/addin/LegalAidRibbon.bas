Attribute VB_Name = "LegalAidRibbon"
' Legal Aid Finance Toolkit add-in - the callbacks of its ribbon tab (customUI14.xml beside this file).
'
' Every job runs on the ACTIVE workbook: this add-in's xlwings module is xlwings' custom-add-in
' variant, whose RunPython hands ActiveWorkbook to Python as xw.Book.caller(). The Python side,
' toolkit.excel.buttons.run_from_excel, is the one the template buttons call: it reads the workbook,
' writes only the toolkit's own columns and sheets and reports in Simplified Chinese.
'
' The interpreter comes from this add-in's legalaid.conf sheet, written by "legalaid excel install".
' Keep this file ASCII: VBA stores module source in the project's code page.
Option Explicit

Public Sub LA_RibbonComputeSubsidy(control As IRibbonControl)
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('compute_subsidy')"
End Sub

Public Sub LA_RibbonValidateBudget(control As IRibbonControl)
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('validate_budget')"
End Sub

Public Sub LA_RibbonFillStatistics(control As IRibbonControl)
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('fill_statistics')"
End Sub

Public Sub LA_RibbonReformatReturns(control As IRibbonControl)
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('reformat_returns')"
End Sub

Public Sub LA_RibbonDraftReport(control As IRibbonControl)
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('draft_report')"
End Sub

Public Sub LA_RibbonSettings(control As IRibbonControl)
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('open_settings')"
End Sub

Public Sub LA_RibbonHelp(control As IRibbonControl)
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('show_help')"
End Sub

' The LA_ functions are imported into this add-in (xlwings' ImportPythonUDFsToAddin), not into the
' active workbook: a function in an add-in works in every open workbook, .xlsx ledgers included,
' which cannot hold VBA themselves. Importing needs "Trust access to the VBA project object model".
Public Sub LA_RibbonImportFunctions(control As IRibbonControl)
    Dim component As Object
    #If Mac Then
        RunPython "import toolkit.excel.buttons as b; b.show_message('functions_need_windows')"
        Exit Sub
    #End If
    On Error GoTo NotTrusted
    Set component = ThisWorkbook.VBProject.VBComponents(1)
    On Error GoTo 0
    ImportPythonUDFsToAddin
    Set component = Nothing
    On Error Resume Next
    Set component = ThisWorkbook.VBProject.VBComponents("xlwings_udfs")
    On Error GoTo 0
    If component Is Nothing Then Exit Sub
    ThisWorkbook.Save
    RunPython "import toolkit.excel.buttons as b; b.show_message('functions_imported')"
    Exit Sub
NotTrusted:
    RunPython "import toolkit.excel.buttons as b; b.show_message('vba_access_not_trusted')"
End Sub
