#!/usr/bin/python3
"""Side-by-side comparison of shoal and memcached 1.6 (Debian) on this machine.

Starts each server with the same memory, core count and pinning, runs the same
shoal-bench workload against each alternately (A B A B ...), and reports each
run and the median of the paired ratios. Also runs the reply-only server (the
network stack's ceiling on this machine), checks that the load generator is not
the bottleneck, sweeps connection counts and draws two PNG plots.

    bench/compare/bench_compare.py --build build-release [--runs 3] [--seconds 5]

`--part efficiency` instead measures what does not depend on a noisy machine:
user-space instructions per request (callgrind), system calls per request
(strace -c -f), resident bytes per stored item, and shoal's scaling at 1, 2 and
4 shards. `--part all` does both. Results go to stdout as Markdown and, with
--json, to a file; plots go to --plots (default docs/img).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

MEMCACHED = "/usr/bin/memcached"
MEMORY_MB = 1024


# ---------------------------------------------------------------- processes

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"version\r\n")
                if s.recv(64):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on port {port}")


class Server:
    """One server process: memcached, shoal or the reply-only ceiling."""

    def __init__(self, kind, build, shards, cpus=None, wrapper=(), extra=()):
        self.kind, self.build, self.shards, self.cpus = kind, build, shards, cpus
        self.wrapper, self.extra = list(wrapper), list(extra)
        self.port = free_port()
        self.proc = None
        self.log = tempfile.TemporaryFile()

    def command(self):
        user = ["-u", "root"] if os.geteuid() == 0 else []
        # Under valgrind (which keeps 12 descriptors of its own and refuses
        # most RLIMIT_NOFILE changes) the fd limit is set to fit memcached's
        # default -c 1024 exactly, and shoal gets a -c that fits under it.
        if self.wrapper:
            conns = ["-c", "512"] if self.kind == "shoal" else []
        else:
            conns = ["-c", "4096"]
        if self.kind == "memcached":
            cmd = [MEMCACHED, "-t", str(self.shards), "-U", "0", "-l", "127.0.0.1",
                   "-p", str(self.port), "-m", str(MEMORY_MB)] + conns + user
        elif self.kind == "shoal":
            cmd = [f"{self.build}/src/server/shoal", "-t", str(self.shards), "-U", "0",
                   "-l", "127.0.0.1", "-p", str(self.port), "-m", str(MEMORY_MB),
                   ] + conns + user
        elif self.kind in ("ceiling", "ceiling_hit"):
            # "ceiling" answers every get with a miss (END); "ceiling_hit" as if
            # every key held a value of the workload's size, the fairer bound
            # for servers that return values.
            cmd = [f"{self.build}/tools/reply_only/shoal-reply-only", "-t", str(self.shards),
                   "-l", "127.0.0.1", "-p", str(self.port)]
            if self.kind == "ceiling_hit":
                cmd += ["--hit-value-size", str(VALUE_SIZE)]
        else:
            raise ValueError(self.kind)
        wrapper = ["prlimit", "--nofile=1036:1036"] + self.wrapper if self.wrapper else []
        if self.kind != "memcached" and self.cpus is None:
            cmd.append("--no-pin")  # unpinned means unpinned: the kernel places the shards
        cmd = wrapper + cmd + self.extra
        if self.cpus is not None:  # outermost, so that valgrind runs the server itself
            cmd = ["taskset", "-c", self.cpus] + cmd
        return cmd

    def __enter__(self):
        self.proc = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT)
        wait_port(self.port, self.proc, timeout=120 if self.wrapper else 20)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=120 if self.wrapper else 15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __exit__(self, *exc):
        self.stop()

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def bench(build, port, args, cpus=None, timeout=600):
    cmd = [f"{build}/tools/loadgen/shoal-bench", "-s", f"127.0.0.1:{port}", "--json", "--quiet"]
    if cpus is None:  # unpinned: the runtime would otherwise pin thread 0 to CPU 0
        cmd.append("--no-pin")
    cmd += [str(a) for a in args]
    if cpus is not None:
        cmd = ["taskset", "-c", cpus] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"shoal-bench failed ({out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout)


# ---------------------------------------------------------------- workloads

VALUE_SIZE = 100
BASE = ["-c", 50, "--key-space", "100k", "--value-size", VALUE_SIZE, "--prepopulate"]

WORKLOADS = {
    "get90_depth1": ["--ratio", "9:1", "-d", 1],
    "get90_depth16": ["--ratio", "9:1", "-d", 16],
    "multiget10": ["--ratio", "9:1", "--multiget", 10, "-d", 1],
    "set50": ["--ratio", "1:1", "-d", 1],
    "zipf_gets": ["--ratio", "1:0", "--key-pattern", "zipf", "--zipf-skew", 0.99, "-d", 1],
}

# (name, server shards, server cpus, load generator threads, load generator cpus)
CONFIGS = {
    "a": ("one server core + one client core, pinned", 1, "0", 1, "1"),
    "b": ("two server cores, unpinned", 2, None, 1, None),
}


def summarize(run):
    lat = run["latency_us"]
    return {"rps": run["throughput"]["requests_per_s"], "keys_per_s": run["throughput"]["keys_per_s"],
            "p50": lat["p50"], "p99": lat["p99"], "p999": lat["p999"],
            "hit_ratio": run["hit_ratio"], "errors": run["errors"]["total"],
            "client_cpu": run["client_cpu"]["per_thread"], "saturated": run["client_cpu"]["saturated"]}


def median_ratio(a_runs, b_runs, key):
    return statistics.median(a[key] / b[key] for a, b in zip(a_runs, b_runs) if b[key])


def compare(args, report):
    results = {}
    for config_name in args.configs:
        title, shards, server_cpus, threads, client_cpus = CONFIGS[config_name]
        report(f"\n### Configuration ({config_name}): {title}\n")
        report("| workload | server | run | req/s | keys/s | p50 µs | p99 µs | p99.9 µs | hit | client CPU |")
        report("|---|---|---|---|---|---|---|---|---|---|")
        config_results = {}
        for wname, wargs in WORKLOADS.items():
            if wname not in args.workloads:
                continue
            runs = {"memcached": [], "shoal": [], "ceiling": [], "ceiling_hit": []}
            load = BASE + wargs + ["-t", threads, "--duration", f"{args.seconds}s"]
            for i in range(args.runs):
                for kind in ("memcached", "shoal", "ceiling", "ceiling_hit"):
                    if kind.startswith("ceiling") and i > 0 and not args.ceiling_every_round:
                        continue
                    with Server(kind, args.build, shards, server_cpus) as srv:
                        run = summarize(bench(args.build, srv.port, load, client_cpus))
                    runs[kind].append(run)
                    flag = " (client saturated)" if run["saturated"] else ""
                    hit = "-" if run["hit_ratio"] is None else f"{run['hit_ratio']:.2f}"
                    report(f"| {wname} | {kind} | {i + 1} | {run['rps']:,.0f} | {run['keys_per_s']:,.0f} | "
                           f"{run['p50']:.0f} | {run['p99']:.0f} | {run['p999']:.0f} | {hit} | "
                           f"{run['client_cpu']:.2f}{flag} |")
            config_results[wname] = runs
        results[config_name] = config_results
        report("\nMedian of paired ratios (shoal / memcached) and each against the reply-only ceiling:\n")
        report("| workload | req/s ratio | p99 ratio | p99.9 ratio | shoal / ceiling | memcached / ceiling "
               "| shoal / hit ceiling | memcached / hit ceiling | client saturated? |")
        report("|---|---|---|---|---|---|---|---|---|")
        for wname, runs in config_results.items():
            ceiling = statistics.median(r["rps"] for r in runs["ceiling"])
            hit_ceiling = statistics.median(r["rps"] for r in runs["ceiling_hit"])
            shoal_med = statistics.median(r["rps"] for r in runs["shoal"])
            mc_med = statistics.median(r["rps"] for r in runs["memcached"])
            sat = any(r["saturated"] for k in runs for r in runs[k])
            report(f"| {wname} | {median_ratio(runs['shoal'], runs['memcached'], 'rps'):.2f} | "
                   f"{median_ratio(runs['shoal'], runs['memcached'], 'p99'):.2f} | "
                   f"{median_ratio(runs['shoal'], runs['memcached'], 'p999'):.2f} | "
                   f"{shoal_med / ceiling:.2f} | {mc_med / ceiling:.2f} | "
                   f"{shoal_med / hit_ceiling:.2f} | {mc_med / hit_ceiling:.2f} | {'yes' if sat else 'no'} |")
    return results


def sweep_connections(args, report):
    """Throughput against connection count, configuration (a), 90:10, depth 1."""
    _, shards, server_cpus, threads, client_cpus = CONFIGS["a"]
    counts = [1, 10, 50, 100, 200, 400]
    data = {"memcached": [], "shoal": [], "ceiling": []}
    for conns in counts:
        load = ["-c", conns, "--key-space", "100k", "--value-size", 100, "--prepopulate",
                "--ratio", "9:1", "-d", 1, "-t", threads, "--duration", f"{max(2, args.seconds // 2)}s"]
        for kind in data:
            with Server(kind, args.build, shards, server_cpus) as srv:
                data[kind].append(summarize(bench(args.build, srv.port, load, client_cpus))["rps"])
    report("\n### Throughput against connections (configuration a, 90:10, depth 1)\n")
    report("| connections | " + " | ".join(data) + " |")
    report("|---|" + "---|" * len(data))
    for i, c in enumerate(counts):
        report(f"| {c} | " + " | ".join(f"{data[k][i]:,.0f}" for k in data) + " |")
    return counts, data


def latency_curves(args, report):
    """Latency percentiles at a fixed open-loop rate both servers sustain."""
    _, shards, server_cpus, threads, client_cpus = CONFIGS["a"]
    rate = args.latency_rate
    load = BASE + ["--ratio", "9:1", "-d", 4, "-t", threads, "--rate", rate,
                   "--duration", f"{args.seconds}s"]
    curves = {}
    for kind in ("memcached", "shoal"):
        with Server(kind, args.build, shards, server_cpus) as srv:
            run = bench(args.build, srv.port, load, client_cpus)
        curves[kind] = run["latency_us"]
    report(f"\n### Latency at a fixed rate of {rate} requests/s (open loop, configuration a)\n")
    report("| server | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs |")
    report("|---|---|---|---|---|---|")
    for kind, lat in curves.items():
        report(f"| {kind} | {lat['p50']:.0f} | {lat['p90']:.0f} | {lat['p99']:.0f} | "
               f"{lat['p999']:.0f} | {lat['max']:.0f} |")
    return curves


def save_plot(fig, ax, title, path, report):
    """Titles, grids and saves one plot, and links it from the report."""
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    alt = os.path.splitext(os.path.basename(path))[0].replace("_", " ")
    report(f"\n![{alt}]({os.path.relpath(path, 'docs')})")


def draw_plots(plots_dir, sweep, curves, report):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        report("\n(matplotlib missing: no plots; `scripts/deps.sh python3-matplotlib`)")
        return
    os.makedirs(plots_dir, exist_ok=True)
    if sweep:
        counts, data = sweep
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for kind, values in data.items():
            ax.plot(counts, values, marker="o", label=kind)
        ax.set_xscale("log")
        ax.set_xlabel("connections (depth 1, 90:10 get:set)")
        ax.set_ylabel("requests per second")
        save_plot(fig, ax, "Throughput against connections, 1 server core",
                  os.path.join(plots_dir, "throughput_vs_connections.png"), report)
    if curves:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        points = [("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9)]
        for kind, lat in curves.items():
            xs = [1 / (1 - p / 100) for _, p in points] + [10000]
            ys = [lat[k] for k, _ in points] + [lat["max"]]
            ax.plot(xs, ys, marker="o", label=kind)
        ax.set_xscale("log")
        ax.set_xticks([2, 10, 100, 1000, 10000])
        ax.set_xticklabels(["p50", "p90", "p99", "p99.9", "max"])
        ax.set_ylabel("latency (µs)")
        save_plot(fig, ax, "Latency percentiles at a fixed request rate",
                  os.path.join(plots_dir, "latency_percentiles.png"), report)


# ---------------------------------------------------------------- efficiency

def callgrind_per_request(args, kind, depth, multiget=1):
    """User-space instructions per request: two runs of N1 and N2 requests,
    (Ir2 - Ir1) / (N2 - N1), so start-up and prepopulation cancel out."""
    totals = []
    sizes = (args.callgrind_requests, 2 * args.callgrind_requests)
    for n in sizes:
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "cg.out")
            wrapper = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
            with Server(kind, args.build, 1, "0", wrapper=wrapper) as srv:
                bench(args.build, srv.port, ["-c", 10, "-d", depth, "--multiget", multiget,
                                             "--key-space", "10k", "--value-size", 100,
                                             "--prepopulate", "--ratio", "9:1", "-n", n], "1")
            total = 0
            for name in os.listdir(d):
                with open(os.path.join(d, name)) as f:
                    for line in f:
                        if line.startswith("summary:") or line.startswith("totals:"):
                            total = max(total, int(line.split()[1]))
            totals.append(total)
    return (totals[1] - totals[0]) / (sizes[1] - sizes[0])


def syscalls_per_request(args, kind, depth):
    """System calls per request: strace -c -f attached for a fixed request
    count (two counts, subtracted, so idle wake-ups cancel out)."""
    counts = []
    sizes = (args.strace_requests, 2 * args.strace_requests)
    for n in sizes:
        with Server(kind, args.build, 1, "0") as srv:
            bench(args.build, srv.port, ["-c", 50, "-d", depth, "--key-space", "10k",
                                         "--value-size", 100, "--prepopulate", "-n", 1000], "1")
            with tempfile.NamedTemporaryFile(suffix=".strace") as f:
                # -p per thread: strace -f follows new threads, not existing ones.
                threads = sorted(os.listdir(f"/proc/{srv.proc.pid}/task"))
                attach = [a for tid in threads for a in ("-p", tid)]
                tracer = subprocess.Popen(["strace", "-c", "-f", "-o", f.name] + attach,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(1.0)
                bench(args.build, srv.port, ["-c", 50, "-d", depth, "--key-space", "10k",
                                             "--value-size", 100, "--ratio", "9:1", "-n", n], "1")
                tracer.send_signal(signal.SIGINT)
                tracer.wait(timeout=60)
                text = open(f.name).read()
        m = re.search(r"^\s*100\.00\s+\S+\s+\S+\s+(\d+)\s+(?:\d+\s+)?total", text, re.M)
        if not m:
            m = re.search(r"^-+\n.*?(\d+)\s+(?:\d+\s+)?total$", text, re.M | re.S)
        counts.append(int(m.group(1)) if m else 0)
    return (counts[1] - counts[0]) / (sizes[1] - sizes[0])


def rss_per_item(args, kind, value_size, items):
    with Server(kind, args.build, 1, None, extra=["-m", "4096"] if kind != "ceiling" else []) as srv:
        time.sleep(0.5)
        before = srv.rss_kb()
        bench(args.build, srv.port, ["-c", 20, "--key-space", items, "--key-size", 32,
                                     "--value-size", value_size, "--prepopulate", "-n", 1000,
                                     "--ratio", "1:0"], timeout=1200)
        time.sleep(0.5)
        after = srv.rss_kb()
        with socket.create_connection(("127.0.0.1", srv.port)) as s:
            s.sendall(b"stats\r\n")
            data = b""
            while not data.endswith(b"END\r\n"):
                data += s.recv(65536)
        curr = int(re.search(rb"STAT curr_items (\d+)", data).group(1))
    return (after - before) * 1024 / curr - (32 + value_size), curr


def efficiency(args, report):
    out = {}
    report("\n### User-space instructions per request (callgrind, 1 shard/thread, 10 connections, 90:10)\n")
    report("| workload | memcached | shoal | ratio |")
    report("|---|---|---|---|")
    for name, depth, mget in (("depth 1", 1, 1), ("depth 16", 16, 1), ("10-key multi-get", 1, 10)):
        mc = callgrind_per_request(args, "memcached", depth, mget)
        sh = callgrind_per_request(args, "shoal", depth, mget)
        out[f"instructions {name}"] = {"memcached": mc, "shoal": sh}
        report(f"| {name} | {mc:,.0f} | {sh:,.0f} | {sh / mc:.2f} |")
    report("\n### System calls per request (strace -c -f, 50 connections, 90:10)\n")
    report("| depth | memcached | shoal | ratio |")
    report("|---|---|---|---|")
    for depth in (1, 16):
        mc = syscalls_per_request(args, "memcached", depth)
        sh = syscalls_per_request(args, "shoal", depth)
        out[f"syscalls depth {depth}"] = {"memcached": mc, "shoal": sh}
        report(f"| {depth} | {mc:.2f} | {sh:.2f} | {sh / mc:.2f} |")
    report(f"\n### Resident bytes per item beyond key and value ({args.rss_items:,} items, 32-byte keys)\n")
    report("| value size | memcached | shoal |")
    report("|---|---|---|")
    for value_size in (100, 1000):
        mc, _ = rss_per_item(args, "memcached", value_size, args.rss_items)
        sh, _ = rss_per_item(args, "shoal", value_size, args.rss_items)
        out[f"rss per item {value_size}"] = {"memcached": mc, "shoal": sh}
        report(f"| {value_size} B | {mc:.1f} | {sh:.1f} |")
    report("\n### Scaling: shoal at 1, 2 and 4 shards on 2 cores (90:10, depth 1 and 16, client unpinned, 2 threads)\n")
    report("| shards | depth 1 req/s | depth 16 req/s |")
    report("|---|---|---|")
    for shards in (1, 2, 4):
        row = []
        for depth in (1, 16):
            with Server("shoal", args.build, shards, None) as srv:
                run = bench(args.build, srv.port, BASE + ["--ratio", "9:1", "-d", depth, "-t", 2,
                                                          "--duration", f"{args.seconds}s"])
            row.append(run["throughput"]["requests_per_s"])
        out[f"scaling {shards}"] = row
        report(f"| {shards} | {row[0]:,.0f} | {row[1]:,.0f} |")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build-release")
    parser.add_argument("--runs", type=int, default=3, help="A B pairs per workload")
    parser.add_argument("--seconds", type=int, default=5, help="measured seconds per run")
    parser.add_argument("--configs", default="ab", help="which configurations: a, b or ab")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help="comma-separated subset of: " + ", ".join(WORKLOADS))
    parser.add_argument("--no-sweep", action="store_true", help="skip the connection sweep and latency curves")
    parser.add_argument("--part", default="compare", choices=["compare", "efficiency", "all"])
    parser.add_argument("--ceiling-every-round", action="store_true")
    parser.add_argument("--latency-rate", default="50k")
    parser.add_argument("--callgrind-requests", type=int, default=20000)
    parser.add_argument("--strace-requests", type=int, default=50000)
    parser.add_argument("--rss-items", type=int, default=1000000)
    parser.add_argument("--plots", default="docs/img")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args()
    args.configs = [c for c in args.configs if c in CONFIGS]
    args.workloads = args.workloads.split(",")

    def report(line=""):
        print(line, flush=True)

    report(f"## bench-compare, {time.strftime('%Y-%m-%d %H:%M')}, commit "
           f"{subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()}")
    report(f"\nMachine: {os.cpu_count()} CPUs, {os.uname().release}; servers with -m {MEMORY_MB}; "
           f"{args.runs} alternating runs of {args.seconds} s; workload base: {' '.join(map(str, BASE))}")
    everything = {}
    if args.part in ("compare", "all"):
        everything["compare"] = compare(args, report)
        if not args.no_sweep:
            sweep = sweep_connections(args, report)
            curves = latency_curves(args, report)
            everything["sweep"] = sweep
            everything["latency"] = curves
            draw_plots(args.plots, sweep, curves, report)
    if args.part in ("efficiency", "all"):
        everything["efficiency"] = efficiency(args, report)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(everything, f, indent=1)


if __name__ == "__main__":
    main()
