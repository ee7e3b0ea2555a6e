#!/usr/bin/env python3
"""An independent client for the official Datastar conformance cases.

Starts nothing itself: point it at a running `datastar-conformance` server. For every case in
the golden folder it sends the request over HTTP (GET with `?datastar=`, or POST with a JSON
body), checks the response headers, and compares the SSE body the way the official suite does:
the order of different field names and of different data keys is ignored, HTML attributes are
compared sorted; the order of lines within one data key and the number of events matter.

Usage: conformance_check.py --base http://127.0.0.1:7331 --golden Examples/Tests/ConformanceTests/Golden
Prints one line per case and a closing "N passed, N failed" line; exits 1 on any failure.
"""
import argparse
import http.client
import json
import pathlib
import re
import sys
import urllib.parse

ATTRIBUTE = re.compile(r'\s([^\s=>]+)(="[^"]*")?')
TAG = re.compile(r"<([a-zA-Z][^\s>/]*)([^>]*)>")


def sort_attributes(line):
    def fix(match):
        attributes = sorted(m.group(0).strip() for m in ATTRIBUTE.finditer(match.group(2)))
        return "<" + match.group(1) + "".join(" " + a for a in attributes) + ">"
    return TAG.sub(fix, line)


def parse_events(body):
    events = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        fields = {}
        data = {}
        for line in block.split("\n"):
            name, _, value = line.partition(": ")
            if name == "data":
                key, _, rest = value.partition(" ")
                data.setdefault(key, []).append(sort_attributes(rest))
            else:
                fields.setdefault(name, []).append(value)
        events.append((fields, data))
    return events


def check_headers(response):
    problems = []
    expected = {"content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no"}
    for name, value in expected.items():
        got = response.getheader(name)
        if got is None or got.split(";")[0].strip().lower() != value:
            problems.append(f"header {name}: {got!r}")
    connection = response.getheaders()
    values = [v for k, v in connection if k.lower() == "connection"]
    if response.version == 11 and [v.lower() for v in values] != ["keep-alive"]:
        problems.append(f"connection headers over HTTP/1.1: {values!r}")
    return problems


def run_case(base, method, folder):
    body = (folder / "input.json").read_text()
    expected = (folder / "output.txt").read_text()
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {"Accept": "text/event-stream", "datastar-request": "true"}
    if method == "get":
        conn.request("GET", "/test?datastar=" + urllib.parse.quote(body, safe=""), headers=headers)
    else:
        headers["Content-Type"] = "application/json"
        conn.request("POST", "/test", body=body.encode(), headers=headers)
    response = conn.getresponse()
    actual = response.read().decode()
    problems = [] if response.status == 200 else [f"status {response.status}"]
    problems += check_headers(response)
    if parse_events(actual) != parse_events(expected):
        problems.append(f"body differs: {actual!r} != {expected!r}")
    conn.close()
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--golden", required=True)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    passed = failed = 0
    for method in ("get", "post"):
        for folder in sorted((pathlib.Path(args.golden) / method).iterdir()):
            problems = run_case(args.base, method, folder)
            name = f"{args.label}{method}/{folder.name}"
            if problems:
                failed += 1
                print(f"FAIL {name}: " + "; ".join(problems))
            else:
                passed += 1
                print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
