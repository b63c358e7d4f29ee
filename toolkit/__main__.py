from toolkit.cli import console

raise SystemExit(console())
