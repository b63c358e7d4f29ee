from toolkit.cli.main import console

raise SystemExit(console())
