"""A folder of monthly returns with every quirk the reformat command must handle, and the truth behind each row.

Each good return is written from known records (amounts in 元 as Decimal, real dates, text) in its own layout; the
tests compare what the command consolidated with these records and with the source cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import xlsxwriter
import xlwt

from toolkit.base.idcard import check_digit

TYPES = ["民事", "刑事", "行政", "仲裁", "民事"]


def _id(n: int) -> str:
    first = f"43098119{80 + n % 20:02d}0{1 + n % 9}1{n % 10}{n % 7}{n % 5}{n % 3}"[:17]
    return first + check_digit(first)


def records(prefix: str, n: int, start: int = 1, month: int = 3) -> list[dict]:
    out = []
    for i in range(start, start + n):
        out.append({
            "案号": f"(2023){prefix}法援字第{i:04d}号",
            "受援人": f"受援人{prefix}{i}",
            "身份证号": _id(i),
            "案件类型": TYPES[i % len(TYPES)],
            "承办律师": f"律师{i % 4}",
            "律师事务所": f"{prefix}律师事务所",
            "指派日期": dt.date(2023, month, 1 + i % 20),
            "补贴金额": Decimal(1500 + 100 * i),
            "挽回经济损失": Decimal(f"{1234 + i}.50"),
        })
    return out


def _sum(rows, key):
    return sum((r[key] for r in rows), Decimal(0))


class Corpus:
    """Writes the files; `expected[relative path]` = list of (sheet, excel row, record) for every good data row."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.expected: dict[str, list[tuple[str, int, dict]]] = {}
        self.bad: dict[str, str] = {}     # relative path -> a word its failure reason must contain
        self.warned: set[str] = set()     # good files that must carry a warning

    def path(self, rel: str) -> Path:
        p = self.folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    # 1. title rows, unit in 元, one header row, 合计 right, notes below
    def plain_xlsx(self):
        rel = "县A_2023年3月.xlsx"
        rows = records("沅A", 5)
        wb = xlsxwriter.Workbook(self.path(rel))
        ws = wb.add_worksheet("三月")
        ws.merge_range(0, 0, 0, 6, "沅江市县A法律援助工作站2023年3月案件统计表")
        ws.write(1, 6, "单位：元")
        header = ["序号", "案号", "受援人", "身份证号", "案件类型", "承办律师", "律师事务所", "指派日期", "补贴金额", "挽回经济损失"]
        ws.write_row(2, 0, header)
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        expected = []
        for i, rec in enumerate(rows):
            r = 3 + i
            ws.write_row(r, 0, [i + 1, rec["案号"], rec["受援人"], rec["身份证号"], rec["案件类型"], rec["承办律师"],
                                rec["律师事务所"]])
            ws.write_datetime(r, 7, dt.datetime.combine(rec["指派日期"], dt.time()), date_fmt)
            ws.write_number(r, 8, float(rec["补贴金额"]))
            ws.write_number(r, 9, float(rec["挽回经济损失"]))
            expected.append(("三月", r + 1, rec))
        r = 3 + len(rows)
        ws.write_row(r, 0, ["合计", None, None, None, None, None, None, None,
                            float(_sum(rows, "补贴金额")), float(_sum(rows, "挽回经济损失"))])
        ws.write(r + 2, 0, "注：本表由工作站每月5日前报送。")
        ws.write(r + 3, 0, "填表人：张某    填表日期：2023年4月3日")
        wb.close()
        self.expected[rel] = expected

    # 2. two-row merged header, columns reordered, 万元 in the title area, 合计 wrong
    def merged_header_wan(self):
        rel = "律所B.xlsx"
        rows = records("律B", 4)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "报表"
        ws["A1"] = "某某律师事务所2023年3月法律援助案件报表"
        ws.merge_cells("A1:G1")
        ws["F2"] = "金额单位：万元"
        ws["A3"], ws["B3"], ws["D3"], ws["F3"] = "案件信息", None, "金额", "办理情况"
        ws.merge_cells("A3:C3")
        ws.merge_cells("D3:E3")
        ws.merge_cells("F3:G3")
        for c, name in enumerate(["援助案号", "当事人", "类别", "办案补贴", "挽回损失", "承办人", "受理日期"], 1):
            ws.cell(4, c, name)
        expected = []
        for i, rec in enumerate(rows):
            r = 5 + i
            ws.cell(r, 1, rec["案号"])
            ws.cell(r, 2, rec["受援人"])
            ws.cell(r, 3, rec["案件类型"] + "案件")
            ws.cell(r, 4, float(rec["补贴金额"] / 10000))
            ws.cell(r, 5, f"{rec['挽回经济损失'] / 10000}")          # a number stored as text
            ws.cell(r, 6, rec["承办律师"])
            ws.cell(r, 7, rec["指派日期"].strftime("%Y.%m.%d"))       # a date as text
            expected.append(("报表", r, {k: rec[k] for k in ("案号", "受援人", "案件类型", "补贴金额",
                                                          "挽回经济损失", "承办律师", "指派日期")}))
        r = 5 + len(rows)
        ws.cell(r, 1, "合计")
        ws.cell(r, 4, float(_sum(rows, "补贴金额") / 10000) + 0.1)     # wrong by 1,000 元
        ws.cell(r, 5, float(_sum(rows, "挽回经济损失") / 10000))
        wb.save(self.path(rel))
        self.expected[rel] = expected
        self.warned.add(rel)

    # 3. .xls with aliases, text amounts and dates, 小计 blocks, period in the file name only
    def xls_subtotals(self):
        rel = "乡镇C/2023-03 乡镇司法所.xls"
        rows = records("乡C", 6)
        book = xlwt.Workbook(encoding="utf-8")
        ws = book.add_sheet("Sheet1")
        header = ["编号", "当事人姓名", "案件类别", "援助律师", "律所", "立案日期", "补贴", "挽回损失（元）"]
        for c, h in enumerate(header):
            ws.write(0, c, h)
        expected, r = [], 1
        for block in (rows[:3], rows[3:]):
            for rec in block:
                ws.write(r, 0, rec["案号"])
                ws.write(r, 1, rec["受援人"])
                ws.write(r, 2, rec["案件类型"])
                ws.write(r, 3, rec["承办律师"])
                ws.write(r, 4, rec["律师事务所"])
                d = rec["指派日期"]
                ws.write(r, 5, f"{d.year}年{d.month}月{d.day}日")
                ws.write(r, 6, f"{rec['补贴金额']:,}元")
                ws.write(r, 7, float(rec["挽回经济损失"]))
                expected.append(("Sheet1", r + 1, {k: rec[k] for k in ("案号", "受援人", "案件类型", "承办律师",
                                                                     "律师事务所", "指派日期", "补贴金额",
                                                                     "挽回经济损失")}))
                r += 1
            ws.write(r, 0, "小计")
            ws.write(r, 6, float(_sum(block, "补贴金额")))
            ws.write(r, 7, float(_sum(block, "挽回经济损失")))
            r += 1
        ws.write(r, 0, "合计")
        ws.write(r, 6, float(_sum(rows, "补贴金额")))
        ws.write(r, 7, float(_sum(rows, "挽回经济损失")))
        book.save(str(self.path(rel)))
        self.expected[rel] = expected

    # 4. GBK CSV with a title line and formula-looking cells
    def gbk_csv(self):
        rel = "工作站D_202303.csv"
        rows = records("站D", 4)
        rows[0]["受援人"] = "=HYPERLINK(\"http://x\",\"点我\")"
        rows[1]["受援人"] = "@SUM(A1:A9)"
        rows[2]["承办律师"] = "+8613800000000"
        rows[3]["律师事务所"] = "-2+3"
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["沅江市某工作站2023年3月值班律师法律帮助统计"])
        w.writerow(["案号", "受援人", "案件类型", "承办律师", "律师事务所", "办案补贴", "指派日期"])
        expected = []
        for i, rec in enumerate(rows):
            w.writerow([rec["案号"], rec["受援人"], rec["案件类型"], rec["承办律师"], rec["律师事务所"],
                        str(rec["补贴金额"]), rec["指派日期"].isoformat()])
            expected.append(("工作站D_202303", 3 + i, {k: rec[k] for k in ("案号", "受援人", "案件类型", "承办律师",
                                                                           "律师事务所", "补贴金额", "指派日期")}))
        self.path(rel).write_bytes(buf.getvalue().encode("gbk"))
        self.expected[rel] = expected
        return rows

    # 5. UTF-8 CSV with BOM; the period in a labelled cell disagrees with the file name
    def utf8_csv_disagreeing_period(self):
        rel = "E_2023年4月.csv"
        rows = records("E", 3)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["填报月份：", "2023年3月", "", ""])
        w.writerow(["案号", "受援人", "类型", "补贴金额"])
        expected = []
        for i, rec in enumerate(rows):
            w.writerow([rec["案号"], rec["受援人"], rec["案件类型"], str(rec["补贴金额"])])
            expected.append(("E_2023年4月", 3 + i, {k: rec[k] for k in ("案号", "受援人", "案件类型", "补贴金额")}))
        self.path(rel).write_bytes(("\ufeff" + buf.getvalue()).encode("utf-8"))
        self.expected[rel] = expected
        self.warned.add(rel)

    # 6. .xlsm (a macro project inside, never run), two monthly sheets, a notes sheet, the user's 列名对照 sheet
    def xlsm_two_months(self):
        rel = "F年报.xlsm"
        wb = xlsxwriter.Workbook(self.path(rel))
        notes = wb.add_worksheet("填表说明")
        notes.write(0, 0, "本工作簿含1月、2月两张表。")
        expected = []
        for month, sheet in ((1, "1月"), (2, "2月")):
            rows = records(f"F{month}", 3, month=month)
            ws = wb.add_worksheet(sheet)
            ws.write(0, 0, f"F所2023年{month}月案件表")
            ws.write_row(1, 0, ["案号", "受援人", "经办人", "补贴金额"])
            for i, rec in enumerate(rows):
                ws.write_row(2 + i, 0, [rec["案号"], rec["受援人"], rec["承办律师"], float(rec["补贴金额"])])
                expected.append((sheet, 3 + i, {k: rec[k] for k in ("案号", "受援人", "承办律师", "补贴金额")}))
        alias = wb.add_worksheet("列名对照")
        alias.write_row(0, 0, ["表中列名", "标准列名"])
        alias.write_row(1, 0, ["经办人", "承办律师"])
        wb.add_vba_project(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504), is_stream=True)
        wb.close()
        self.expected[rel] = expected

    # unusable files
    def bad_files(self):
        self.path("坏文件.xlsx").write_bytes(b"PK\x03\x04 this zip is cut short")
        self.bad["坏文件.xlsx"] = "损坏"
        self.path("空文件.csv").write_bytes(b"")
        self.bad["空文件.csv"] = "空"
        self.path("说明.docx").write_bytes(b"PK\x03\x04 not a return")
        self.bad["说明.docx"] = "不是表格文件"
        wb = openpyxl.Workbook()
        wb.active["A1"] = "这张表只有一段文字，没有表头。"
        wb.active["B5"] = "随便写的内容"
        wb.save(self.path("无表头.xlsx"))
        self.bad["无表头.xlsx"] = "表头"
        self.path("加密.xlsx").write_bytes(encrypted_ooxml(self.folder))
        self.bad["加密.xlsx"] = "密码"

    def build(self) -> "Corpus":
        self.plain_xlsx()
        self.merged_header_wan()
        self.xls_subtotals()
        self.gbk_csv()
        self.utf8_csv_disagreeing_period()
        self.xlsm_two_months()
        self.bad_files()
        return self


def encrypted_ooxml(scratch: Path) -> bytes:
    """A password-protected .xlsx (a compound file holding an EncryptedPackage stream), made with msoffcrypto."""
    from msoffcrypto.format.ooxml import OOXMLFile   # (msoffcrypto-tool comes with oletools)

    plain = scratch / ".plain-for-encryption.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["案号", "受援人", "补贴金额"])
    wb.save(plain)
    out = io.BytesIO()
    with open(plain, "rb") as fh:
        OOXMLFile(fh).encrypt("secret", out)
    plain.unlink()
    data = out.getvalue()
    assert data.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in data
    return data
