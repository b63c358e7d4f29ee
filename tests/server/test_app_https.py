"""The toolkit's xlwings Server app started as a centre starts it (`python -m toolkit.excel.server`) with a certificate,
on 127.0.0.1 over HTTPS, and driven with the requests the Office.js add-in sends: every LA_ function, every button
script, the manifest, the task pane."""

import asyncio
import copy
import datetime as dt
import html.parser
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import time
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
import xlwings as xw
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from xlwings import server

from remote_book import payload_from_grids, replay, trimmed
from report_fixtures import write_budget, write_ledger, write_targets
from toolkit.excel import buttons
from toolkit.excel import udfs
from toolkit.excel.server import custom_functions, custom_scripts
from toolkit.base.idcard import check_digit
from toolkit.io.excel_read import read_workbook

ROOT = Path(__file__).resolve().parents[2]
SERVER_DIR = ROOT / "toolkit" / "excel" / "server"
BUTTONS = {"compute_subsidy": "计算补贴", "validate_budget": "校验预算", "fill_statistics": "填写统计表",
           "reformat_returns": "整理月报", "draft_report": "生成自评报告"}


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost, as a centre would make with mkcert or openssl."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = folder / "证书.pem", folder / "私钥.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption()))
    return certfile, keyfile


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The running app: (https client, port, certificate file). Started from a folder that is not the toolkit's."""
    folder = tmp_path_factory.mktemp("服务器")
    certfile, keyfile = self_signed(folder)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("XLWINGS_PROJECT_DIR", "XLWINGS_LICENSE_KEY")}
    env["PYTHONPATH"] = str(ROOT)
    log = open(folder / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "toolkit.excel.server", "--port", str(port),
                             "--certfile", str(certfile), "--keyfile", str(keyfile)],
                            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    client = httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=False, timeout=120)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, (folder / "server.log").read_text()
            try:
                if client.get("/").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (folder / "server.log").read_text()
            time.sleep(0.5)
        yield client, port, certfile
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_the_app_speaks_https_with_the_given_certificate(app):
    client, port, certfile = app
    assert client.get("/").json() == {"status": "ok"}
    served = ssl.get_server_certificate(("127.0.0.1", port))
    assert ssl.PEM_cert_to_DER_cert(served) == ssl.PEM_cert_to_DER_cert(certfile.read_text())
    with pytest.raises(httpx.HTTPError):                     # no plain-HTTP answer on the same port
        httpx.get(f"http://127.0.0.1:{port}/", timeout=10)


