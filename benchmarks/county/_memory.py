"""What a stage and the processes it starts hold together, sampled from outside.

A stage's own peak (``VmHWM``) leaves out the map workers it forks, and adding each worker's
peak resident memory counts the pages a forked worker shares with its parent and with the
other workers once in every process: an upper bound, well above what the machine held. The
runner therefore samples, from its own process (so that nothing is charged to the stage's
CPU seconds), the proportional set size (PSS) of every process in the stage's session: a
page shared by ``n`` processes counts ``1/n`` in each, so the sum over the processes is the
memory they held together at that moment. Its peak over the samples is
``tree_pss_peak_mb``; a spike shorter than the interval can fall between two samples.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

#: Seconds between two samples.
INTERVAL_S = 0.2


def _session(pid: str) -> int | None:
    """The session of process ``pid`` (None if it has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # after the command's closing parenthesis: state, ppid, pgrp, session
    return int(stat.rsplit(")", 1)[1].split()[3])


def _pss_kb(pid: str) -> int:
    """Process ``pid``'s proportional set size in kB (0 if it has ended)."""
    try:
        with Path(f"/proc/{pid}/smaps_rollup").open(encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def session_pss_kb(session: int) -> tuple[int, int]:
    """The PSS of every live process in ``session`` summed (kB), and how many there were."""
    total = count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and _session(entry.name) == session:
            kb = _pss_kb(entry.name)
            if kb:
                total += kb
                count += 1
    return total, count


class TreeMemory(threading.Thread):
    """Samples the PSS of a session's processes every :data:`INTERVAL_S` seconds until
    :meth:`stop`; :meth:`result` is the peak and the processes alive at it."""

    def __init__(self, session: int, interval: float = INTERVAL_S) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.interval = interval
        self.peak_kb = 0
        self.processes_at_peak = 0
        self.samples = 0
        self._stopped = threading.Event()

    def run(self) -> None:
        while True:
            kb, count = session_pss_kb(self.session)
            self.samples += 1
            if kb > self.peak_kb:
                self.peak_kb, self.processes_at_peak = kb, count
            if self._stopped.wait(self.interval):
                return

    def stop(self) -> None:
        self._stopped.set()
        self.join()

    def result(self) -> dict[str, float | int]:
        if not self.peak_kb:
            return {}
        return {
            "tree_pss_peak_mb": round(self.peak_kb / 1024, 1),
            "tree_processes_at_peak": self.processes_at_peak,
            "tree_samples": self.samples,
        }
