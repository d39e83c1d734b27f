"""Shared by the functional tests: a tally of named checks, a way to run the tonari binary, the
frame every test runs in, and two small helpers (polling for a condition, a process's memory).

Each check that fails is printed at once with what was expected; `finish()` prints the totals
and gives the process exit code, so every test ends with "N passed, M failed".
"""
import argparse
import subprocess
import tempfile
import time
import traceback


class Checks:
    def __init__(self, tonari):
        self.tonari = tonari
        self.checks = 0
        self.failures = []

    def check(self, cond, what):
        self.checks += 1
        if not cond:
            self._record(what)

    def fail(self, what):
        """A check that failed outright (a crash, a dead process)."""
        self.checks += 1
        self._record(what)

    def _record(self, what):
        self.failures.append(what)
        print(f"FAIL: {what}")

    def run(self, *args, stdin_text=None, timeout=120):
        """Runs tonari with the arguments; a death by signal is itself a failure."""
        proc = subprocess.run([self.tonari, *args], input=stdin_text, capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode < 0:
            self.fail(f"tonari {' '.join(args)[:80]} died with signal {-proc.returncode}")
        return proc

    def finish(self):
        passed = self.checks - len(self.failures)
        print(f"{passed} passed, {len(self.failures)} failed")
        return 1 if self.failures else 0


def poll(fn, timeout, interval=0.05):
    """Calls fn until it returns a truthy value or the deadline passes; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def memory_mb(pid, field):
    """VmRSS / VmHWM (peak) of a process, in MiB, from /proc."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_test(body, prefix, extra_options=()):
    """Runs body(r, opts, tmp) as a functional test: parses --tonari and --data (and any
    `extra_options`, e.g. "--toxdriver", as optional strings), gives it a
    Checks and a scratch directory (removed afterwards), counts a crash of the test itself as a
    failure rather than a traceback, and prints the time taken and the totals. `body` ends the
    processes it started (in a `finally`). Returns the exit code."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonari", required=True)
    ap.add_argument("--data", required=False)
    for option in extra_options:
        ap.add_argument(option, required=False)
    opts = ap.parse_args()
    r = Checks(opts.tonari)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        try:
            body(r, opts, tmp)
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            traceback.print_exc()
            r.fail(f"unexpected {type(e).__name__}: {e}")
    print(f"({time.monotonic() - started:.1f}s)")
    return r.finish()
