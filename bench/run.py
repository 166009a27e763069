"""`make bench`: run every benchmark and write BENCHMARKS.md (the machine, the date, the command, the figures).

Each figure is a count, or a ratio of two things measured side by side in the same run: absolute times on a
shared machine drift, ratios and counts carry over. The sections, in order (about 5 minutes and 3.5 GB on 2 cores):

1. cold start (bench/cold_start.py): fresh processes, the app's first request against a bare boto3 client;
2. AWS calls and state transitions per operation and per SOP path (bench/lifecycle.py, moto in process);
3. cost per 1,000 complaints and a year at three volumes against an always-on VM (bench/cost.py);
4. flatness of the listings with 10 / 1,000 / 100,000 complaints in the tables (bench/flatness.py);
5. throughput of the local stack with 20 concurrent citizens (bench/load.py, HTTP);
6. what each screen downloads on its first load, in Chromium (bench/pages.py).

    .venv/bin/python -m bench.run [--quick] [--output BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The sections, in order (--only picks some): option -> what is printed while it runs.
SECTIONS = {
    "cold-start": "cold start",
    "calls": "AWS calls",
    "cost": "cost",
    "flatness": "flatness",
    "throughput": "throughput",
    "pages": "page weight",
}
RATIO_BUDGET = 1.5


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
        memory = f", {kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; load average at the start {load:.2f}"
    )


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _vm_label(size) -> str:
    """``2x t3.medium + db.t3.small (PostgreSQL, Multi-AZ) + ALB`` from a bench/prices.py VmSize."""
    instance = size.ec2.removeprefix("ec2_").removesuffix("_per_hour").replace("_", ".")
    database = size.rds.removeprefix("rds_postgres_").removesuffix("_per_hour")
    placement = "Multi-AZ" if database.endswith("multi_az") else "Single-AZ"
    database = database.removesuffix("_multi_az").removesuffix("_single_az").replace("_", ".")
    return f"{size.ec2_count}x {instance} + {database} (PostgreSQL, {placement}){' + ALB' if size.alb else ''}"


def _usd(value: float) -> str:
    return f"${value:,.2f}" if value >= 0.01 or value == 0 else f"${value:.4f}"


# -- sections -----------------------------------------------------------------------------------------------
def cold_start_section(runs: int) -> str:
    from bench import cold_start

    figures = cold_start.measure(runs=runs)
    worst = max(f["ratio"] for f in figures.values() if isinstance(f, dict) and "ratio" in f)
    return f"""## Cold start

A fresh process imports the Lambda handler module and serves its first request, against the floor: a fresh
process that imports boto3 and creates one client. Median of {runs} runs of each, interleaved.
Budget: at most 1.3x the floor; the worst is **{worst:.2f}x**.

{cold_start.table(figures)}

"Peak MiB" is each process's own high-water mark (VmHWM). "To exit" adds the interpreter's shutdown,
which Lambda does not pay on a cold start.
"""


def _by_label(runs) -> dict[tuple[str, str], list]:
    found: dict[tuple[str, str], list] = defaultdict(list)
    for run in runs:
        for invocation in run.invocations:
            if invocation.label != "ignored":
                found[(invocation.function, invocation.label)].append(invocation)
    return found


def calls_section(measured) -> str:
    from bench.lifecycle import ASPIRATION_BUDGET, DECISION_BUDGET, SUBMIT_BUDGET

    runs = measured.runs
    rows = []
    for (function, label), invocations in sorted(_by_label(runs).items()):
        counts = sorted({i.tally.total for i in invocations})
        most = max(invocations, key=lambda i: i.tally.total)  # its operations; the others call fewer
        shown = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
        rows.append(f"| {function} | {label} | {len(invocations)} | {shown} | {', '.join(most.tally.operations())} |")
    submit = max(i.tally.total for run in runs for i in run.of("submit"))
    decision = max(i.tally.total for run in runs for i in run.of("decide (link)"))
    filtered = sum(1 for run in runs for i in run.invocations if i.label == "ignored")
    paths = "\n".join(
        f"| {run.name} | {run.status} | {run.transitions} | {sum(1 for i in run.invocations if i.label != 'ignored')} | {run.calls()} |"  # noqa: E501
        for run in runs
    )
    return f"""## AWS calls per operation

Counted with botocore's `before-call` hook on every client the app makes (local/aws_calls.py), one
complaint through every SOP path with real executions of the state machine in moto (bench/lifecycle.py),
every role played over the HTTP API. Each Lambda invocation is counted apart, one record each.
Budgets, asserted in `make test` (tests/integration/test_call_budgets.py): submit <= {SUBMIT_BUDGET}
(measured **{submit}**), a staff decision <= {DECISION_BUDGET} (measured **{decision}**; the console's
decision too), an aspiration's whole lifecycle <= {ASPIRATION_BUDGET} (what it was when the budget was last set).

