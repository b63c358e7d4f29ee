"""The button templates: VBA inside (read back with oletools), buttons bound to existing Subs, config sheet,
the MS-OVBA codec and the compound-file writer, and a deterministic build."""

from __future__ import annotations

import io
import random
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import olefile
import openpyxl
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from macros import build_templates
from macros.cfb import write_compound_file
from macros.ovba import CHUNK_SIZE, compress, decompress
from macros.vbaproject import normalise_source, xlwings_package_dir

MACRO_DIR = Path(build_templates.__file__).parent
JOBS = {
    "LA_ComputeSubsidy": "compute_subsidy",
    "LA_ValidateBudget": "validate_budget",
    "LA_FillStatistics": "fill_statistics",
    "LA_ReformatReturns": "reformat_returns",
    "LA_DraftReport": "draft_report",
}
# template -> sheet -> {caption: macro}
EXPECTED_BUTTONS = {
    "台账模板.xlsm": {"案件台账": {"计算补贴": "LA_ComputeSubsidy", "填写统计表": "LA_FillStatistics",
                                "生成自评报告": "LA_DraftReport"}},
    "决算校验模板.xlsm": {"决算表": {"校验预算": "LA_ValidateBudget"}},
    "月报整理模板.xlsm": {"月报整理": {"整理月报": "LA_ReformatReturns"}},
}
CONFIG_KEYS = ["Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env", "UDF Modules",
               "Debug UDFs", "Use UDF Server", "Show Console"]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
      "x": "urn:schemas-microsoft-com:office:excel", "v": "urn:schemas-microsoft-com:vml"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates")
    paths = build_templates.build_all(out)
    return {p.name: p for p in paths}


