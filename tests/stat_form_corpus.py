"""A folder of statistics-form returns (法律援助工作统计月报表) in different layouts, with the figures behind them.

Every station's figures are generated consistent (parts add up to their totals, 其中 parts stay under them,
本年累计 = 上月累计 + 本月); a few cells are then changed on purpose ("plants"), each breaking exactly one rule.
`expected[(station, period)]` holds the figures as written (plants included), `plants` where each must be found.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
import xlwt

CASES = ["刑事案件", "民事案件", "行政案件", "国家赔偿案件", "仲裁案件", "非诉讼事项"]
CHANNELS = ["来访咨询", "来电咨询", "网络咨询", "信函咨询"]
GROUPS = ["农民工", "残疾人", "老年人", "未成年人", "妇女", "军人军属", "少数民族"]
ALL = ["案件总数", *CASES, "法律帮助", "认罪认罚", "法律咨询", *CHANNELS, "受援人数", *GROUPS, "挽回经济损失", "讨薪金额"]

# labels as a form writes them, per key: (plain numbered form, short form used in 类别|项目 layouts)
PLAIN = {
    "案件总数": "一、法律援助案件总数（件）", "刑事案件": "1.刑事案件", "民事案件": "2.民事案件", "行政案件": "3.行政案件",
    "国家赔偿案件": "4.国家赔偿案件", "仲裁案件": "5.仲裁案件（含劳动争议仲裁）", "非诉讼事项": "6.非诉讼事项",
    "法律帮助": "二、值班律师法律帮助（件）", "认罪认罚": "其中：认罪认罚案件",
    "法律咨询": "三、法律咨询（人次）", "来访咨询": "其中：来访", "来电咨询": "来电（12348）", "网络咨询": "网络",
    "信函咨询": "信函", "受援人数": "四、受援人数（人次）", "农民工": "其中：农民工", "残疾人": "残疾人",
    "老年人": "老年人", "未成年人": "未成年人", "妇女": "妇女", "军人军属": "军人军属", "少数民族": "少数民族",
    "挽回经济损失": "五、挽回经济损失（元）", "讨薪金额": "其中：农民工讨薪金额",
}
SHORT = {"刑事案件": "刑事", "民事案件": "民事", "行政案件": "行政", "国家赔偿案件": "国家赔偿", "仲裁案件": "劳动仲裁",
         "非诉讼事项": "非诉讼", "认罪认罚": "认罪认罚", "来访咨询": "来访", "来电咨询": "电话咨询", "网络咨询": "网上咨询",
         "信函咨询": "来信咨询", **{g: g for g in GROUPS}, "讨薪金额": "讨薪金额"}
GROUP_OF = {"案件总数": "法律援助案件", "法律帮助": "值班律师法律帮助", "法律咨询": "法律咨询", "受援人数": "受援人",
            "挽回经济损失": "挽回经济损失（元）"}
HEADS = ["案件总数", "法律帮助", "法律咨询", "受援人数", "挽回经济损失"]
CHILDREN = {"案件总数": CASES, "法律帮助": ["认罪认罚"], "法律咨询": CHANNELS, "受援人数": GROUPS,
            "挽回经济损失": ["讨薪金额"]}
TRAD = str.maketrans("总数类诉讼咨询计农残妇军属国赔偿劳动争议来访电网络师帮认罚经济损讨减项别额单报统务",
                     "總數類訴訟諮詢計農殘婦軍屬國賠償勞動爭議來訪電網絡師幫認罰經濟損討減項別額單報統務")


def figures(seed: int, months: int, keys: list[str]) -> dict[int, dict[str, tuple[Decimal, Decimal]]]:
    """Consistent figures for months 1..months: month -> key -> (本月, 本年累计)."""
    rnd = random.Random(seed)
    out, running = {}, {k: Decimal(0) for k in keys}
    for m in range(1, months + 1):
        month: dict[str, Decimal] = {}
        for k in CASES:
            month[k] = Decimal(rnd.randint(0, 9))
        month["案件总数"] = sum((month[k] for k in CASES if k in keys), Decimal(0))
        month["法律帮助"] = Decimal(rnd.randint(5, 30))
        month["认罪认罚"] = Decimal(rnd.randint(0, int(month["法律帮助"])))
        for k in CHANNELS:
            month[k] = Decimal(rnd.randint(0, 40))
        month["法律咨询"] = sum((month[k] for k in CHANNELS if k in keys), Decimal(0)) + rnd.randint(0, 5)
        month["受援人数"] = month["案件总数"] + month["法律帮助"] + rnd.randint(0, 3)
        for k in GROUPS:
            month[k] = Decimal(rnd.randint(0, int(month["受援人数"])))
        month["挽回经济损失"] = Decimal(rnd.randint(0, 900000)) / 4
        month["讨薪金额"] = (month["挽回经济损失"] * Decimal(rnd.randint(0, 100)) / 100).quantize(Decimal("0.01"))
        for k in keys:
            running[k] += month[k]
        out[m] = {k: (month[k], running[k]) for k in keys}
    return out


@dataclass
class Plant:
    file: str
    cell: str           # where the finding must point
    word: str           # a word its message must contain


@dataclass
class StatCorpus:
    folder: Path
    expected: dict = field(default_factory=dict)      # (station, period) -> key -> (本月, 本年累计) as written
    files: dict = field(default_factory=dict)         # relative path -> (station, period)
    plants: list = field(default_factory=list)
    plant: bool = True                                # False: every return consistent, no non-standard item
    seed: int = 0                                     # another seed, other figures
    custom: dict = field(default_factory=dict)        # (station, period) -> {label: (本月, 本年累计)}

    def path(self, rel: str) -> Path:
        p = self.folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def _keep(self, station, period, rel, values):
        self.expected[(station, period)] = values
        self.files[rel] = (station, period)

    # A: one header row, numbered labels, 增减（%） column; February and March of the same station
    def plain_xlsx(self, planted: bool = False):
        keys = [k for k in ALL if k != "国家赔偿案件"]
        data = figures(self.seed * 10 + 1, 3, keys)
        last_year = figures(self.seed * 10 + 7, 3, keys)      # consistent too: its parts add up as well
        for m in (2, 3):
            rel = f"琼湖司法所_2023年{m}月.xlsx"
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "月报"
            ws["A1"] = "琼湖司法所法律援助工作统计月报表"
            ws.merge_cells("A1:E1")
            ws["A2"] = "填报单位：琼湖司法所（盖章）"
            ws["D2"] = f"填报月份：2023年{m}月"
            ws.append(["项目", "本月", "本年累计", "上年同期", "增减（%）"])
            values = dict(data[m])
            for k in keys:
                month, cum = values[k]
                last = last_year[m][k][0]
                change = None if last == 0 else float(((month - last) / last * 100).quantize(Decimal("0.1")))
                label = "二、援助律师值班服务（件）" if k == "法律帮助" else PLAIN[k]   # the centre's own name
                ws.append([label, float(month), float(cum), float(last), change])
            ws.append([])
            ws.append(["填表人：李某", None, "填报日期：2023年4月5日"])
            own = wb.create_sheet("项目对照")
            own.append(["表中项目", "标准项目"])
            own.append(["援助律师值班服务", "值班律师法律帮助"])
            wb.save(self.path(rel))
            self._keep("琼湖司法所", f"2023-{m:02d}", rel, values)

    # B: two header rows (本期 / 上年同期 over 本月 | 本年累计), merged; traditional characters, full-width digits,
    # money in 万元; period in the title only; PLANT: 案件总数 本月 is not the sum of its parts
    def two_row_header(self):
        rel = "草尾司法所.xlsx"
        keys = list(ALL)
        values = dict(figures(self.seed * 10 + 2, 3, keys)[3])
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        ws["A1"] = "草尾司法所2023年3月法律援助工作統計月報表"
        ws.merge_cells("A1:F1")
        ws["A2"], ws["E2"] = "單位：件、人次、萬元", None
        ws["A3"], ws["B3"], ws["D3"], ws["F3"] = "項　目", "本期", "上年同期", "增減"
        ws.merge_cells("A3:A4")
        ws.merge_cells("B3:C3")
        ws.merge_cells("D3:E3")
        ws.merge_cells("F3:F4")
        ws["B4"], ws["C4"], ws["D4"], ws["E4"] = "本月", "本年累計", "本月", "本年累計"
        r = 5
        rows = {}
        for k in keys:
            label = PLAIN[k].translate(TRAD).replace("1.", "１．").replace("（元）", "（萬元）")
            month, cum = values[k]
            scale = Decimal(10000) if k in ("挽回经济损失", "讨薪金额") else Decimal(1)
            ws.cell(r, 1, ("" if k in HEADS else "　　") + label)
            ws.cell(r, 2, float(month / scale))
            ws.cell(r, 3, float(cum / scale))
            ws.cell(r, 4, float(month))
            ws.cell(r, 5, float(cum))
            ws.cell(r, 6, 0)
            rows[k] = r
            r += 1
        if self.plant:      # 案件总数 本月 one too many
            month, cum = values["案件总数"]
            ws.cell(rows["案件总数"], 2, float(month + 1))
            values["案件总数"] = (month + 1, cum)
            self.plants.append(Plant(rel, f"B{rows['案件总数']}", "下级明细"))
        wb.save(self.path(rel))
        self._keep("草尾司法所", "2023-03", rel, values)

    # C: .xls, items in two columns 类别 | 项目 with the 类别 cells merged down; period from the sheet name;
    # PLANT: 本年累计 below 本月 for 行政 (the total still adds up)
    def category_xls(self):
        rel = "南大膳镇工作站.xls"
        keys = [k for k in ALL if k not in ("国家赔偿案件", "信函咨询", "少数民族", "讨薪金额")]
        values = dict(figures(self.seed * 10 + 3, 3, keys)[3])
        if self.plant:
            (m, c), (tm, tc) = values["行政案件"], values["案件总数"]
            values["行政案件"] = (Decimal(5), Decimal(3))
            values["案件总数"] = (tm - m + 5, tc - c + 3)
        book = xlwt.Workbook(encoding="utf-8")
        ws = book.add_sheet("2023年3月")
        ws.write_merge(0, 0, 0, 3, "南大膳镇法律援助工作站统计月报表")
        for c, h in enumerate(["类别", "项目", "本月", "本年累计"]):
            ws.write(1, c, h)
        r = 2
        rows = {}
        for head in HEADS:
            kids = [k for k in CHILDREN[head] if k in keys]
            if kids:
                ws.write_merge(r, r + len(kids), 0, 0, GROUP_OF[head])
            else:
                ws.write(r, 0, GROUP_OF[head])
            for k in [head, *kids]:
                ws.write(r, 1, "合计" if k == head else SHORT[k])
                ws.write(r, 2, float(values[k][0]))
                ws.write(r, 3, float(values[k][1]))
                rows[k] = r + 1
                r += 1
        if self.plant:
            self.plants.append(Plant(rel, f"D{rows['行政案件']}", "小于本月"))
        ws.write(r + 1, 0, "注：本表每月5日前报送。")
        book.save(str(self.path(rel)))
        self._keep("南大膳镇法律援助工作站", "2023-03", rel, values)

    # D: UTF-8 CSV, synonyms for every item, no numbering, a non-standard item; PLANT: 农民工 above 受援人数
    def synonyms_csv(self):
        rel = "阳罗洲司法所_2023-03.csv"
        keys = ["案件总数", "刑事案件", "民事案件", "行政案件", "仲裁案件", "非诉讼事项", "法律咨询", "受援人数",
                "农民工", "老年人"]
        values = dict(figures(self.seed * 10 + 4, 3, keys)[3])
        names = {"案件总数": "办理法律援助案件", "刑事案件": "  刑事", "民事案件": "  民事", "行政案件": "  行政",
                 "仲裁案件": "  劳动争议仲裁", "非诉讼事项": "  非诉讼", "法律咨询": "解答法律咨询",
                 "受援人数": "受援人次", "农民工": "  其中：农民工", "老年人": "  老年人"}
        if self.plant:
            month, cum = values["受援人数"]
            values["农民工"] = (month + 2, cum)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["阳罗洲司法所法律援助统计月报表"])
        w.writerow(["统计月份", "2023年3月"])
        w.writerow(["指标", "本月数", "累计数"])
        row = 4
        rows = {}
        for k in keys:
            w.writerow([names[k], str(values[k][0]), str(values[k][1])])
            rows[k] = row
            row += 1
        if self.plant:
            w.writerow(["法治宣传（场次）", "3", "7"])
            self.custom[("阳罗洲司法所", "2023-03")] = {"法治宣传（场次）": (Decimal(3), Decimal(7))}
            self.plants.append(Plant(rel, f"B{rows['农民工']}", "不应超过"))
            self.plants.append(Plant(rel, f"A{row}", "不是标准统计项目"))
        self.path(rel).write_bytes(("\ufeff" + buf.getvalue()).encode("utf-8"))
        self._keep("阳罗洲司法所", "2023-03", rel, values)

    # E: GBK CSV, plain numbered labels; PLANT: 认罪认罚 (其中) above 法律帮助
    def gbk_csv(self):
        rel = "泗湖山镇_2023年3月.csv"
        keys = ["案件总数", *CASES, "法律帮助", "认罪认罚", "法律咨询"]
        values = dict(figures(self.seed * 10 + 5, 3, keys)[3])
        if self.plant:
            m, c = values["法律帮助"]
            values["认罪认罚"] = (m + 4, c)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["泗湖山镇法律援助工作站2023年3月统计月报表"])
        w.writerow(["项目", "本月", "本年累计"])
        rows = {}
        for i, k in enumerate(keys):
            w.writerow([PLAIN[k], str(values[k][0]), str(values[k][1])])
            rows[k] = 3 + i
        if self.plant:
            self.plants.append(Plant(rel, f"B{rows['法律帮助']}", "其中"))
        self.path(rel).write_bytes(buf.getvalue().encode("gbk"))
        self._keep("泗湖山镇法律援助工作站", "2023-03", rel, values)

    # F: February and March of one station; March with the item label merged across A:B (其中 | item in two
    # cells); PLANT: March 法律咨询 本年累计 is not 上月累计 + 本月
    def merged_items(self):
        keys = [k for k in ALL if k not in ("国家赔偿案件", "讨薪金额", "挽回经济损失")]
        data = figures(self.seed * 10 + 6, 3, keys)
        for m in (2, 3):
            rel = f"茶盘洲/茶盘洲司法所{m}月.xlsx"
            values = dict(data[m])
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = f"2023年{m}月"
            ws["A1"] = f"茶盘洲司法所2023年{m}月法律援助工作统计月报表"
            ws.merge_cells("A1:D1")
            ws["A2"] = "项目"
            ws.merge_cells("A2:B2")
            ws["C2"], ws["D2"] = "本月", "本年累计"
            r = 3
            rows = {}
            for head in HEADS:
                if head not in keys:
                    continue
                ws.cell(r, 1, PLAIN[head])
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
                rows[head] = r
                r += 1
                for k in [k for k in CHILDREN[head] if k in keys]:
                    label = PLAIN[k]
                    if label.startswith("其中："):
                        ws.cell(r, 1, "其中")
                        label = label[3:]
                    ws.cell(r, 2, label)
                    rows[k] = r
                    r += 1
            if m == 3 and self.plant:
                mo, cu = values["法律咨询"]
                values["法律咨询"] = (mo, cu + 10)
                self.plants.append(Plant(rel, f"D{rows['法律咨询']}", "上月累计"))
                # a 本月 typed one too high: its running total and its parent's sum both break; the cell is found
                slip = next(k for k in CASES if k in keys and values[k][1] > values[k][0])
                mo, cu = values[slip]
                values[slip] = (mo + 1, cu)
                self.plants.append(Plant(rel, f"C{rows[slip]}", "很可能有误"))
            for k, rr in rows.items():
                ws.cell(rr, 3, float(values[k][0]))
                ws.cell(rr, 4, float(values[k][1]))
            wb.save(self.path(rel))
            self._keep("茶盘洲司法所", f"2023-{m:02d}", rel, values)

    def build(self) -> "StatCorpus":
        self.plain_xlsx()
        self.two_row_header()
        self.category_xls()
        self.synonyms_csv()
        self.gbk_csv()
        self.merged_items()
        return self
