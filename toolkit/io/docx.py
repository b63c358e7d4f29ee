"""Word documents: the report draft written with its styles (atomically), and a report's text read back."""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.base.errors import InputError
from toolkit.io.atomic import atomic_write
from toolkit.io.excel_read import _CFB_MAGIC, _ENCRYPTED_MARK, check_regular_file, decode_text
from toolkit.io.limits import check_package
from toolkit.report.draft import HEADING1, HEADING2, TITLE, TODO, Block

MAX_REPORT_BYTES = 50 * 2**20

STYLE_NAMES = {TITLE: "Title", HEADING1: "Heading 1", HEADING2: "Heading 2", "text": "Normal", TODO: "待填写"}


def _set_font(style, latin: str, east_asian: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor
    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # theme fonts would win in Word
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:eastAsia"), east_asian)
    if size_pt:
        style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)


def new_document(template: str | Path | None = None):
    """A document with the report's styles: the user's template (emptied of content) or the built-in defaults."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Pt

    if template:
        check_regular_file(Path(template), "Word 模板")
        zf = check_package(Path(template), what="Word 文档")   # no bomb, no hostile part names or DOCTYPE copied out
        if zf is not None:
            zf.close()
        try:
            doc = Document(str(template))
        except Exception:
            raise InputError("模板无法打开，应为 .docx 文件。", file=Path(template).name) from None
        body = doc.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        names = {s.name for s in doc.styles}
        missing = [n for n in STYLE_NAMES.values() if n not in names]
        if missing:
            raise InputError(f"模板缺少样式：{'、'.join(missing)}。", file=Path(template).name)
        return doc
    doc = Document()
    styles = doc.styles
    _set_font(styles["Normal"], "Times New Roman", "仿宋", 14)
    styles["Normal"].paragraph_format.first_line_indent = Pt(28)
    styles["Normal"].paragraph_format.line_spacing = Pt(28)
    _set_font(styles["Title"], "Times New Roman", "方正小标宋简体", 22, True)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Title"].paragraph_format.first_line_indent = Pt(0)
    border = styles["Title"].element.pPr.find(qn("w:pBdr"))  # the default Title has a blue rule below
    if border is not None:
        styles["Title"].element.pPr.remove(border)
    # 党政机关公文格式: 一级标题 黑体三号, 二级标题 楷体三号, 正文 仿宋三号; the first level is the stronger one
    _set_font(styles["Heading 1"], "Times New Roman", "黑体", 16, True)
    _set_font(styles["Heading 2"], "Times New Roman", "楷体", 16, False)
    for name in ("Heading 1", "Heading 2"):
        styles[name].font.italic = False
    for name in ("Heading 1", "Heading 2"):
        styles[name].paragraph_format.first_line_indent = Pt(32)
        styles[name].paragraph_format.space_before = Pt(6)
        styles[name].paragraph_format.space_after = Pt(6)
    todo = styles.add_style(STYLE_NAMES[TODO], WD_STYLE_TYPE.PARAGRAPH)
    todo.base_style = styles["Normal"]
    todo.font.highlight_color = WD_COLOR_INDEX.YELLOW     # marked by the yellow, not italics (Latin would slant)
    todo.font.italic = False
    return doc


def write_template(path: str | Path) -> None:
    """A template to restyle in Word/WPS: one sample paragraph per style (removed when a draft is written)."""
    doc = new_document()
    for style, text in ((TITLE, "标题（样式 Title）"), (HEADING1, "一、一级标题（样式 Heading 1）"),
                        (HEADING2, "（一）二级标题（样式 Heading 2）"), ("text", "正文（样式 Normal）。"),
                        (TODO, "【待填写】需人工填写的位置（样式 待填写）。")):
        doc.add_paragraph(text, style=STYLE_NAMES[style])
    _save_atomically(doc, Path(path))


def write_docx(blocks: list[Block], path: str | Path, template: str | Path | None = None) -> None:
    """Write the draft atomically (temp file in the same folder, then replace)."""
    doc = new_document(template)
    for block in blocks:
        doc.add_paragraph(block.text, style=STYLE_NAMES[block.style])
    _save_atomically(doc, Path(path))


def _save_atomically(doc, path: Path) -> None:
    try:
        with atomic_write(path) as out:
            doc.save(out)
    except PermissionError:
        raise InputError("无法写入输出文件：文件可能正在被Word/WPS打开，或文件夹不可写，请关闭后重试。",
                         file=path.name) from None


def _check_report_file(path: Path) -> None:
    """A report file that can be read at all: a regular file, not empty, not absurdly large."""
    check_regular_file(path, "报告文件")
    if path.stat().st_size == 0:
        raise InputError("文件是空的（0字节），没有可检查的内容。", file=path.name)
    if path.stat().st_size > MAX_REPORT_BYTES:
        raise InputError(f"文件超过 {MAX_REPORT_BYTES // 2**20} MB，不像一份自评报告，请检查是否选错了文件。", file=path.name)


def open_docx(path: Path):
    """A .docx opened by python-docx after the checks every reader needs (regular file, size, password, old .doc
    under a new name, the zip's sizes and names); InputError in Chinese otherwise."""
    from docx import Document
    _check_report_file(path)
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if head.startswith(_CFB_MAGIC):
        encrypted = _ENCRYPTED_MARK in head
        raise InputError("文件设有打开密码，无法读取。请在Word/WPS中取消密码后另存再检查。" if encrypted else
                         "这是旧版 .doc 文件（只是扩展名为 .docx），请在Word/WPS中另存为 .docx 后再检查。",
                         file=path.name)
    zf = check_package(path, what="Word 文档")
    if zf is not None:
        zf.close()
    try:
        return Document(str(path))
    except Exception:
        raise InputError("文件已损坏或不是有效的 .docx 文档。", file=path.name) from None


def read_report_text(path: str | Path) -> str:
    """The prose of a report: a .docx's paragraphs, or a .txt/.md file (UTF-8 or GB18030)."""
    path = Path(path)
    _check_report_file(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        doc = open_docx(path)
        try:
            text = "\n".join(p.text for p in doc.paragraphs)
        except Exception:
            raise InputError("文件已损坏或不是有效的 .docx 文档。", file=path.name) from None
        if not text.strip():
            raise InputError("文档中没有文字，没有可检查的内容。", file=path.name)
        return text
    if suffix in (".txt", ".md"):
        text = decode_text(path.read_bytes())
        if text is None:
            raise InputError("文本编码无法识别（支持 UTF-8 和 GBK/GB18030），请另存为 UTF-8。", file=path.name)
        if suffix == ".md":
            text = re.sub(r"(?m)^\s{0,3}(?:#{1,6}|>|[-*+])\s+", "", text).replace("**", "").replace("__", "")
        if not text.strip():
            raise InputError("文件中没有文字，没有可检查的内容。", file=path.name)
        return text
    if suffix == ".doc":
        raise InputError("不支持旧版 .doc 文件，请在Word/WPS中另存为 .docx 后再检查。", file=path.name)
    raise InputError(f"不支持的文件类型“{path.suffix or '无扩展名'}”，请使用 .docx、.txt 或 .md。", file=path.name)
