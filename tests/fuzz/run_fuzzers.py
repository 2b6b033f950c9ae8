#!/usr/bin/python3
"""Runs the libFuzzer targets built in BUILD/tests/fuzz (docs/fuzzing.md): first each target's committed
regression inputs (tests/fuzz/regressions/<target>/), then N seconds of fuzzing from its corpus.

Prints one line a target: executions, exec/s, coverage (libFuzzer's "cov" edges), new corpus units, CPU seconds.
Exits 1 if any target crashed (sanitizer report, invariant, leak, timeout), naming the reproducer.

usage: run_fuzzers.py --build-dir DIR --corpus-dir DIR [--seconds N] [TARGET...]
"""

import argparse
import re
import resource
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Each target and its dictionary (tests/fuzz/dict/), if any. The order is the report's.
TARGETS = {
    "imap_client": "imap", "pop3_client": "pop3", "smtp_client": "smtp",
    "imap_backend_login": "imap", "pop3_backend_login": "pop3", "smtp_backend_login": "smtp",
    "xtext": None, "sasl": "sasl", "auth_reply": "auth_reply", "dns_message": "dns_message",
    "proxy_header": "proxy_header", "config_lexer": "config", "config": "config", "fake_script": "fake_script",
}
STAT = re.compile(r"^stat::(\w+):\s+(\d+)", re.MULTILINE)
COVERAGE = re.compile(r"\bcov: (\d+)")
REPRODUCER = re.compile(r"Test unit written to (\S+)")
REPORT_LINES = 40  # of a crash's output: the sanitizer report or the broken invariant, and the stack


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def libfuzzer_options(target, artifacts):
    options = [f"-artifact_prefix={artifacts}/{target}-", "-timeout=10", "-rss_limit_mb=2048",
               "-print_final_stats=1"]
    dictionary = TARGETS[target]
    if dictionary:
        options.append(f"-dict={HERE / 'dict' / (dictionary + '.dict')}")
    return options


def failure(target, output, code):
    match = REPRODUCER.search(output)
    where = match.group(1) if match else "(no reproducer written)"
    tail = "\n".join(output.rstrip().splitlines()[-REPORT_LINES:])
    return f"{target}: CRASH (exit {code}), reproducer {where}\n{tail}"


def replay_regressions(binary, target, artifacts):
    """Runs each committed regression input once; a failure message, or None."""
    inputs = sorted(str(p) for p in (HERE / "regressions" / target).glob("*") if p.is_file())
    if not inputs:
        return None, 0
    run = subprocess.run([str(binary)] + libfuzzer_options(target, artifacts) + inputs,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    return (failure(target, run.stdout, run.returncode) if run.returncode else None), len(inputs)


def fuzz(binary, target, corpus, artifacts, seconds):
    """One timed run; returns (stats dict, failure message or None)."""
    corpus.mkdir(parents=True, exist_ok=True)
    command = [str(binary)] + libfuzzer_options(target, artifacts) + [f"-max_total_time={seconds}", str(corpus)]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    stats = {name: int(value) for name, value in STAT.findall(run.stdout)}
    coverage = COVERAGE.findall(run.stdout)
    stats["coverage"] = int(coverage[-1]) if coverage else 0
    return stats, (failure(target, run.stdout, run.returncode) if run.returncode else None)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run the mailwire libFuzzer targets.")
    parser.add_argument("--build-dir", required=True, type=Path)
    parser.add_argument("--corpus-dir", required=True, type=Path)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("targets", nargs="*", metavar="TARGET")
    args = parser.parse_args(argv)
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target {', '.join(unknown)} (targets: {', '.join(TARGETS)})")
    artifacts = args.corpus_dir / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)

    failures = []
    total_cpu = 0.0
    print(f"{'target':<20} {'executions':>11} {'exec/s':>7} {'cov':>6} {'new':>5} {'cpu s':>7}  result")
    for target in args.targets or list(TARGETS):
        binary = args.build_dir / "tests" / "fuzz" / f"fuzz_{target}"
        if not binary.is_file():
            print(f"{target:<20} not built: {binary}")
            failures.append(f"{target}: {binary} is missing (build the target mailwire_fuzzers)")
            continue
        before = children_cpu_seconds()
        problem, replayed = replay_regressions(binary, target, artifacts)
        stats = {}
        if problem is None:
            stats, problem = fuzz(binary, target, args.corpus_dir / target, artifacts, args.seconds)
        cpu = children_cpu_seconds() - before
        total_cpu += cpu
        result = "CRASH" if problem else "ok"
        if replayed:
            result += f" ({replayed} regression input{'s' if replayed > 1 else ''} replayed)"
        print(f"{target:<20} {stats.get('number_of_executed_units', 0):>11} "
              f"{stats.get('average_exec_per_sec', 0):>7} {stats.get('coverage', 0):>6} "
              f"{stats.get('new_units_added', 0):>5} {cpu:>7.1f}  {result}", flush=True)
        if problem:
            failures.append(problem)
    print(f"total CPU time fuzzed: {total_cpu:.0f} s; {len(failures)} target(s) crashed")
    for problem in failures:
        print("\n" + problem)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