| function | invocation | times | AWS calls | operations (of the one with the most calls) |
|---|---|---:|---:|---|
{chr(10).join(rows)}

{filtered} stream records the app ignores (a change that hands nothing over) are not listed: in AWS the
event source mapping's filter drops them before Lambda is invoked (infra/aspirasi_infra/delivery.py).
"Open action page" is a person reading the email link's page before deciding; a mail scanner's prefetch
costs the same.

### Per SOP path

| path | execution | state transitions | Lambda invocations | AWS calls by our code |
|---|---|---:|---:|---:|
{paths}
"""


def cost_section(result: dict) -> str:
    from bench.cost import MIX, XRAY_PER_1M_TRACES
    from bench.prices import PRICES

    use, per_1000, fixed = result["use"], result["per_1000"], result["fixed_monthly"]
    mix = ", ".join(f"{name} {share:.0%}" for name, share in MIX.items())
    lines = "\n".join(f"| {service} | {_usd(usd)} |" for service, usd in per_1000.items())
    fixed_lines = "\n".join(f"| {item} | {_usd(usd)} |" for item, usd in fixed.items())
    transitions_usd = PRICES["stepfunctions_standard_per_1k_transitions"].usd
    paths = "\n".join(
        f"| {name} | {f['transitions']} | {_usd(f['transitions'] * transitions_usd)} |"
        for name, f in use.by_path.items()
    )
    years = "\n".join(
        f"| {row['complaints']:,} | {_usd(row['serverless_variable'])} | {_usd(row['serverless_fixed'])} | "
        f"**{_usd(row['serverless'])}** ({_usd(row['per_complaint'])} each) | {_usd(row['cognito_lite'])} - "
        f"{_usd(row['cognito_essentials'])} | {_vm_label(row['vm_size'])}: "
        f"**{_usd(row['vm'])}** ({_usd(row['vm_per_complaint'])} each) |"
        for row in result["years"]
    )
    names = {
        "ap-southeast-1": "Singapore's (ap-southeast-1)",
        "us-east-1": "US East's (us-east-1)",
        "all": "the same in every region",
    }
    regions = Counter(names.get(price.region.split(" ", 1)[0], price.region) for price in PRICES.values())
    where = ", ".join(f"{n} {region}" for region, n in regions.most_common())
    header = (
        "| complaints a year | serverless, usage | serverless, fixed | serverless, total "
        "| + Cognito MAU (worst case) | always-on VM + database |"
    )
    return f"""## Cost

### Per 1,000 complaints (usage-based)

From the measured counts above, weighted by a mix of paths (an assumption: {mix}); prices from
bench/prices.py, no free tier deducted. Per complaint: {use.transitions:.1f} state transitions,
{use.lambda_requests:.1f} Lambda invocations ({use.gb_seconds:.3f} GB-s at the functions' configured memory,
from the measured durations against moto), {use.api_requests:.1f} API requests, {use.write_units:.0f} DynamoDB
write units and {use.read_units:.0f} read units (by DynamoDB's sizing rules from the items' real sizes, each
write once more per global secondary index the item is in: an upper bound; moto's `ReturnConsumedCapacity`
is a constant per request, so it is not used), {use.sqs_requests:.1f} SQS requests, {use.emails:.1f} emails
and {use.log_bytes / 1024:.1f} KiB of logs. X-Ray: every invocation traced, ${XRAY_PER_1M_TRACES} per
million traces (not verified).

| service | per 1,000 complaints |
|---|---:|
{lines}
| **total** | **{_usd(sum(per_1000.values()))}** |

State transitions per path, and what 1,000 complaints on that path pay for them:

| path | transitions | per 1,000 |
|---|---:|---:|
{paths}

### Fixed, a month

Counted in the synthesized CloudFormation template (`make synth`) and, for custom metrics, every metric
the played paths emitted multiplied out over the values its dimensions can take (categories, channels,
agencies, stages). That is a lower bound: reminders, escalations, breaches, refused emails and
attachments, rate limits and Open311 emit metrics of their own, at $0.30 a month each.

| item | a month |
|---|---:|
{fixed_lines}
| **total** | **{_usd(sum(fixed.values()))}** |

### A year, against an always-on ticket system

The alternative a province would otherwise pick: a ticket system (osTicket, Zammad) on a small always-on
VM with a managed database, sized for the volume (bench/prices.py `VM_ALTERNATIVE`, reasons there).
Sign-in is apart: Cognito charges per monthly active user above 10,000, which at a million complaints a
year is the largest line if every complaint came from a different citizen that month (the range is the
Lite and Essentials plans); a ticket system's own accounts cost nothing extra.

{header}
|---:|---:|---:|---:|---:|---:|
{years}

