"""The batch of the monthly-returns job over a folder: listing, reading each return, writing its standardised
workbook (in worker processes when asked), then 统计月报汇总.xlsx, 汇总.xlsx and 处理日志.json. Shell code shared by
`legalaid reformat` and the 整理月报 button; every decision is toolkit.monthly.job's, and progress goes to the
callback the caller passes in.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from toolkit.base.errors import InputError, describe_failure, guarded, is_panic
from toolkit.io.atomic import clean_stale, write_bytes_atomic
from toolkit.io.excel_read import read_workbook
from toolkit.io.xlsx.table_writer import RowRenderer, RowXml, write_xlsx
from toolkit.monthly.job import (LOG_FILE, OUTPUT_FOLDER, RETURN_SUFFIXES, STATS_FILE, SUMMARY_FILE, BatchOutcome,
                                 decide_return, failed_record, output_names, return_record,
                                 stat_form_tables, summary_layout, summary_tables)
from toolkit.monthly.normalise import FAILED, ReturnTemplate

IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}

Progress = Callable[[int, int], None]


def list_returns(in_dir: Path) -> list[Path]:
    """Every file under the folder, sorted, except hidden files and Office lock files (~$…)."""
    found = []
    for root, dirs, files in os.walk(in_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith((".", "~$")) or name.lower() in IGNORED_NAMES:
                continue   # hidden and lock files; a pipe or device is listed and then refused by _process
            found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(in_dir).as_posix())


def check_folders(in_dir: Path, out_dir: Path) -> None:
    if not in_dir.exists():
        raise InputError(f"输入文件夹“{in_dir}”不存在。")
    if not in_dir.is_dir():
        raise InputError(f"“{in_dir}”不是文件夹，请给出存放月报的文件夹。")
    src, dst = in_dir.resolve(), out_dir.resolve()
    if dst == src or src in dst.parents:
        raise InputError("输出文件夹不能是输入文件夹或其中的子文件夹（以免改动或混入收到的月报），请换一个位置。")
    if dst.exists() and not dst.is_dir():
        raise InputError(f"输出位置“{out_dir}”是一个文件，不是文件夹。")
    if (dst / OUTPUT_FOLDER) == src or (dst / OUTPUT_FOLDER) in src.parents:
        raise InputError(f"输入文件夹不能位于输出文件夹的“{OUTPUT_FOLDER}”中。")



# ---------------------------------------------------------------- one file (runs in a worker process)


@dataclass(frozen=True)
class RunContext:
    template: ReturnTemplate
    aliases: dict
    out_folder: str
    show_id: bool
    items: dict | None = None        # the user's 项目对照 for statistics forms


_CTX: RunContext | None = None


def _init_worker(ctx: RunContext) -> None:
    global _CTX
    _CTX = ctx


def _read(path: Path):
    return read_workbook(path)


def process_file(task: tuple[str, str, str | None]) -> dict:
    """Read, normalise and rewrite one return; the record the log and the consolidated workbook need. Any failure
    (a Rust panic included) is that file's failure, said in Chinese by the one error boundary."""
    path, rel, out_name = task
    record, failure = guarded(_process, Path(path), rel, out_name, _CTX)
    if failure is None:
        return record
    message, _ = failure
    return failed_record(rel, f"{message}已跳过。")


def _process(path: Path, rel: str, out_name: str | None, ctx: RunContext) -> dict:
    if path.suffix.lower() not in RETURN_SUFFIXES:
        reason = (f"不是表格文件（{path.suffix or '无扩展名'}），已跳过；月报应为 .xlsx、.xlsm、.xls 或 .csv。")
        return failed_record(rel, reason)
    if not path.is_file():   # a pipe or device named like a return would block the reader
        return failed_record(rel, "不是普通文件（可能是管道或设备），已跳过。")
    try:
        sheets = _read(path)
    except InputError as exc:
        return failed_record(rel, exc.message + "已跳过。")
    decision = decide_return(sheets, rel, path.stem, ctx.template, ctx.aliases, ctx.items, ctx.show_id)
    if decision.result.status == FAILED:
        return return_record(decision.result, None, [])
    renderer = _renderer(ctx.template)
    # rendered here, and sent back as UTF-8 bytes (cheap to pickle and to fill in; wrapped as RowXml by the batch)
    summary = [xml.encode("utf-8") for xml in renderer.render_rows(decision.summary, 0)]
    write_xlsx(Path(ctx.out_folder) / out_name, decision.sheets,
               durable=False)   # synced once after the batch
    return return_record(decision.result, out_name, summary, decision.period_sums)


_RENDERERS: dict = {}


def _renderer(template: ReturnTemplate) -> RowRenderer:
    """Renders 汇总 rows in the worker; the summary sheet is written first, so its styles match these."""
    known = _RENDERERS.get(id(template))      # (by identity: hashing a template costs ≈ 15 µs a file)
    if known is None or known[0] is not template:
        known = _RENDERERS[id(template)] = (template, RowRenderer(summary_layout(template).formats))
    return known[1]


# ---------------------------------------------------------------- the batch