def vba_modules(path: Path) -> dict[str, str]:
    """Module name -> source, as oletools extracts it."""
    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def sheet_parts(path: Path) -> dict[str, tuple[str, str | None]]:
    """Sheet name -> (code name, VML drawing XML or None), read from the package XML."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        result = {}
        for sheet in book.find("m:sheets", NS):
            part = "xl/" + rels[sheet.get(f"{{{NS['r']}}}id")]
            xml = ET.fromstring(z.read(part))
            code_name = xml.find("m:sheetPr", NS).get("codeName")
            rel_path = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            vml = None
            if rel_path in z.namelist():
                for r in ET.fromstring(z.read(rel_path)):
                    if r.get("Target").endswith(".vml"):
                        vml = z.read("xl/" + r.get("Target").replace("../", "")).decode("utf-8")
            result[sheet.get("name")] = (code_name, vml)
        workbook_code_name = book.find("m:workbookPr", NS).get("codeName")
    result[""] = (workbook_code_name, None)
    return result


def vml_buttons(vml: str) -> dict[str, str]:
    """Caption -> macro of every form button in a VML drawing."""
    root = ET.fromstring(vml)
    buttons = {}
    for shape in root.iter(f"{{{NS['v']}}}shape"):
        data = shape.find("x:ClientData", NS)
        if data is None or data.get("ObjectType") != "Button":
            continue
        caption = "".join(shape.find("v:textbox", NS).itertext()).strip()
        buttons[caption] = data.findtext("x:FmlaMacro", namespaces=NS)
    return buttons


def public_subs(modules: dict[str, str]) -> set[str]:
    return {m.group(1) for code in modules.values()
            for m in re.finditer(r"^(?:Public\s+)?Sub\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(", code, re.M)}


# ---------------------------------------------------------------- VBA inside the templates

def test_every_macro_module_is_inside_with_its_exact_source(built):
    bas_files = sorted(MACRO_DIR.glob("*.bas"))
    assert [p.stem for p in bas_files] == ["LegalAid"]
    for path in built.values():
        modules = vba_modules(path)
        for bas in bas_files:
            text = bas.read_text(encoding="ascii")
            assert modules[bas.stem] == normalise_source(text), (path.name, bas.name)
            assert modules[bas.stem].replace("\r\n", "\n") == text.replace("\r\n", "\n")


def test_xlwings_module_and_dictionary_class_are_inside(built):
    xlwings_bas = (xlwings_package_dir() / "xlwings.bas").read_text(encoding="ascii")
    for path in built.values():
        modules = vba_modules(path)
        assert modules["xlwings"] == normalise_source(xlwings_bas)
        assert "Public Function RunPython(PythonCommand As String)" in modules["xlwings"]
        assert "Function GetConfigFromSheet(wb As Workbook)" in modules["xlwings"]
        assert modules["Dictionary"].startswith('Attribute VB_Name = "Dictionary"\r\n')
        assert "Public Function Exists(" in modules["Dictionary"]
        assert "Module1" not in modules  # the quickstart's sample module is not carried over


def test_each_button_sub_calls_run_python_with_the_contract(built):
    code = vba_modules(built["台账模板.xlsm"])["LegalAid"]
    for sub, job in JOBS.items():
        body = re.search(rf"^Public Sub {sub}\(\)\r\n(.*?)^End Sub", code, re.M | re.S)
        assert body, sub
        assert body.group(1).strip() == (
            f'RunPython "import toolkit.excel.buttons as b; b.run_from_excel(\'{job}\')"')


def test_document_modules_match_the_sheets_code_names(built):
    for path in built.values():
        modules = vba_modules(path)
        parts = sheet_parts(path)
        code_names = {code for code, _ in parts.values()}
        assert parts[""][0] == "ThisWorkbook"
        for code_name in code_names:
            assert modules[code_name].startswith(f'Attribute VB_Name = "{code_name}"\r\n'), (path.name, code_name)
            assert "Attribute VB_PredeclaredId = True" in modules[code_name]
        assert set(modules) == code_names | {"xlwings", "Dictionary", "LegalAid"}


def test_vba_project_has_no_performance_cache(built):
    with zipfile.ZipFile(built["台账模板.xlsm"]) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    assert ole.openstream("VBA/_VBA_PROJECT").read()[2:4] == b"\xff\xff"
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Module=LegalAid\r\n" in project and "Module=xlwings\r\n" in project
    assert "Class=Dictionary\r\n" in project and "Document=Sheet1/&H00000000\r\n" in project
    for name in ("LegalAid", "xlwings", "Sheet1"):  # source starts at offset 0 of each module stream
        assert decompress(ole.openstream(f"VBA/{name}").read()).startswith(f'Attribute VB_Name = "{name}"'.encode())


# ---------------------------------------------------------------- buttons and sheets

def test_every_button_is_bound_to_an_existing_sub(built):
    for name, sheets in EXPECTED_BUTTONS.items():
        path = built[name]
        subs = public_subs(vba_modules(path))
        parts = sheet_parts(path)
        found = {sheet: vml_buttons(vml) for sheet, (_, vml) in parts.items() if vml}
        assert found == {sheet: {cap: f"[0]!{macro}" for cap, macro in buttons.items()}
                         for sheet, buttons in sheets.items()}, name
        for buttons in found.values():
            for macro in buttons.values():
                assert macro.removeprefix("[0]!") in subs


def test_config_sheet_has_the_keys_xlwings_reads(built):
    for path in built.values():
        ws = openpyxl.load_workbook(path)["xlwings.conf"]
        keys = []
        row = 1
        while ws.cell(row, 1).value not in (None, ""):  # xlwings reads A1 down to the first empty cell
            keys.append(ws.cell(row, 1).value)
            row += 1
        assert keys == CONFIG_KEYS
        config = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, row)}
        assert config["UDF Modules"] == "toolkit.excel.udfs"
        assert config["Interpreter_Win"] == "python"
        assert config["Show Console"] is False and config["Debug UDFs"] is False
        for r in range(1, row):  # a note in Chinese beside every key
            assert re.search(r"[\u4e00-\u9fff]", ws.cell(r, 3).value or ""), (path.name, r)


def test_ledger_header_row(built):
    ws = openpyxl.load_workbook(built["台账模板.xlsm"])["案件台账"]
    assert [c.value for c in ws[2]][:18] == build_templates.LEDGER_HEADERS
    assert "按钮" in ws["A1"].value   # row 1 holds a title and the buttons, clear of the header row
    assert ws.max_row == 2  # no sample data
    assert ws.max_column == 18  # buttons are shapes, not cells: the used range is the ledger only
    assert ws.column_dimensions["C"].number_format == "@"  # 身份证号 typed as text keeps all 18 characters
    assert ws.column_dimensions["I"].number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "A3"


def test_monthly_template_folder_cells(built):
    wb = openpyxl.load_workbook(built["月报整理模板.xlsm"])
    ws = wb["月报整理"]
    assert (ws["A3"].value, ws["A4"].value) == ("输入文件夹", "输出文件夹")
    assert ws["B3"].value is None and ws["B4"].value is None
    assert wb.defined_names["LA_InputFolder"].attr_text == "'月报整理'!$B$3"
    assert wb.defined_names["LA_OutputFolder"].attr_text == "'月报整理'!$B$4"


def test_build_is_deterministic(built, tmp_path):
    again = build_templates.build_all(tmp_path)
    assert sorted(p.name for p in again) == sorted(built)
    for p in again:
        assert p.read_bytes() == built[p.name].read_bytes(), p.name
    assert not list(tmp_path.glob("*.tmp"))


def test_committed_templates_are_up_to_date(built):
    committed = MACRO_DIR.parent / "workbooks"
    for name, path in built.items():
        assert (committed / name).read_bytes() == path.read_bytes(), f"rerun macros/build_templates.py ({name})"


# ---------------------------------------------------------------- MS-OVBA codec

def _both_decompressors(container: bytes) -> bytes:
    ours = decompress(container)
    assert bytes(decompress_stream(bytearray(container))) == ours
    return ours


def test_ovba_small_known_container():
    # A literal-only chunk: header 0xB019 (compressed flag, signature 3, 26 bytes of chunk data).
    data = b"abcdefghijklmnopqrstuv."
    expected = bytes.fromhex("01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E")
    assert compress(data) == expected
    assert _both_decompressors(expected) == data
    # Copy tokens whose offsets differ from the ones our compressor picks still decode the same.
    other = bytes.fromhex("01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D"
                          "6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C")
    assert _both_decompressors(other) == b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"


@pytest.mark.parametrize("seed", range(6))
def test_ovba_round_trip_random(seed):
    rnd = random.Random(seed)
    for _ in range(12):
        n = rnd.choice([0, 1, 2, 3, 8, 9, 650, 651, 700, 4095, 4096, 4097, rnd.randrange(1, 20000)])
        alphabet = rnd.choice([b"a", b"ab", b"Sub End \r\n'", bytes(range(256))])
        data = bytes(rnd.choice(alphabet) for _ in range(n))
        out = _both_decompressors(compress(data))
        if out != data:
            # Only an incompressible last chunk is stored raw, padded to 4096 bytes ([MS-OVBA] 2.4.1.3.10).
            assert alphabet == bytes(range(256)) and out[:n] == data
            assert len(out) % CHUNK_SIZE == 0 and len(out) - n < CHUNK_SIZE and not any(out[n:])


def test_ovba_round_trip_long_inputs():
    rnd = random.Random(42)
    words = [b"Dim ", b"As String", b"RunPython ", b"\r\n", b"    ", b"End Sub", b"' comment ", b"x", b"="]
    text = b"".join(rnd.choice(words) for _ in range(40000))[:150_000]
    noise = rnd.randbytes(40 * CHUNK_SIZE)  # incompressible, whole chunks: stored raw, no padding
    zeros = bytes(120_000)
    for data in (text, noise, zeros, (xlwings_package_dir() / "xlwings.bas").read_bytes() * 3):
        assert len(data) >= 100_000
        container = compress(data)
        assert _both_decompressors(container) == data
        if data is text or data is zeros:
            assert len(container) < len(data) // 2


def test_ovba_rejects_a_copy_token_before_the_chunk():
    with pytest.raises(ValueError):
        decompress(bytes.fromhex("01 03 B0 02 61 00 10"))  # offset 2 at position 1


# ---------------------------------------------------------------- compound file writer

def _check_red_black(ole: olefile.OleFileIO, sid: int) -> int:
    """Black height of the sibling tree rooted at sid; asserts red-black and CFB ordering rules."""
    if sid == olefile.NOSTREAM:
        return 1
    entry = ole.direntries[sid]
    left, right = _check_red_black(ole, entry.sid_left), _check_red_black(ole, entry.sid_right)
    assert left == right
    key = (len(entry.name), entry.name.upper())
    for child_sid, sign in ((entry.sid_left, -1), (entry.sid_right, 1)):
        if child_sid != olefile.NOSTREAM:
            child = ole.direntries[child_sid]
            assert sign * ((len(child.name), child.name.upper()) > key) >= 0 and child.name != entry.name
            if entry.color == 0:
                assert child.color == 1  # no red node under a red node
    return left + (entry.color == 1)


def test_cfb_writer_round_trip_and_tree():
    rnd = random.Random(7)
    streams = {"PROJECT": b"ID=\"{x}\"\r\n", "PROJECTwm": b"", "VBA/dir": rnd.randbytes(1273),
               "VBA/big": rnd.randbytes(70_000), "VBA/edge4096": rnd.randbytes(4096),
               "VBA/edge4095": rnd.randbytes(4095)}
    for i in range(37):
        streams[f"VBA/Module{i}"] = rnd.randbytes(rnd.randrange(1, 9000))
    data = write_compound_file(streams)
    assert write_compound_file(streams) == data
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(streams)
    for path, content in streams.items():
        assert ole.openstream(path).read() == content
    for entry in ole.direntries:
        if entry is not None and entry.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
            root = ole.direntries[entry.sid_child] if entry.sid_child != olefile.NOSTREAM else None
            assert root is None or root.color == 1
            _check_red_black(ole, entry.sid_child)


def test_ledger_buttons_sit_above_the_header_row(built):
    """The toolkit appends its columns on the header row (row 2): buttons must not cover them."""
    _, vml = sheet_parts(built["台账模板.xlsm"])["案件台账"]
    root = ET.fromstring(vml)
    anchors = [shape.find("x:ClientData", NS).findtext("x:Anchor", namespaces=NS)
               for shape in root.iter(f"{{{NS['v']}}}shape")
               if shape.find("x:ClientData", NS) is not None
               and shape.find("x:ClientData", NS).get("ObjectType") == "Button"]
    assert len(anchors) == 3
    for anchor in anchors:   # left col, dx, top row, dy, right col, dx, bottom row, dy (0-based)
        numbers = [int(n) for n in anchor.split(",")]
        assert numbers[2] == 0 and numbers[6] == 0, anchor
        assert numbers[4] < 18, anchor   # and left of the toolkit's columns S:W
