"""法援财务工具箱 / Legal Aid Finance Toolkit."""

__version__ = "0.1.0"