def test_the_launcher_refuses_to_start_without_a_certificate(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "toolkit.excel.server"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--certfile" in proc.stderr and "HTTPS" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "toolkit.excel.server", "--certfile", "无.pem", "--keyfile", "无.pem"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "“无.pem”不存在" in proc.stderr and "Traceback" not in proc.stderr


class _Buttons(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self._open = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "button" and "xw-click" in attrs:
            self._open = attrs["xw-click"]
            self.found[self._open] = ""

    def handle_data(self, data):
        if self._open:
            self.found[self._open] += data.strip()

    def handle_endtag(self, tag):
        if tag == "button":
            self._open = None


def test_the_task_pane_has_the_five_buttons_bound_to_the_scripts(app):
    client, _, _ = app
    page = client.get("/taskpane.html")
    assert page.status_code == 200
    parser = _Buttons()
    parser.feed(page.text)
    assert parser.found == BUTTONS
    meta = client.get("/xlwings/custom-scripts-meta.json").json()
    assert sorted(m["function_name"] for m in meta) == sorted(BUTTONS)
    for name, label in BUTTONS.items():                     # the label is the script's own description
        assert getattr(custom_scripts, name).__doc__.strip() == label
    assert '=LA_SUBSIDY("刑事","审判")' in page.text
    assert "hello_world" not in page.text


def test_the_manifest_points_at_this_server_over_https(app):
    client, port, _ = app
    text = client.get("/manifest").text
    root = ET.fromstring(text.encode())
    ns = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
          "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
          "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}
    settings = tomllib.loads((SERVER_DIR / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["xlwings_server"]
    assert root.find("o:Id", ns).text == settings["manifest_id_prod"]
    assert root.find("o:DisplayName", ns).get("DefaultValue") == "法援财务工具箱"
    assert root.find("o:DefaultSettings/o:SourceLocation", ns).get("DefaultValue") == \
        f"https://127.0.0.1:{port}/taskpane.html"
    assert root.find(".//v:Namespace", ns) is None           # no namespace: =LA_SUBSIDY(...) as on the desktop
    labels = {s.get("id"): s.get("DefaultValue") for s in root.iterfind(".//bt:String", ns)}
    assert labels["LA.ShowTaskpane.Label"] == "打开工具箱" and "计算补贴" in labels["LA.ShowTaskpane.Tooltip"]
    urls = [e.get("DefaultValue") for e in root.iterfind(".//bt:Url", ns)] + \
           [e.get("DefaultValue") for e in root.iterfind(".//bt:Images/bt:Image", ns)]
    assert len(urls) == 6
    for url in urls:                                          # every address Excel will load answers
        assert url.startswith(f"https://127.0.0.1:{port}/"), url
        assert client.get(url).status_code == 200, url
    download = client.get("/manifest/download")
    assert "attachment" in download.headers["content-disposition"] and download.text == text


def test_the_function_metadata_and_code_name_every_function(app):
    client, _, _ = app
    meta = client.get("/xlwings/custom-functions-meta.json").json()
    names = [f.__name__ for f in udfs.FUNCTIONS]
    assert sorted(f["name"] for f in meta["functions"]) == sorted(names)
    assert {f["name"]: f["description"] for f in meta["functions"]} == \
        {f.__name__: f.__la_udf__["description"] for f in udfs.FUNCTIONS}
    code = client.get("/xlwings/custom-functions-code.js").text
    for name in names:
        assert f'CustomFunctions.associate("{name}", {name});' in code


def valid_id() -> str:
    first17 = "43090219800101001"
    return first17 + check_digit(first17)


def serial(day: dt.date) -> int:
    """A date as a custom function receives it from Excel: the serial number."""
    return (day - dt.date(1899, 12, 30)).days


LEDGER = [["案号", "案件类型", "诉讼阶段", "指派日期"], ["K1", "刑事", "审判", serial(dt.date(2023, 3, 5))],
          ["K2", "民事", "", serial(dt.date(2023, 4, 5))], ["K3", "民事", "", serial(dt.date(2022, 4, 5))]]
# every LA_ function, with arguments as Excel on the web sends them (each a 2-D array), and what the answer must be
CALLS = [
    ("LA_SUBSIDY", ["刑事", "审判", None, None], lambda r: r == [[1500]]),
    ("LA_SUBSIDY", ["刑事", "审查起诉、审判", "最高", None], lambda r: r == [[5000]]),
    ("LA_SUBSIDY", ["刑侦", "审判", None, None], lambda r: r[0][0].startswith("错误：无法识别的案件类型“刑侦”")),
    ("LA_SUBSIDY_RANGE", ["刑事", "审判", None], lambda r: r == [[1500, 3200]]),
    ("LA_SUBSIDY_TOTAL", [[["案件类型"], ["刑事"], [None], ["民事"], ["合计"]],
                          [["诉讼阶段"], ["审判"], [None], [None], [None]], None, None],
     lambda r: r == [[1500 + 1500]]),                        # 刑事·审判 + 民事; header, blank and total skipped
    ("LA_FUND_GAP", [1104000, "46万元", "倍数"], lambda r: r == [[2.4]]),
    ("LA_FUND_GAP", [1104000, "46万元", None], lambda r: r == [[644000]]),
    ("LA_SHARE", [1, 800, None], lambda r: r == [[0.13]]),
    ("LA_CHECK_SUM", [10, [[3.33], [3.33], [3.33]], 0.01], lambda r: r == [["相符"]]),
    ("LA_CHECK_SUM", [10, [[3], [3], [3]], None], lambda r: r[0][0] != "相符" and "1" in str(r[0][0])),
    ("LA_TO_YUAN", ["0.15万", None], lambda r: r == [[1500]]),
    ("LA_ID_CHECK", [valid_id()], lambda r: r == [["正确"]]),
    ("LA_ID_CHECK", [valid_id()[:-1] + ("0" if valid_id()[-1] != "0" else "1")],
     lambda r: r[0][0] != "正确" and valid_id() not in r[0][0]),
    ("LA_STATS", [LEDGER, 2023], lambda r: r[0] == ["项目", "单位", "数值"] and ["法律援助案件合计", "件", 2] in r),
]


def function_body(name, args):
    return {"client": "Office.js", "version": xw.__version__, "runtime": "1.4", "func_name": name,
            "args": [a if isinstance(a, list) else [[a]] for a in args],
            "caller_address": "[沅江台账.xlsx]案件台账!K2"}


def test_every_function_answers_over_https(app):
    client, _, _ = app
    assert {name for name, _, _ in CALLS} == {f.__name__ for f in udfs.FUNCTIONS}
    for name, args, expected in CALLS:
        body = function_body(name, args)
        response = client.post("/xlwings/custom-functions-call", json=body)
        assert response.status_code == 200, (name, response.text)
        result = response.json()["result"]
        assert expected(result), (name, args, result)
        # the same answer as the entry module gives in this process
        assert result == asyncio.run(server.custom_functions_call(copy.deepcopy(body), custom_functions)), name


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    """One workbook holding a ledger, a final-accounts table and performance targets, as Excel sends it."""
    folder = tmp_path_factory.mktemp("工作簿")
    files = [write_budget(folder / "决算.xlsx"), write_ledger(folder / "台账.xlsx"), write_targets(folder / "目标.xlsx")]
    grids = {s.name: s.rows for f in files for s in read_workbook(f)}
    return payload_from_grids("沅江2023.xlsx", grids, active=1)


WRITES = {"compute_subsidy": "补贴汇总", "validate_budget": "校验结果", "fill_statistics": "统计表",
          "draft_report": "自评报告草稿", "reformat_returns": None}


@pytest.mark.parametrize("script", sorted(BUTTONS))
def test_every_button_script_runs_over_https(app, workbook, script):
    client, _, _ = app
    response = client.post(f"/xlwings/custom-scripts-call/{script}", json=workbook)
    assert response.status_code == 200, response.text
    actions = response.json()["actions"]
    local = xw.Book(json=copy.deepcopy(workbook))
    message = buttons.run_job(script, local)
    assert actions == local.json()["actions"]                # what the button does in-process, nothing else
    state = replay(workbook, actions)
    assert state["alerts"] == [message] and "Traceback" not in message
    if WRITES[script]:
        assert state["sheets"][-1] == WRITES[script] and len(state["values"][WRITES[script]]) > 1
        assert not message.startswith(f"“{BUTTONS[script]}”未完成"), message
    else:                                                    # needs local folders: says so, changes nothing
        assert [a["func"] for a in actions] == ["alert"] and "桌面版 Excel" in message
    for sheet in workbook["sheets"]:                         # the user's cells are never changed
        width = max(len(r) for r in sheet["values"])
        assert trimmed([r[:width] for r in state["values"][sheet["name"]]]) == trimmed(sheet["values"]), sheet["name"]


def render(template: str, **settings_values) -> str:
    """A template of the app rendered as xlwings-server renders it, with other settings."""
    import jinja2
    from xlwings_server.config import PACKAGE_DIR, Settings

    settings = Settings(**settings_values)
    env = jinja2.Environment(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(SERVER_DIR / "templates"),
                                                        jinja2.FileSystemLoader(PACKAGE_DIR / "templates")]),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals["url_for"] = lambda name, **kw: f"/{name}/{kw.get('path', '').lstrip('/')}"
    base = "https://fayuan.example:8443"
    return env.get_template(template).render(settings=settings, base_url=base, base_url_with_app_path=base,
                                             manifest_id=settings.manifest_id_prod)


@pytest.mark.parametrize("namespace, environment, typed", [("", "prod", "LA_SUBSIDY"),
                                                           ("fayuan", "prod", "FAYUAN.LA_SUBSIDY"),
                                                           ("fayuan", "dev", "FAYUAN_DEV.LA_SUBSIDY"),
                                                           ("", "dev", "DEV.LA_SUBSIDY")])
def test_the_function_names_follow_the_configured_namespace(namespace, environment, typed):
    """What the README promises users will type, for each setting of XLWINGS_FUNCTIONS_NAMESPACE / ENVIRONMENT."""
    manifest = ET.fromstring(render("manifest.xml", functions_namespace=namespace, environment=environment).encode())
    ns = {"v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
          "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}
    element = manifest.find(".//v:Namespace", ns)
    strings = {s.get("id"): s.get("DefaultValue") for s in manifest.iterfind(".//bt:String", ns)}
    prefix = typed.rpartition(".")[0]
    if prefix:
        assert strings[element.get("resid")] == prefix
    else:
        assert element is None
    pane = render("taskpane.html", functions_namespace=namespace, environment=environment)
    assert f'={typed}("刑事","审判")' in pane


def test_static_files_can_be_fetched_by_xlwings_lite(app):
    """README (xlwings Lite): a wheel copied into toolkit/excel/server/static/ is served under /static/ with the
    cross-origin header Pyodide's download needs (shown here on a file xlwings-server itself serves there)."""
    client, port, _ = app
    icon = "static/images/icons/xlwings-16.png"     # a URL under the app, not a file path
    response = client.get("/" + icon, headers={"Origin": "https://addin.xlwings.org"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers.get("cross-origin-resource-policy", "cross-origin") == "cross-origin"


def test_the_readme_commands_are_the_ones_tested():
    """The start command in README parses with the launcher's options; the Lite wheel command is the tested one."""
    import importlib
    import re
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    launcher = importlib.import_module("toolkit.excel.server.__main__")
    commands = re.findall(r"`([^`]*-m toolkit\.excel\.server[^`]*)`", readme)
    assert commands, "README has no start command"
    for command in commands:
        words = shlex.split(command)
        args = launcher._parser().parse_args(words[words.index("toolkit.excel.server") + 1:])
        assert args.certfile and args.keyfile and args.host == "0.0.0.0"
    assert "`python -m pip wheel --no-deps . -w dist`" in readme
    assert "XLWINGS_FUNCTIONS_NAMESPACE" in readme and "=XLWINGS.LA_SUBSIDY" in readme
