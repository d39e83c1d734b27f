"""Shared by the functional tests: a tally of named checks and a way to run the tonari binary.

Each check that fails is printed at once with what was expected; `finish()` prints the totals
and gives the process exit code, so every test ends with "N passed, M failed".
"""
import subprocess


class Checks:
    def __init__(self, tonari):
        self.tonari = tonari
        self.checks = 0
        self.failures = []

    def check(self, cond, what):
        self.checks += 1
        if not cond:
            self.fail(what)

    def fail(self, what):
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
