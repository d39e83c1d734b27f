#!/usr/bin/env python3
"""Checks that the include-direction lint catches violations (so the lint test can fail)."""
import pathlib
import subprocess
import sys
import tempfile

LINT = pathlib.Path(__file__).with_name("check_includes.py")


def run(tree: dict) -> int:
    with tempfile.TemporaryDirectory() as d:
        for rel, text in tree.items():
            p = pathlib.Path(d, rel)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        return subprocess.run([sys.executable, str(LINT), d], capture_output=True).returncode


def main() -> int:
    cases = [
        ("upward include", {"util/a.h": '#include "crypto/sha256.h"\n'}, 1),
        ("downward include", {"crypto/a.h": '#include "util/hex.h"\n'}, 0),
        ("kernel includes asio", {"bitcoin/consensus/a.cpp": "#include <boost/asio.hpp>\n"}, 1),
        ("unknown module", {"mystery/a.h": "\n"}, 1),
        ("app includes anything", {"app/a.cpp": '#include "bitcoin/consensus/params.h"\n'}, 0),
    ]
    failed = 0
    for name, tree, expect in cases:
        got = run(tree)
        ok = (got != 0) == (expect != 0)
        print(f"{'ok' if ok else 'FAIL'}: {name} (exit {got})")
        failed += not ok
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
