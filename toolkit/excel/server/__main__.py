"""Starts the toolkit's xlwings Server app (the Office.js add-in for Excel on the web, Windows and Mac) over HTTPS.

    python -m toolkit.excel.server --certfile 证书.pem --keyfile 私钥.pem [--host 0.0.0.0] [--port 8000]

Works from any folder: xlwings-server's project folder (custom_functions/, custom_scripts/, templates/,
pyproject.toml settings) is this package's folder, passed as XLWINGS_PROJECT_DIR.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m toolkit.excel.server",
        description="启动法援财务工具箱的 xlwings Server（供 Excel 网页版及 Windows/Mac 版 Excel 加载）。"
                    "Office 加载项只接受 HTTPS，请用 --certfile/--keyfile 给出证书和私钥。")
    p.add_argument("--host", default="127.0.0.1",
                   help="监听地址：127.0.0.1 只供本机使用（默认）；0.0.0.0 供单位内网其他电脑使用")
    p.add_argument("--port", type=int, default=8000, help="端口，默认 8000")
    p.add_argument("--certfile", help="HTTPS 证书文件（PEM 格式），如 mkcert 生成的 192.168.1.10+2.pem")
    p.add_argument("--keyfile", help="证书的私钥文件（PEM 格式），如 192.168.1.10+2-key.pem")
    p.add_argument("--http", action="store_true",
                   help="不用 HTTPS（仅当前面另有负责 HTTPS 的反向代理，如 nginx 时使用）")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.http:
        if not (args.certfile and args.keyfile):
            print("错误：Office 加载项只能从 HTTPS 地址加载，请用 --certfile 和 --keyfile 给出证书和私钥"
                  "（生成方法见 README“Excel 网页版（xlwings Server）”）。", file=sys.stderr)
            return 2
        for option, name in (("--certfile", args.certfile), ("--keyfile", args.keyfile)):
            if not Path(name).is_file():
                print(f"错误：{option} 指定的文件“{name}”不存在。", file=sys.stderr)
                return 2
    if "xlwings" in sys.modules:   # XLWINGS_ON_SERVER only works when set before xlwings is first imported
        print("错误：请用 python -m toolkit.excel.server 启动服务器（xlwings 已在本进程中以桌面模式加载）。",
              file=sys.stderr)
        return 2
    os.environ["XLWINGS_PROJECT_DIR"] = str(PROJECT_DIR)
    os.environ["XLWINGS_ON_SERVER"] = "true"
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
        print("提示：xlwings Server 按 PolyForm Noncommercial 1.0.0 许可使用（非商业用途免费，适用于法律援助中心等"
              "公共机构）；已设置 XLWINGS_LICENSE_KEY=noncommercial。")
    try:
        import uvicorn
        import xlwings_server  # noqa: F401
    except ImportError:
        print('错误：没有安装 xlwings-server。请在工具箱文件夹中执行 .venv/bin/pip install -e ".[server]"'
              '（Windows：.venv\\Scripts\\pip install -e ".[server]"）。', file=sys.stderr)
        return 2
    scheme = "http" if args.http else "https"
    shown = "本机IP" if args.host in ("0.0.0.0", "::") else args.host
    print(f"法援财务工具箱 xlwings Server：{scheme}://{shown}:{args.port}/ ；"
          f"加载项清单下载地址 {scheme}://{shown}:{args.port}/manifest/download 。按 Ctrl+C 停止。", flush=True)
    uvicorn.run("xlwings_server.main:main_app", host=args.host, port=args.port,
                ssl_certfile=None if args.http else args.certfile,
                ssl_keyfile=None if args.http else args.keyfile, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
