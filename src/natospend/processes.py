"""Worker processes that never outlive their parent nor answer Ctrl-C themselves (the parent does)."""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time


def die_with_parent() -> None:
    """A worker ends when the process that started it ends, even by SIGKILL: Linux delivers SIGKILL to
    it through prctl(PR_SET_PDEATHSIG); elsewhere a watchdog thread notices the parent is gone."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # 1 = PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="natospend-parent-watchdog").start()


def become_worker() -> None:
    """A pool worker's first step (report workers and ingest's readers alike): die with the parent, and
    ignore Ctrl-C, which the terminal sends to the whole process group: the parent stops the pool and says
    so in one line, instead of every worker printing a traceback."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
