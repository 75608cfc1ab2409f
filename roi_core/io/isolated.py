"""Reading a file in a child process with memory and CPU limits.

The served app runs every viewer's session in one server process: a reader that aborts
(python-calamine panics and aborts when an allocation fails, which no ``except`` catches),
runs out of memory or spins would take every viewer down with it. Here the bytes are read
in a child process forked from a small server that has the readers imported
(multiprocessing's ``forkserver``), with a data-size limit (``RLIMIT_DATA``: the memory a
process writes, heap and private mappings) and a CPU-time limit (``RLIMIT_CPU``), and a
wall-clock deadline. Not an address-space limit (``RLIMIT_AS``): V8 (vl-convert's chart
renderer, the report) and a JVM reserve address space they never use, and would not start.
Whatever happens to the child becomes one ``InputError`` naming the file; the child's
memory is given back to the system when it exits, and the parent only ever holds the typed
result.

The upload size limit is enforced here too, before any byte is sent to the child (the
browser's limit is only a convenience of the page).

>>> load_bytes(b"Campagne;Canal;Co\\xfbt;Leads;Clients\\nA;Emailing;100;10;1\\n",
...            "x.csv").funnel["leads"].tolist()
[10.0]
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from roi_core.errors import InputError
from roi_core.io.read import MAX_FILE_BYTES

__all__ = ["run", "load_bytes", "inspect_bytes", "read_bytes", "load_workbook",
           "check_size", "MEMORY_LIMIT_BYTES", "CPU_LIMIT_SECONDS", "WALL_LIMIT_SECONDS"]

# What one read may cost, beyond what the child holds when it starts (the imported readers).
MEMORY_LIMIT_BYTES = int(os.environ.get("ROI_READ_MEMORY_MB", "2048")) * 2**20
CPU_LIMIT_SECONDS = int(os.environ.get("ROI_READ_CPU_SECONDS", "60"))
WALL_LIMIT_SECONDS = int(os.environ.get("ROI_READ_WALL_SECONDS", "120"))

T = TypeVar("T")
_CONTEXT: Any = None


def _context() -> Any:
    global _CONTEXT
    if _CONTEXT is None:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
            else "spawn"
        _CONTEXT = multiprocessing.get_context(method)
        if method == "forkserver":
            # Imported once in the fork server: each read then starts in milliseconds.
            _CONTEXT.set_forkserver_preload(["roi_core.io", "roi_core.importers",
                                             "python_calamine", "openpyxl"])
    return _CONTEXT


def _data_size() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(conn: Any, func: Callable[..., Any], args: tuple, kwargs: dict[str, object],
           memory: int, cpu: int) -> None:
    limit = _data_size() + memory
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        outcome: tuple[str, Any] = ("ok", func(*args, **kwargs))
    except InputError as exc:
        outcome = ("input", exc)
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as exc:  # noqa: BLE001 - a reader's panic is not an Exception
        outcome = ("crash", f"{type(exc).__name__}: {str(exc)[:200]}")
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send(("memory", None))
    conn.close()


def _limits_text(memory: int, cpu: int) -> str:
    return f"{memory / 2**30:g} GB of memory, {cpu} s of computing"


def run(func: Callable[..., T], *args: object, name: str = "",
        memory_bytes: int | None = None, cpu_seconds: int | None = None,
        wall_seconds: int | None = None, fork: bool = False,
        kwargs: dict[str, object] | None = None) -> T:
    """``func(*args, **kwargs)`` in a child process with memory and CPU limits; its result back.

    ``func`` must be a module-level function (it is sent by reference). An ``InputError``
    raised in the child is raised here; an abort, a crash, running out of memory, CPU time
    or time become one ``InputError`` naming ``name``. ``fork=True`` forks the caller itself
    (the command line: single-threaded, its output inherited) instead of the fork server.

    >>> run(len, b"abc", name="x")
    3
    """
    memory = memory_bytes or MEMORY_LIMIT_BYTES
    cpu = cpu_seconds or CPU_LIMIT_SECONDS
    wall = wall_seconds or WALL_LIMIT_SECONDS
    ctx = multiprocessing.get_context("fork") if fork else _context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, func, args, kwargs or {}, memory, cpu),
                       daemon=True)
    proc.start()
    sender.close()
    outcome: tuple[str, Any] | None = None
    deadline = time.monotonic() + wall
    try:
        while outcome is None:
            if receiver.poll(0.2):
                try:
                    outcome = receiver.recv()
                except (EOFError, OSError):
                    break
            elif not proc.is_alive():
                if receiver.poll(0):
                    continue
                break
            elif time.monotonic() > deadline:
                outcome = ("timeout", None)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receiver.close()
    limits = _limits_text(memory, cpu)
    if outcome is None:
        code = proc.exitcode
        if code is not None and code < 0 and -code in (signal.SIGXCPU, signal.SIGKILL):
            why = "reading it took longer than allowed"
        else:
            why = "the reader stopped: the file asks for more memory than allowed"
        raise InputError(f"the file cannot be read ({why}; limits: {limits})", file=name,
                         expected="an Excel workbook or CSV file of ordinary size")
    status, payload = outcome
    if status == "ok":
        return payload  # type: ignore[no-any-return]
    if status == "input":
        raise payload
    why = {"memory": "it needs more memory than allowed",
           "timeout": "reading it took longer than allowed",
           }.get(status, f"the reader failed: {payload}")
    raise InputError(f"the file cannot be read ({why}; limits: {limits})", file=name,
                     expected="an Excel workbook or CSV file of ordinary size")


def check_size(data: bytes, name: str, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuse bytes past ``max_bytes`` before any parse (the server side of an upload limit).

    >>> check_size(b"x" * 11, "big.csv", max_bytes=10)
    Traceback (most recent call last):
    ...
    roi_core.errors.InputError: big.csv: the file is 0.0 MB, over the 0.0 MB upload limit.
    """
    if len(data) > max_bytes:
        raise InputError(f"the file is {len(data) / 2**20:.1f} MB, over the "
                         f"{max_bytes / 2**20:.1f} MB upload limit", file=name)


def load_bytes(data: bytes, name: str, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """``roi_core.io.load_bytes`` in a limited child process (the app's uploads)."""
    from roi_core.io import workbook

    check_size(data, name, max_bytes)
    return run(workbook.load_bytes, data, name, name=name)


def inspect_bytes(data: bytes, name: str, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """``roi_core.io.inspect_bytes`` in a limited child process."""
    from roi_core.io import workbook

    check_size(data, name, max_bytes)
    return run(workbook.inspect_bytes, data, name, name=name)


def read_bytes(data: bytes, name: str, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """``roi_core.io.read_bytes`` (the raw tables) in a limited child process."""
    from roi_core.io import read

    check_size(data, name, max_bytes)
    return run(read.read_bytes, data, name, name=name)


def load_workbook(path: str | Path) -> Any:
    """``roi_core.io.load_workbook`` of a file or folder in a limited child process."""
    from roi_core.io import workbook

    return run(workbook.load_workbook, Path(path), name=Path(path).name)
