"""Running a child process and reading its peak resident memory (the kernel's own figure, via wait4); the CPU time
another process has used (the app server a browser benchmark loads pages from); waiting for the machine to go idle
(so one browser load does not start while the last one is still being torn down)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from govdata import settings


@dataclass
class ChildResult:
    returncode: int
    seconds: float
    peak_rss_mb: float  # ru_maxrss of the child (largest process in its waited-for tree)
    stdout: str
    stderr: str

    def json(self) -> dict:
        """The last line of stdout parsed as JSON (workers print their result there)."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        if self.returncode != 0 or not lines:
            raise RuntimeError(f"child failed (exit {self.returncode}):\n{self.stderr[-3000:]}")
        return json.loads(lines[-1])


def run_child(args: list[str], *, env: dict | None = None, timeout: float = 3600) -> ChildResult:
    """Run `python <args>` from the project root; wall time and peak RSS of exactly this child."""
    full_env = dict(os.environ, **(env or {}))
    full_env["PYTHONPATH"] = str(settings.PROJECT_ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    out_path = Path(f"/tmp/govdata-bench/child-{os.getpid()}-{time.monotonic_ns()}")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{out_path}.out", "w+") as out, open(f"{out_path}.err", "w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, *args], cwd=settings.PROJECT_ROOT, env=full_env, stdout=out, stderr=err
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it; tell Popen
        out.seek(0)
        err.seek(0)
        result = ChildResult(proc.returncode, seconds, usage.ru_maxrss / 1024, out.read(), err.read())
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return result


def current_peak_rss_mb() -> float:
    """Peak RSS of this process so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_cpu_ms(pid: int) -> float | None:
    """User + system CPU time a process has used so far, in ms (Linux /proc); None where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def cpu_idle_ticks() -> tuple[int, int]:
    """(idle, total) clock ticks of all CPUs since boot (Linux /proc/stat; idle includes waiting for I/O)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return fields[3] + fields[4], sum(fields)


def wait_until_idle(
    idle_share: float, window_s: float, windows: int, timeout_s: float, ticks=cpu_idle_ticks
) -> float | None:
    """Wait until the machine's CPUs were at least `idle_share` idle for `windows` windows in a row; the seconds
    waited, or None when `timeout_s` passed first (a machine busy with other work: the caller reports it)."""
    start = time.monotonic()
    calm = 0
    idle_before, total_before = ticks()
    while time.monotonic() - start < timeout_s:
        time.sleep(window_s)
        idle, total = ticks()
        share = (idle - idle_before) / max(1, total - total_before)
        idle_before, total_before = idle, total
        calm = calm + 1 if share >= idle_share else 0
        if calm >= windows:
            return time.monotonic() - start
    return None
