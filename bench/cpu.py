"""CPU time of whole process trees, read from /proc: what every process of a benchmark spent
(user + system), so that a run can say how many CPU-milliseconds one order cost.

A group is named by its root pids (a service we spawned, the process listening on Kafka's port,
Postgres' postmaster); it counts each root and every living descendant, plus the time of
descendants that already exited (the `cutime`/`cstime` their parent collected), so Postgres
backends that came and went during a run are counted too."""

import os
from collections.abc import Iterable
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK")


def stat_ticks(stat: str) -> tuple[int, int]:
    """`(own, reaped)` clock ticks from a /proc/<pid>/stat line: utime+stime, cutime+cstime.
    The command name (field 2) may hold spaces and parentheses: fields are read after its
    last `)`."""
    fields = stat[stat.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17.
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return utime + stime, cutime + cstime


def parent_of(stat: str) -> int:
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def _stats() -> dict[int, str]:
    out = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                out[int(entry.name)] = (entry / "stat").read_text()
            except OSError:
                continue  # exited while we looked
    return out


def descendants(roots: Iterable[int], parents: dict[int, int]) -> set[int]:
    """Every pid under `roots` (roots included) in a `{pid: parent pid}` table."""
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    seen: set[int] = set()
    todo = [r for r in roots if r in parents]
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo.extend(children.get(pid, ()))
    return seen


def listening_pid(port: int) -> int | None:
    """The process holding a TCP listening socket on `port` (needs to read other processes'
    fds: the same user, or root)."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{cols[9]}]")
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(entry.name)
        except OSError:
            continue
    return None


class CpuMeter:
    """`sample()` returns CPU seconds per group since `start()`."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = {name: [p for p in pids if p] for name, pids in groups.items()}
        self.base: dict[str, float] = {}

    def totals(self) -> dict[str, float]:
        stats = _stats()
        parents = {pid: parent_of(s) for pid, s in stats.items()}
        out = {}
        for name, roots in self.groups.items():
            ticks = 0
            for pid in descendants(roots, parents):
                own, reaped = stat_ticks(stats[pid])
                ticks += own + reaped
            out[name] = ticks / TICK
        return out

    def start(self) -> None:
        self.base = self.totals()

    def sample(self) -> dict[str, float]:
        now = self.totals()
        return {name: now[name] - self.base.get(name, 0.0) for name in now}


def per_unit_ms(cpu_seconds: float, units: int) -> float:
    """CPU-milliseconds per order (or request); 0 when nothing was done."""
    return cpu_seconds * 1000 / units if units else 0.0
