#!/usr/bin/env python3
"""Runs one libFuzzer target for a short smoke time on its seed corpus, as a ctest test.

New inputs the fuzzer finds go to a temporary folder, so the committed seed corpus is never
modified by a test run. Exits non-zero when the fuzzer reports a crash, leak or timeout.
"""
import subprocess
import sys
import tempfile


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: run_fuzz_smoke.py FUZZER SEED_CORPUS_DIR SECONDS", file=sys.stderr)
        return 2
    fuzzer, seeds, seconds = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory() as scratch:
        cmd = [fuzzer, scratch, seeds, f"-max_total_time={seconds}", "-rss_limit_mb=2048",
               "-timeout=10", "-print_final_stats=1"]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tail = proc.stdout.strip().splitlines()[-15:]
    print("\n".join(tail))
    if proc.returncode != 0:
        print(f"fuzzer {fuzzer} failed with exit code {proc.returncode}", file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