def process_files(tasks: list[tuple[str, str, str | None]]) -> list[dict]:
    """process_file for a few tasks at once: one round trip to a worker process for several files."""
    return [process_file(task) for task in tasks]


def _chunks(count: int, jobs: int) -> list[list[int]]:
    """Task indexes in runs of up to 8: few enough round trips, and at least 8 runs per worker to share out."""
    size = max(1, min(8, count // (jobs * 8)))
    return [list(range(i, min(i + size, count))) for i in range(0, count, size)]


def run_batch(tasks: list[tuple[str, str, str]], ctx: RunContext, jobs: int, progress: Progress | None = None
              ) -> list[dict]:
    """Process every task, in parallel processes when jobs > 1; a crashed worker fails only its own file."""
    results: list[dict | None] = [None] * len(tasks)
    done = 0
    if jobs <= 1 or len(tasks) <= 1:
        _init_worker(ctx)
        for i, task in enumerate(tasks):
            results[i] = process_file(task)
            done += 1
            if progress:
                progress(done, len(tasks))
        return results
    # (imported here: a --jobs 1 run and the button's single process need none of it)
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    broken = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(ctx,)) as pool:
        pending = {pool.submit(process_files, [tasks[i] for i in run]): run for run in _chunks(len(tasks), jobs)}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                run = pending.pop(future)
                try:
                    records = future.result()
                except BrokenProcessPool:
                    broken.extend(run)
                    continue
                except BaseException as exc:   # e.g. a result that could not be sent back (PicklingError)
                    if isinstance(exc, KeyboardInterrupt) or not (isinstance(exc, Exception) or is_panic(exc)):
                        raise
                    if len(run) > 1:           # which file's? each again on its own
                        for i in run:
                            try:
                                pending[pool.submit(process_files, [tasks[i]])] = [i]
                            except BrokenProcessPool:
                                broken.append(i)
                        continue
                    records = [failed_record(tasks[run[0]][1], f"{describe_failure(exc)[0]}已跳过。")]
                for i, record in zip(run, records):
                    results[i] = record
                    done += 1
                    if progress:
                        progress(done, len(tasks))
    # a worker died (not an exception: a crash): retry each affected file alone, so only the culprit fails
    for i in sorted(broken):
        with ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=(ctx,)) as pool:
            try:
                results[i] = pool.submit(process_file, tasks[i]).result()
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                results[i] = failed_record(tasks[i][1], "处理该文件时程序崩溃（可能是文件结构异常），已跳过。")
        done += 1
        if progress:
            progress(done, len(tasks))
    return results


def _remove_stale(out_dir: Path, produced: set[str]) -> None:
    """Delete per-file outputs a previous run listed in its log that this run did not produce again."""
    previous = out_dir / LOG_FILE
    try:
        old = json.loads(previous.read_text(encoding="utf-8"))
        names = {d.get("output") for d in old.get("files_detail", [])}
    except (OSError, ValueError, AttributeError):
        return
    folder = out_dir / OUTPUT_FOLDER
    for name in names - produced - {None}:
        target = folder / name
        if isinstance(name, str) and target.parent == folder and target.suffix == ".xlsx":
            try:
                target.unlink()
            except FileNotFoundError:
                pass


def reformat_folder(in_dir: Path, out_dir: Path, template: ReturnTemplate, aliases: dict, items: dict | None = None,
                    jobs: int = 1, show_id: bool = False, progress: Progress | None = None) -> BatchOutcome:
    """Every return under in_dir into out_dir: 整理后月报/, 统计月报汇总.xlsx (when there are statistics forms),
    汇总.xlsx and 处理日志.json. The inputs are never modified; re-running replaces the previous results."""
    check_folders(in_dir, out_dir)
    files = list_returns(in_dir)
    if not files:
        raise InputError(f"输入文件夹“{in_dir}”中没有文件。")
    rels = [p.relative_to(in_dir).as_posix() for p in files]
    names = output_names(rels)
    folder = out_dir / OUTPUT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    clean_stale(folder)   # temp files of a run killed while writing
    ctx = RunContext(template, aliases, str(folder), bool(show_id), items or {})
    records = run_batch([(str(p), rel, name) for p, rel, name in zip(files, rels, names)], ctx, jobs, progress)

    if hasattr(os, "sync"):
        os.sync()                # the per-file outputs reach the disk before the log that lists them
    _remove_stale(out_dir, {r["output"] for r in records if r["output"]})
    stat_sheets, stat_count = stat_form_tables(records)
    if stat_sheets:
        write_xlsx(out_dir / STATS_FILE, stat_sheets)
    else:
        (out_dir / STATS_FILE).unlink(missing_ok=True)   # a previous run's consolidation of forms no longer there
    for record in records:     # the 汇总 rows the workers rendered, as the writer takes them
        record["summary_rows"] = [RowXml(xml) for xml in record["summary_rows"]]
    write_xlsx(out_dir / SUMMARY_FILE, summary_tables(records, template))
    outcome = BatchOutcome(records, stat_count, str(out_dir))
    text = json.dumps(outcome.log(), ensure_ascii=False, indent=2)
    write_bytes_atomic(out_dir / LOG_FILE, text.encode("utf-8"))
    return outcome
