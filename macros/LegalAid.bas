Attribute VB_Name = "LegalAid"
' Legal Aid Finance Toolkit - the macros behind the worksheet buttons.
'
' One Sub per button. Each Sub only hands its job name to Python through xlwings'
' RunPython (defined in the xlwings module of this project). The Python side,
' toolkit.excel.buttons.run_from_excel, reads the calling workbook, does the work
' and reports problems to the user in Simplified Chinese.
'
' The Python interpreter and search path come from the xlwings.conf sheet.
' Keep this file ASCII: VBA stores module source in the project's code page.
Option Explicit

' Button "compute subsidy" on the case ledger sheet.
Public Sub LA_ComputeSubsidy()
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('compute_subsidy')"
End Sub

' Button "validate budget" on the final-accounts sheet.
Public Sub LA_ValidateBudget()
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('validate_budget')"
End Sub

' Button "fill statistics" on the case ledger sheet.
Public Sub LA_FillStatistics()
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('fill_statistics')"
End Sub

' Button "reformat monthly returns" on the monthly-returns sheet.
Public Sub LA_ReformatReturns()
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('reformat_returns')"
End Sub

' Button "draft self-evaluation report" on the case ledger sheet.
Public Sub LA_DraftReport()
    RunPython "import toolkit.excel.buttons as b; b.run_from_excel('draft_report')"
End Sub