**Prices are not Jakarta prices.** No ap-southeast-3 price list was reachable from this machine (no
internet). Of the {len(PRICES)} prices used: {where} (Singapore's where a real bill showed it, US East's
otherwise). Each price in bench/prices.py names its region, source
and date ({result["prices_checked"]}). Re-check them on the AWS pricing pages with the region set to Asia
Pacific (Jakarta) before quoting these as Jakarta costs.
"""


def flatness_section(result: dict) -> str:
    from bench import flatness

    text = flatness.markdown(result) if hasattr(flatness, "markdown") else f"```\n{result}\n```"
    return f"""## Flatness

How the reads people wait on grow with the tables: 10, 1,000 and 100,000 complaints bulk-loaded with batch
writes (moto in process, bench/flatness.py). Budget: at most {RATIO_BUDGET}x the 10-complaint figure (the public
register's rows: the 1,000-complaint figure, issue 22).

{text}
"""


def throughput_section(summary: dict) -> str:
    submit, decide = summary["submit"], summary["decide"]
    submitted = f"{summary['submit_per_second']:.1f}/s"
    return f"""## Throughput of the local stack

{summary["citizens"]} concurrent citizens submit {summary["submissions"]} complaints over HTTP while staff
threads decide {summary["decisions"]} stages from their queues (bench/load.py; `make load` runs the full size).
moto serializes much of it, so this is a figure to watch, not a budget.

| | p50 | p95 | rate |
|---|---:|---:|---:|
| submit | {submit.get("p50", 0) * 1000:.0f} ms | {submit.get("p95", 0) * 1000:.0f} ms | {submitted} |
| decision | {decide.get("p50", 0) * 1000:.0f} ms | {decide.get("p95", 0) * 1000:.0f} ms | |

Nothing lost or doubled: {"yes" if summary["problems"] == 0 else f"NO, {summary['problems']} problem(s)"};
{summary["seconds"]:.0f} s in all.
"""


def pages_section(measured: list[tuple]) -> str:
    from bench import pages

    return f"""## Page weight

What a phone downloads on each screen's first load (360x740, nothing cached, Chromium's network log, every
body gzip-compressed; map tiles excluded: they come from `TILE_URL`, not from us; bench/pages.py).
Budget (DESIGN.md §4): at most {pages.JS_BUDGET // 1024} KiB of JavaScript and
{pages.TOTAL_BUDGET / 1024 / 1024:.1f} MiB in all, asserted by tests/e2e/test_citizen_page.py.

{pages.table(measured)}
"""


def throughput(citizens: int, per_citizen: int) -> dict:
    from bench import load

    return load.on_own_stack(citizens, per_citizen, citizens, "bench-load-stack.log")[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller sizes (a smoke test)")
    parser.add_argument(
        "--only",
        type=lambda text: text.split(","),
        default=list(SECTIONS),
        help=f"some of the sections, comma-separated ({', '.join(SECTIONS)}; cost measures the calls too)",
    )
    args = parser.parse_args(argv)
    if unknown := set(args.only) - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    wanted = set(args.only) | ({"calls"} if "cost" in args.only else set())
    options = (" --quick" if args.quick else "") + (f" --only {','.join(args.only)}" if wanted != set(SECTIONS) else "")
    started, when = time.monotonic(), datetime.now(UTC)
    header = (
        f"# Benchmarks\n\nWritten by `make bench` (`python -m bench.run{options}`) "
        f"on {when:%Y-%m-%d %H:%M} UTC at commit {_commit()}.\n\nMachine: {_machine()}.\n"
    )
    sections, timings = [], {}

    def timed(section, build):
        if section not in wanted:
            return
        name, at = SECTIONS[section], time.monotonic()
        print(f"== {name} ...", flush=True)
        sections.append(build())
        timings[name] = time.monotonic() - at
        print(f"== {name}: {timings[name]:.0f} s", flush=True)

    timed("cold-start", lambda: cold_start_section(3 if args.quick else 10))
    from bench import cost, flatness, lifecycle

    measured = {}

    def lifecycles():
        measured["runs"] = lifecycle.run_paths()
        return calls_section(measured["runs"])

    timed("calls", lifecycles)
    timed("cost", lambda: cost_section(cost.measure(measured["runs"])))
    sizes = (10, 100, 1_000) if args.quick else (10, 1_000, 100_000)
    timed("flatness", lambda: flatness_section(flatness.measure(sizes)))
    timed("throughput", lambda: throughput_section(throughput(20, 1 if args.quick else 5)))

    def page_weights():
        from bench import pages

        return pages_section(pages.on_own_stack())

    timed("pages", page_weights)
    took = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
    footer = (
        f"\n---\n`make bench` took {time.monotonic() - started:.0f} s ({took}). Re-run it after a change "
        "that touches a request path, a consumer, a table or the stack; commit the new BENCHMARKS.md.\n"
    )
    Path(args.output).write_text(header + "\n" + "\n".join(sections) + footer)
    print(f"Wrote {args.output} in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
