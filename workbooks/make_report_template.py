"""Build workbooks/自评报告模板.docx: the report draft's styles with one sample paragraph each, to restyle in Word/WPS.

Run from the repository root:  python workbooks/make_report_template.py
Use the restyled copy with:    legalaid report --budget 预算.xlsx --template 自评报告模板.docx
"""

from pathlib import Path

from toolkit.io.docx import write_template

if __name__ == "__main__":
    target = Path(__file__).with_name("自评报告模板.docx")
    write_template(target)
    print(f"已生成：{target}")
