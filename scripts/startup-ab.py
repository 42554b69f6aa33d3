#!/usr/bin/env python3
"""Spawn -> initialize reply of two or more gateway jars, interleaved in one run (an A/B check that a change did
not slow the stdio start-up). Usage: scripts/startup-ab.py ROUNDS A.jar B.jar [C.jar ...]
Each spawn is a plain `java -jar` on a fresh data directory; prints the median per jar and each jar's ratio to A."""
import json, os, statistics, subprocess, sys, tempfile, time

INIT = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "ab", "version": "1"}}}) + "\n"


def spawn_to_initialize(jar):
    home = tempfile.mkdtemp(prefix="startup-ab-")
    start = time.perf_counter()
    proc = subprocess.Popen(["java", "-jar", jar], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env={"PATH": os.environ["PATH"], "HOME": home,
                                                            "LLM_GATEWAY_HOME": home})
    proc.stdin.write(INIT.encode())
    proc.stdin.flush()
    if not proc.stdout.readline():
        sys.exit(f"{jar}: no initialize reply")
    elapsed = (time.perf_counter() - start) * 1000
    proc.stdin.close()
    proc.wait(timeout=30)
    return elapsed


def main():
    rounds, jars = int(sys.argv[1]), sys.argv[2:]
    times = {jar: [] for jar in jars}
    for r in range(rounds):
        order = jars if r % 2 == 0 else list(reversed(jars))  # neither always runs on a warmer cache
        for jar in order:
            times[jar].append(spawn_to_initialize(jar))
    base = statistics.median(times[jars[0]])
    print(f"load average {os.getloadavg()[0]:.1f}, {rounds} rounds")
    for jar in jars:
        median = statistics.median(times[jar])
        print(f"{jar}: median {median:.0f} ms, ratio to {os.path.basename(jars[0])} {median / base:.2f}")


if __name__ == "__main__":
    main()
