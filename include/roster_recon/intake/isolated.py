"""Reading a file where a crash is the file's, not the county's: a child process with a memory ceiling and a time limit.

The readers turn every ``Exception`` into a rejection the clerk can act on (``read.read_roster``). What they cannot
catch ends the process that reads: a panic in python-calamine's Rust code reaches Python as ``PanicException``, a
``BaseException``; a Rust ``abort`` or a segmentation fault kills the process; a workbook that inflates past memory
gets the task killed; a reader that never returns holds the county for ever. Read in the task's own process, each
failed the county's ingest every night and no later file was read. Read here, in a child forked from a server that
has the readers imported (cheap per file), each becomes a rejection of that one file, with the reason:
``reader_crashed`` or ``reader_timed_out``.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
from pathlib import Path

from roster_recon import reference
from roster_recon.intake.read import RosterFileError, RosterTable, read_roster, safe_message

READ_MEMORY_MB = 3072  # the reading child's memory beyond what it holds when it starts (a 50 MB workbook needs ~1 GB)
READ_SECONDS = 900  # a reader that takes longer than this on one file has hung

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["roster_recon.intake.read"])


def read_isolated(
    path: Path,
    max_file_mb: float,
    layout: reference.Layout | None = None,
    reader=read_roster,
    memory_mb: int = READ_MEMORY_MB,
    seconds: float = READ_SECONDS,
) -> RosterTable:
    """``reader(path, max_file_mb, layout)`` in a child process; its table, or ``RosterFileError`` for the file."""
    receiving, sending = _context.Pipe(duplex=False)
    child = _context.Process(target=_read_in_child, args=(sending, reader, path, max_file_mb, layout, memory_mb))
    child.start()
    sending.close()
    try:
        if not receiving.poll(seconds):
            child.kill()
            raise _timed_out(seconds)
        try:
            outcome, payload = receiving.recv()
        except (EOFError, OSError):  # the child died before it could answer
            outcome, payload = "died", None
    finally:
        receiving.close()
        child.join(30)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome == "table":
        return payload
    if outcome == "rejected":
        raise RosterFileError(*payload)
    raise _crashed(payload or _how_it_died(child.exitcode))


def _read_in_child(sending, reader, path, max_file_mb, layout, memory_mb) -> None:
    _limit_memory(memory_mb)
    try:
        message = ("table", reader(path, max_file_mb, layout))
    except RosterFileError as error:
        message = ("rejected", (error.code, error.message_zh, error.message_en))
    except BaseException as error:  # a Rust panic (PanicException) is a BaseException; this child ends anyway
        message = ("crashed", f"{type(error).__name__}: {safe_message(error)}")
    try:
        sending.send(message)
    except MemoryError:  # the table read, but too large to hand back within the ceiling
        sending.send(("crashed", "MemoryError: the file's table is too large to hand back"))
    finally:
        sending.close()


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
