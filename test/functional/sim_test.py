#!/usr/bin/env python3
"""`tonari sim`: the built-in ci-100 scenario (100 real Tonari nodes in one process, 11 simulated
minutes) runs in seconds, converges on one chain with every block spread, and repeats exactly:
two runs with the same seed give the same trace hash, another seed another one. The churn
scenario shows nodes that leave and come back getting blocks later than stable nodes.
"""
import json
import os
import sys

from checks import run_test


def sim(r, tmp, name, *args):
    out = os.path.join(tmp, f"{name}-{len(os.listdir(tmp))}.json")
    proc = r.run("sim", "--scenario", name, "--json", out, *args, timeout=120)
    r.check(proc.returncode == 0, f"tonari sim --scenario {name} {' '.join(args)} exits 0 ({proc.stderr.strip()[-200:]})")
    with open(out) as f:
        return json.load(f), proc.stdout


def body(r, opts, tmp):
    first, summary = sim(r, tmp, "ci-100")
    print(summary.strip())
    r.check(first["nodes"] == 100 and first["converged"], "ci-100: 100 nodes on one tip at the end")
    r.check(first["blocks_mined"] >= 5 and first["stale_blocks"] <= first["blocks_mined"] // 4,
            f"ci-100: {first['blocks_mined']} blocks mined, {first['stale_blocks']} stale")
    p = first["block_propagation_s"]
    r.check(0 < p["p10"] <= p["p50"] <= p["p90"] <= p["p99"], f"ci-100: propagation percentiles in order {p}")
    r.check(first["time_to_90pct_nodes_s"] > 0, "ci-100: blocks reach 90% of the nodes")
    r.check(first["speed_factor"] > 1, f"ci-100: faster than real time ({first['speed_factor']:.0f}x)")
    second, _ = sim(r, tmp, "ci-100")
    r.check(second["trace_hash"] == first["trace_hash"] and second["events"] == first["events"],
            f"same seed, same run (trace {first['trace_hash']} / {second['trace_hash']})")
    other, _ = sim(r, tmp, "ci-100", "--seed", "2")
    r.check(other["trace_hash"] != first["trace_hash"], "another seed, another run")

    churn, summary = sim(r, tmp, "churn")
    print("\n".join(line for line in summary.splitlines() if line.startswith("median block delay")))
    r.check(churn["converged"], "churn: the nodes running at the end share one tip")
    r.check(churn["returned_samples"] >= 20, f"churn: {churn['returned_samples']} blocks met by recently returned nodes")
    r.check(churn["median_delay_returned_s"] > churn["median_delay_stable_s"] > 0,
            f"nodes just back see blocks later ({churn['median_delay_returned_s']:.3f} s) than nodes that never "
            f"left ({churn['median_delay_stable_s']:.3f} s)")

    bad = r.run("sim", "--scenario", "no-such")
    r.check(bad.returncode == 1 and "unknown scenario" in bad.stderr, "an unknown scenario is refused by name")


if __name__ == "__main__":
    sys.exit(run_test(body, "tonari-sim-"))
