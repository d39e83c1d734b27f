#!/usr/bin/env python3
"""Profiles move between c-toxcore 0.2.18 and tonari in the Tox save format, both ways:

- a profile c-toxcore saved (name, status message, a friend we sent a request to with its
  message, a friend accepted without one) shows in tonari with the same Tox ID, name, status
  message and friends;
- tonari changes its name and saves it; c-toxcore loads it with the same Tox ID, the new name
  and the same friends;
- a profile made by tonari loads in c-toxcore with the same Tox ID and name;
- damaged files are refused with a reason, and left as they were.
"""
import json
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "functional"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from checks import run_test  # noqa: E402
from tox_processes import ToxDriver  # noqa: E402


def tonari_profile(r, opts, path, *args):
    proc = r.run("chat", "profile", "--profile", str(path), "--json", *args)
    if proc.returncode != 0:
        r.fail(f"tonari chat profile {path.name} {' '.join(args)}: {proc.stderr.strip()}")
        return {}
    return json.loads(proc.stdout)


def body(r, opts, tmp):
    tmp = pathlib.Path(tmp)
    # Two more identities for c-toxcore to befriend: their IDs come from tonari.
    bob = json.loads(r.run("chat", "id", "--profile", str(tmp / "bob.tox"), "--json").stdout)
    carol = json.loads(r.run("chat", "id", "--profile", str(tmp / "carol.tox"), "--json").stdout)

    alice_path = tmp / "alice.tox"
    driver = ToxDriver(opts.toxdriver, tmp / "toxcore", profile=alice_path, args=["--name", "Alice (toxcore)"]).start()
    try:
        alice_id = driver.first("ready")["tox_id"]
        driver.send(cmd="status_message", text="on loopback")
        driver.send(cmd="add", id=bob["tox_id"], message="hello from toxcore")
        driver.send(cmd="accept", public_key=carol["public_key"])
        r.check(driver.quit() == 0, "c-toxcore saved its profile and left")
    finally:
        driver.stop()

    seen = tonari_profile(r, opts, alice_path)
    r.check(seen.get("tox_id") == alice_id, f"tonari reads c-toxcore's Tox ID: {seen.get('tox_id')} vs {alice_id}")
    r.check(seen.get("name") == "Alice (toxcore)" and seen.get("status_message") == "on loopback",
            f"tonari reads the name and status message: {seen.get('name')!r}, {seen.get('status_message')!r}")
    friends = {f["public_key"]: f for f in seen.get("friends", [])}
    r.check(set(friends) == {bob["public_key"], carol["public_key"]},
            f"tonari reads both friends: {sorted(friends)}")
    r.check(friends.get(bob["public_key"], {}).get("request_message") == "hello from toxcore",
            f"with the request sent to one: {friends.get(bob['public_key'])}")

    # tonari renames and saves; c-toxcore loads it.
    before = alice_path.read_bytes()
    renamed = tonari_profile(r, opts, alice_path, "--name", "Alice (tonari)")
    r.check(renamed.get("name") == "Alice (tonari)" and alice_path.read_bytes() != before,
            "tonari saved the profile with the new name")
    driver = ToxDriver(opts.toxdriver, tmp / "toxcore2", profile=alice_path).start()
    try:
        ready = driver.first("ready")
        r.check(ready["tox_id"] == alice_id, f"c-toxcore loads tonari's save with the same Tox ID: {ready['tox_id']}")
        r.check(ready["name"] == "Alice (tonari)" and ready["status_message"] == "on loopback",
                f"and the name and status message: {ready['name']!r}, {ready['status_message']!r}")
        r.check(sorted(ready["friends"]) == sorted([bob["public_key"], carol["public_key"]]),
                f"and both friends: {ready['friends']}")
        r.check(driver.quit() == 0, "c-toxcore left cleanly")
    finally:
        driver.stop()

    # A profile tonari made, in c-toxcore.
    tonari_profile(r, opts, tmp / "bob.tox", "--name", "Bob (tonari)")
    driver = ToxDriver(opts.toxdriver, tmp / "toxcore3", profile=tmp / "bob.tox").start()
    try:
        ready = driver.first("ready")
        r.check(ready["tox_id"] == bob["tox_id"] and ready["name"] == "Bob (tonari)",
                f"a profile tonari made loads in c-toxcore: {ready['tox_id']} {ready['name']!r}")
    finally:
        driver.stop()

    # Damaged files: refused with a reason, never rewritten.
    good = alice_path.read_bytes()
    for label, damaged in [("cut in half", good[: len(good) // 2]), ("not a profile", b"hello world"),
                           ("a wrong magic", good[:4] + b"\x00\x00\x00\x00" + good[8:]), ("empty", b"")]:
        path = tmp / "damaged.tox"
        path.write_bytes(damaged)
        proc = r.run("chat", "profile", "--profile", str(path), "--name", "x")
        r.check(proc.returncode == 1 and "error:" in proc.stderr and path.read_bytes() == damaged,
                f"a profile {label} is refused and left alone: {proc.returncode} {proc.stderr.strip()[:100]}")


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-tox-profile-", extra_options=["--toxdriver"]))
