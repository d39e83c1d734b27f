#!/usr/bin/env python3
"""`tonari sim`: the built-in ci-100 scenario (100 real Tonari nodes in one process, 11 simulated
minutes) runs in seconds, converges on one chain with every block spread, and repeats exactly:
two runs with the same seed give the same trace hash, another seed another one. The churn
scenario shows nodes that leave and come back getting blocks later than stable nodes. `--svg`
draws the propagation CDF and one line per block. In the eclipse scenario, honest nodes still
have most blocks while 40 of the 50 listening nodes relay nothing, but the few surrounded by
those nodes have blocks late or never.
"""
import json
import os
import sys
from xml.etree import ElementTree

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
    other, _ = sim(r, tmp, "ci-100", "--seed", "2", "--svg", os.path.join(tmp, "plot"))
    r.check(other["trace_hash"] != first["trace_hash"], "another seed, another run")
    plots = {}
    for kind in ("cdf", "reach"):
        try:
            plots[kind] = ElementTree.parse(os.path.join(tmp, f"plot-{kind}.svg")).getroot()
        except (OSError, ElementTree.ParseError) as e:
            r.fail(f"--svg wrote plot-{kind}.svg as well-formed SVG: {e}")
    if len(plots) == 2:
        lines = {kind: len(root.findall(".//{http://www.w3.org/2000/svg}polyline")) for kind, root in plots.items()}
        final_blocks = other["blocks_mined"] - other["stale_blocks"]
        r.check(lines == {"cdf": 2, "reach": final_blocks},
                f"the CDF has its two curves and the reach plot one line per block of the chain ({lines}, {final_blocks} blocks)")

    eclipse, summary = sim(r, tmp, "eclipse")
    print("\n".join(line for line in summary.splitlines() if line.startswith("attackers")))
    r.check(eclipse["attackers"] == 40 and 0.9 <= eclipse["reached_share"] <= 1,
            f"eclipse: 40 attackers; honest nodes still had {eclipse['reached_share']:.1%} of their blocks")
    r.check(eclipse["late_nodes"] + eclipse["eclipsed_nodes"] >= 1,
            f"eclipse: nodes surrounded by attackers had blocks late ({eclipse['late_nodes']}) or never "
            f"({eclipse['eclipsed_nodes']})")

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
