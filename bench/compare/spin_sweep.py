#!/usr/bin/env python3
"""Shoal at 2 shards with different --spin-us values, against memcached -t 2,
in one rotation (docs/decisions/0104-spin-before-sleep.md).

    python3 bench/compare/spin_sweep.py [--build build-release] [--rounds 3]
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_compare as bc  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build-release")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--spins", default="0,5,20", help="comma-separated microseconds")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    variants = [("memcached", "memcached", [])] + [
        (f"spin {s} µs", "shoal", [f"--spin-us={s}"]) for s in args.spins.split(",")]
    results = {}
    for depth in (1, 16):
        for rnd in range(args.rounds):
            for name, kind, extra in variants:
                with bc.Server(kind, build, 2, None, extra=extra) as srv:
                    load = bc.BASE + ["--ratio", "9:1", "-d", depth, "-t", 2, "--duration", "4s"]
                    run = bc.summarize(bc.bench(build, srv.port, load, None))
                results.setdefault((depth, name), []).append(run)
                print(f"depth {depth} {name} round {rnd + 1}: {run['rps']:,.0f} req/s, "
                      f"p99 {run['p99']:.0f} µs", flush=True)
    print("\n| depth | server | median req/s | median p99 µs |\n|---|---|---|---|")
    for (depth, name), runs in results.items():
        print(f"| {depth} | {name} | {statistics.median(r['rps'] for r in runs):,.0f} | "
              f"{statistics.median(r['p99'] for r in runs):,.0f} |")


if __name__ == "__main__":
    main()
