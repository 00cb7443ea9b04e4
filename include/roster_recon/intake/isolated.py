"""Reading a file where a crash is the file's, not the county's: a child process with a memory ceiling and a time limit.

The readers turn every ``Exception`` into a rejection the clerk can act on (``read.read_roster``). What they cannot
catch ends the process that reads: a panic in python-calamine's Rust code reaches Python as ``PanicException``, a
``BaseException``; a Rust ``abort`` or a segmentation fault kills the process; a workbook that inflates past memory
gets the task killed; a reader that never returns holds the county for ever. Read in the task's own process, each
failed the county's ingest every night and no later file was read. Read here, in a child forked from the task
process (cheap: copy-on-write, the readers already imported) under an address-space ceiling and a time limit, each
becomes a rejection of that one file, with the reason: ``reader_crashed`` or ``reader_timed_out``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import faulthandler
import os
import pickle
import resource
import selectors
import signal
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa

from roster_recon import reference
from roster_recon.intake.read import RosterFileError, RosterTable, read_roster, safe_message
from roster_recon.intake.table import TEXT_DTYPE

READ_MEMORY_MB = 8192  # address space the reading child may add to what it holds (a backstop against bombs)
READ_SECONDS = 900  # a reader that takes longer than this on one file has hung


def read_isolated(
    path: Path,
    max_file_mb: float,
    layout: reference.Layout | None = None,
    reader=read_roster,
    memory_mb: int = READ_MEMORY_MB,
    seconds: float = READ_SECONDS,
) -> RosterTable:
    """``reader(path, max_file_mb, layout)`` in a child process; its table, or ``RosterFileError`` for the file.

    The child is a plain ``os.fork`` of the task process (copy-on-write: the readers are already imported), not a
    ``multiprocessing`` child: a Celery worker's task process inherits billiard's daemon flag, and multiprocessing
    refuses children to a daemonic process.
    """
    receiving, sending = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, hand the outcome back, and leave without running the parent's exit handlers
        try:
            os.close(receiving)
            _read_in_child(sending, reader, path, max_file_mb, layout, memory_mb, seconds)
        finally:
            os._exit(0)
    os.close(sending)
    try:
        data, finished = _drain(receiving, seconds)
    finally:
        os.close(receiving)
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if not finished:
        raise _timed_out(seconds)
    try:
        outcome, payload = pickle.loads(data)  # noqa: S301 - our own child's answer, through our own pipe
    except (EOFError, pickle.UnpicklingError, ValueError):  # it died before it could answer
        raise _crashed(_how_it_died(os.waitstatus_to_exitcode(status))) from None
    if outcome == "table":
        return _unpacked(*payload)
    if outcome == "rejected":
        raise RosterFileError(*payload)
    raise _crashed(payload)


def _drain(descriptor: int, seconds: float) -> tuple[bytes, bool]:
    """Everything the child writes until it closes the pipe, and whether that happened within ``seconds``."""
    chunks, deadline = [], time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(descriptor, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                return b"".join(chunks), False
            chunk = os.read(descriptor, 1 << 20)
            if not chunk:
                return b"".join(chunks), True
            chunks.append(chunk)


def _read_in_child(sending, reader, path, max_file_mb, layout, memory_mb, seconds) -> None:
    faulthandler.disable()  # a crash here is the file's, reported by the parent; no interpreter dump in the log
    signal.alarm(int(seconds) + 60)  # should the parent die, the child does not read on for ever
    _limit_memory(memory_mb)
    try:
        message = ("table", _packed(reader(path, max_file_mb, layout)))
    except RosterFileError as error:
        message = ("rejected", (error.code, error.message_zh, error.message_en))
    except BaseException as error:  # a Rust panic (PanicException) is a BaseException; this child ends anyway
        message = ("crashed", f"{type(error).__name__}: {safe_message(error)}")
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except (MemoryError, pickle.PicklingError, TypeError) as error:
        data = pickle.dumps(("crashed", f"the table read could not be handed back ({type(error).__name__})"))
    with os.fdopen(sending, "wb") as pipe:
        pipe.write(data)


def _packed(table: RosterTable) -> tuple[RosterTable, pa.Table, list[str]]:
    """The table to hand back: its frame's Arrow text columns as one Arrow table (pickled as its buffers; a frame
    pickles a Python string per cell, seconds for a 500,000-row export), the rest as it is, and the column order."""
    frame = table.frame
    text = [name for name in frame.columns if frame[name].dtype == TEXT_DTYPE]
    columns = pa.table({name: pa.array(frame[name].array) for name in text})
    return dataclasses.replace(table, frame=frame.drop(columns=text)), columns, list(frame.columns)


def _unpacked(table: RosterTable, columns: pa.Table, order: list[str]) -> RosterTable:
    frame = table.frame
    for name in columns.column_names:
        frame[name] = pd.array(columns.column(name).combine_chunks(), dtype=TEXT_DTYPE)
    table.frame = frame[order]
    return table


def _limit_memory(memory_mb: int) -> None:
    """Cap the child's address space at what it holds now plus ``memory_mb``: past it, allocations fail (a
    ``MemoryError`` the reader turns into a rejection) instead of the kernel killing the task."""
    with open("/proc/self/status", encoding="ascii") as status:
        held_kb = next((int(line.split()[1]) for line in status if line.startswith("VmSize:")), 0)
    ceiling = held_kb * 1024 + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))


def _how_it_died(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"killed by {signal.Signals(-exitcode).name}"
    return f"ended with exit code {exitcode}"


def _crashed(how: str) -> RosterFileError:
    return RosterFileError(
        "reader_crashed",
        "读取该文件时读取程序崩溃，文件可能已损坏；请用 Excel 或 WPS 打开后另存为 .xlsx 再报送",
        f"the reader crashed on this file ({how}); the file may be damaged: open it in Excel or WPS, save it as .xlsx"
        " and send it again",
    )


def _timed_out(seconds: float) -> RosterFileError:
    return RosterFileError(
        "reader_timed_out",
        "读取该文件超时，文件可能已损坏或过于复杂；请用 Excel 或 WPS 打开后另存为 .xlsx（只保留台账表）再报送",
        f"reading the file took more than {seconds:.0f} s; it may be damaged or too complex: open it in Excel or"
        " WPS, keep only the roster sheet, save it as .xlsx and send it again",
    )
