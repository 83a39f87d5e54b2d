#!/usr/bin/env python3
"""Evaluates every PromQL expression of every Grafana panel and every alert rule through a running
Prometheus's HTTP API (/api/v1/query) and exits 1 listing each one that errors or returns no data.

    evaluate-queries.py http://127.0.0.1:19090 deploy/grafana/dashboards/*.json

Alert rules are taken from Prometheus itself (/api/v1/rules: what it loaded, not our reading of the
file). A rule is `<signal> <op> <threshold>`; a quiet alert returns nothing by design, so its signal
is evaluated with `bool` on the top-level comparison (every series, 0 or 1) and must return data;
the rule as written must evaluate without error. Grafana variables only appear in `=~` matchers and
are set to `.+`; `$__rate_interval` to 1m.
"""
import json
import re
import sys
import urllib.parse
import urllib.request

COMPARISONS = ("==", "!=", ">=", "<=", ">", "<")


def query(prom, expr):
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        body = json.load(e)
    if body.get("status") != "success":
        return None, body.get("errorType", "") + ": " + body.get("error", "")
    return body["data"]["result"], None


def with_bool(expr):
    """Adds `bool` to the last comparison outside parentheses, braces and strings."""
    depth, quote, last, i = 0, None, None, 0
    while i < len(expr):
        c = expr[i]
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0:
            for op in COMPARISONS:
                if expr.startswith(op, i) and not expr.startswith("=~", i) and not expr.startswith("!~", i):
                    last = (i, op)
                    i += len(op) - 1
                    break
        i += 1
    if last is None:
        raise ValueError("no top-level comparison in: " + expr)
    at, op = last
    return expr[:at + len(op)] + " bool" + expr[at + len(op):]


def grafana_exprs(path):
    with open(path) as f:
        dash = json.load(f)
    for panel in dash["panels"]:
        for target in panel.get("targets", []):
            expr = target["expr"].replace("$__rate_interval", "1m")
            expr = re.sub(r"\$\{?[a-zA-Z_]\w*\}?", ".+", expr)
            yield f'{dash["title"]} / {panel["title"]} [{target["refId"]}]', expr


def main():
    prom, dashboards = sys.argv[1].rstrip("/"), sys.argv[2:]
    checks = [(name, expr, False) for d in dashboards for name, expr in grafana_exprs(d)]
    with urllib.request.urlopen(prom + "/api/v1/rules", timeout=30) as r:
        groups = json.load(r)["data"]["groups"]
    for g in groups:
        for rule in g["rules"]:
            checks.append((f'alert {rule["name"]} (as written)', rule["query"], True))
            checks.append((f'alert {rule["name"]} (signal)', with_bool(rule["query"]), False))
    if not any(c[0].startswith("alert ") for c in checks):
        print("FAIL no alert rules loaded")
        return 1
    failed = 0
    for name, expr, may_be_empty in checks:
        result, error = query(prom, expr)
        if error:
            status = "FAIL error " + error
        elif not result and not may_be_empty:
            status = "FAIL no data"
        else:
            sample = result[0]["value"][1] if result else "-"
            status = f"ok   {len(result):4d} series (first {sample})"
        failed += status.startswith("FAIL")
        print(f"{status:48s} {name}")
        if status.startswith("FAIL"):
            print("       " + expr)
    for g in groups:
        for r in g["rules"]:
            if r.get("health") == "err":
                failed += 1
                print(f'FAIL rule evaluation: {r.get("lastError")}  alert {r["name"]}')
    firing = [r["name"] for g in groups for r in g["rules"] if r.get("state") == "firing"]
    print(f"{len(checks)} expressions, {failed} failed; alerts firing now: {', '.join(firing) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
