#!/usr/bin/python3
"""Plots for a wsk-ns3 result directory: latency_cdf.png (one curve per latency kind, from latency.csv)
and throughput.png (received Mbit/s per node group over time, from throughput.csv). Uses Debian's
python3-matplotlib with the Agg backend; run by `wsk-ns3 run` on the directory it is writing."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# fixed metadata so that equal inputs give equal files
META = {"Software": None}


def latency_cdf(d):
    by_kind = {}
    with open(os.path.join(d, "latency.csv"), newline="") as f:
        for row in csv.DictReader(f):
            v = int(row["latency_ns"])
            if v >= 0:
                by_kind.setdefault(row["kind"], []).append(v / 1000.0)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    if by_kind:
        for kind in sorted(by_kind):
            xs = sorted(by_kind[kind])
            n = len(xs)
            ax.step(xs, [(i + 1) / n for i in range(n)], where="post", label="%s (n=%d)" % (kind, n))
        ax.set_xscale("log")
        ax.legend(loc="lower right")
    else:
        ax.text(0.5, 0.5, "no latency records\n(the provider records them when instrumentation is on)",
                ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("latency (µs): wire arrival → callback entry / IRP completion")
    ax.set_ylabel("fraction ≤ x")
    ax.set_title("Latency CDF per callback kind")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(d, "latency_cdf.png"), dpi=100, metadata=META)
    plt.close(fig)


def throughput(d):
    series = {}
    with open(os.path.join(d, "throughput.csv"), newline="") as f:
        for row in csv.DictReader(f):
            series.setdefault(row["group"], []).append((float(row["time_s"]), float(row["mbps"])))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for g in sorted(series):
        pts = sorted(series[g])
        ax.step([p[0] for p in pts], [p[1] for p in pts], where="post", label=g)
    if series:
        ax.legend(loc="upper right")
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("received (Mbit/s, all nodes of the group)")
    ax.set_title("Throughput over time")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(d, "throughput.png"), dpi=100, metadata=META)
    plt.close(fig)


def main():
    if len(sys.argv) != 2:
        print("usage: wsk_plot.py RESULT_DIR", file=sys.stderr)
        return 2
    latency_cdf(sys.argv[1])
    throughput(sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
