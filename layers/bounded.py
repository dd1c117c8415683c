"""Reading an untrusted file in a child process bounded in time and memory.

GDAL reads inside the C library: a file that makes it spin or swell (a GeoPackage view that
computes rows, a pathological GeoJSON) cannot be interrupted from Python. The read runs in a
forked child, killed when its resident memory grows by more than ``memory_bytes`` or after
``seconds``; the parent gets the result or a clear refusal, and carries on.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable

from core.errors import InvalidInput, PartnerstwaError

PAGE = os.sysconf("SC_PAGE_SIZE")
POLL_SECONDS = 0.02


def _resident(pid: int) -> int:
    """Resident memory of a process, in bytes (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _child(conn, function, args, kwargs) -> None:
    try:
        conn.send(("ok", function(*args, **kwargs)))
    except PartnerstwaError as exc:
        conn.send(("error", type(exc).__name__, exc.message, exc.where))
    except MemoryError:
        conn.send(("memory",))
    finally:
        conn.close()


def run_bounded(function: Callable, *args, seconds: float, memory_bytes: int, where: str,
                **kwargs):
    """``function(*args, **kwargs)`` in a forked child, or ``InvalidInput`` when it needs
    more than ``seconds`` or ``memory_bytes`` (or dies). Errors of the project's hierarchy
    raised in the child are raised again here."""
    if "fork" not in multiprocessing.get_all_start_methods() or not os.path.exists(
            f"/proc/{os.getpid()}/statm"):
        return function(*args, **kwargs)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, function, args, kwargs), daemon=True)
    # The child starts as a copy of this process: only what it adds counts.
    start, base = time.monotonic(), _resident(os.getpid())
    child.start()
    send.close()
    answer = None
    try:
        # Watched from here rather than limited by setrlimit: a limit on address space also
        # stops the thread stacks and arenas GDAL and Arrow reserve without using them.
        while not receive.poll(POLL_SECONDS):
            if not child.is_alive() and not receive.poll(0):
                answer = ("died",)
                break
            if time.monotonic() - start > seconds:
                raise InvalidInput("reading the file took longer than %(seconds)g s; refused"
                                   " (a layer that computes its rows, or a file far larger"
                                   " than its features?)", where=where, seconds=seconds)
            if _resident(child.pid) - base > memory_bytes:
                answer = ("memory",)
                break
        if answer is None:
            try:
                answer = receive.recv()
            except EOFError:
                answer = ("died",)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if answer[0] == "ok":
        return answer[1]
    if answer[0] == "error":
        from core import errors

        raise getattr(errors, answer[1], InvalidInput)(answer[2], where=answer[3])
    if answer[0] == "died":
        raise InvalidInput("the reader stopped without an answer (the file made GDAL fail);"
                           " refused", where=where)
    raise InvalidInput("reading the file needed more than %(value)s MiB of"
                       " memory; refused", where=where, value=memory_bytes // 2 ** 20)
