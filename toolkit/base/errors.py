"""Errors the user sees: always Chinese, always naming where the problem is."""

from __future__ import annotations


class InputError(Exception):
    """An input the toolkit cannot use at all (exit code 2).

    The message is Simplified Chinese and names the file (and sheet, row, column where known).
    """

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 row: int | None = None, column: str | None = None):
        self.message = message
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(self.describe())

    def describe(self) -> str:
        prefix = place_text(self.file, self.sheet, self.row, self.column)
        return f"{prefix}：{self.message}" if prefix else self.message


def place_text(file: str | None = None, sheet: str | None = None, row: int | None = None,
               column: str | None = None) -> str:
    """文件“台账.xlsx”，工作表“案件台账”，第12行，“案件类型”列 — whichever parts are known."""
    where = []
    if file:
        where.append(f"文件“{file}”")
    if sheet:
        where.append(f"工作表“{sheet}”")
    if row:
        where.append(f"第{row}行")
    if column:
        where.append(f"“{column}”列")
    return "，".join(where)


def is_panic(exc: BaseException) -> bool:
    """A Rust panic raised through pyo3 (pyo3_runtime.PanicException derives from BaseException, not Exception)."""
    return type(exc).__name__ == "PanicException"


_ERRNO_TEXT = {
    "EROFS": "文件夹只读（所在磁盘或文件夹不允许写入）",
    "ENOSPC": "磁盘已满",
    "EDQUOT": "磁盘配额已用完",
    "EACCES": "没有权限",
    "EPERM": "没有权限",
    "ENOENT": "文件或文件夹不存在",
    "ENOTDIR": "路径中有一部分不是文件夹",
    "EISDIR": "这是一个文件夹，不是文件",
    "EEXIST": "同名文件已存在",
    "ENAMETOOLONG": "文件名或路径太长",
    "EMFILE": "同时打开的文件太多",
    "EBUSY": "文件正被其他程序使用",
    "ETXTBSY": "文件正被其他程序使用",
    "EIO": "磁盘读写出错",
    "EFBIG": "文件太大",
    "EINVAL": "文件名或参数无效",
}


def os_error_text(exc: OSError) -> str:
    """An OS error in Chinese: 文件夹只读 / 磁盘已满 / 没有权限 …, with the file it concerns when known."""
    import errno as _errno

    name = _errno.errorcode.get(exc.errno or 0, "")
    if isinstance(exc, PermissionError) and not name:
        name = "EACCES"
    text = _ERRNO_TEXT.get(name) or "操作系统报告了错误"
    if getattr(exc, "winerror", None) in (32, 33):
        text = "文件正被其他程序使用（例如已在 Excel 中打开），请关闭后再试"
    where = exc.filename if exc.filename is not None else None
    return f"{text}（{where}）" if where else text


def describe_failure(exc: BaseException) -> tuple[str, int]:
    """The one error boundary: any failure as (Chinese message, exit code), never a traceback.

    InputError → its message, 2; OS errors → 文件夹只读 / 磁盘已满 / 没有权限 …, 2; MemoryError and Rust panics → what
    happened in plain words, 2; anything else → the internal-error sentence, 2. Every message is masked."""
    from toolkit.base.idcard import mask_text

    if isinstance(exc, InputError):
        return mask_text(exc.describe()), 2
    if isinstance(exc, OSError):
        return mask_text(f"无法读写文件：{os_error_text(exc)}。原有的输出文件保持不变。"), 2
    if isinstance(exc, MemoryError):
        return "内存不足，无法处理这么大的输入。请拆分文件后再处理。", 2
    if isinstance(exc, RecursionError):
        return "输入的结构嵌套过深（如规则中的括号层数太多），无法处理。请简化后再试。", 2
    if is_panic(exc):
        return "读取文件时遇到无法处理的内容（例如超出范围的日期或数值），文件可能已损坏。请在 Excel 中检查后另存再处理。", 2
    detail = mask_text(f"{type(exc).__name__}: {exc}")[:300]
    return f"处理时发生意外问题（{detail}）。请把此信息和输入文件交给技术人员。", 2


def guarded(func, *args, **kwargs):
    """Call func; on any failure (including a Rust panic) return (None, (message, exit code)) instead of raising.
    KeyboardInterrupt and SystemExit pass through."""
    try:
        return func(*args, **kwargs), None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:   # noqa: B036 — a pyo3 PanicException derives from BaseException
        if not isinstance(exc, Exception) and not is_panic(exc):
            raise
        return None, describe_failure(exc)
