"""A uvicorn worker process that outlives `afterclass serve` stops by itself.

With several workers, uvicorn's supervisor (the `afterclass serve` process) starts them as its
children. Killed with SIGKILL, the supervisor cannot stop them: they would keep the port and
answer with old code, and a restarted server could not bind it. Each worker therefore watches
its parent, like the background worker does (`afterclass worker --parent`), and shuts down
gracefully (SIGTERM to itself) once the parent is gone."""

from __future__ import annotations

import os
import signal
import threading
import time

# `afterclass serve` names itself here before it starts uvicorn.
SERVER_PID = "AFTERCLASS_SERVER_PID"
CHECK_EVERY = 1.0  # seconds


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(CHECK_EVERY)
    os.kill(os.getpid(), signal.SIGTERM)


def watch_server_if_child() -> bool:
    """In a worker process that `afterclass serve` started, stop when it is gone; returns
    whether this process is such a worker (not the server itself, nor any other process)."""
    raw = os.environ.get(SERVER_PID, "")
    if not raw.isdigit() or os.getppid() != int(raw):
        return False
    threading.Thread(target=_watch, args=(int(raw),), name="server-watch", daemon=True).start()
    return True
