#!/usr/bin/env python3
"""Replay the recorded curl transcripts against servers started by server.py and diff the answers.

    python tests/airflow/replay.py TRANSCRIPTS.md --url URL [--strict-url URL] [--only 1-40,65] [-v]

TRANSCRIPTS.md is shared/reference/airflow-2.11-dagruns-transcripts.md. Each exchange is sent
byte for byte as curl sent it (same method, raw path, headers and body; only Host changes), in
order, to --url (requests recorded against port 28080: `server.py start`) or --strict-url (port
28081: `server.py start --strict --name strict`). Both servers must be fresh: the exchanges
build on each other (e.g. #68 deletes what #67 deleted).

Compared: status line, headers (all but Date and Content-Length), body. Values the server makes
from the wall clock ("now" timestamps, run ids derived from them, the HTML page's Node line) are
matched loosely, and the value our server produced replaces the recorded one in later requests.
Prints one line per exchange (OK / DIFF with details) and a summary; exit 1 on any DIFF.
Standard library only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sys
import urllib.parse
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.dirname(HERE) not in sys.path:
    sys.path.append(os.path.dirname(HERE))  # tests/: the shared airflow_tier.py
from airflow_tier import parse_only  # noqa: E402

RECORDED_PORTS = {"28080": "url", "28081": "strict_url"}
IGNORED_HEADERS = {"date", "content-length"}
# A timestamp the server took from its clock: anything from 2025 on (fixtures are 2023/2024).
NOW_TS = re.compile(r"20(?:2[5-9]|[3-9]\d)-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?\+00:00")


@dataclass
class Exchange:
    number: int
    title: str
    method: str
    path: str
    headers: list = field(default_factory=list)  # [(name, value)] as sent, Host included
    body: bytes = b""
    status_line: str = ""
    resp_headers: list = field(default_factory=list)
    resp_body: str = ""


def parse_transcripts(text: str) -> list:
    exchanges = []
    for m in re.finditer(
        r"^### (\d+)\. (.*?)\n\n```http\n(.*?)\n```$", text, re.DOTALL | re.MULTILINE
    ):
        number, title, block = int(m.group(1)), m.group(2), m.group(3)
        req_part, sep, resp_part = block.partition("\n< HTTP/")
        if not sep:
            raise ValueError(f"#{number}: no response")
        lines = req_part.split("\n")
        method, path, _version = lines[0][2:].split(" ")
        ex = Exchange(number, title, method, path)
        i = 1
        while i < len(lines) and lines[i] != "> ":
            name, _, value = lines[i][2:].partition(": ")
            ex.headers.append((name, value))
            i += 1
        raw_body = "\n".join(lines[i + 1 :]).encode("utf-8")
        length = int({k.lower(): v for k, v in ex.headers}.get("content-length", "0"))
        ex.body = raw_body[:length]
        if len(ex.body) != length:
            raise ValueError(f"#{number}: body shorter than Content-Length")
        resp_lines = ("< HTTP/" + resp_part).split("\n")
        ex.status_line = resp_lines[0][2:]
        j = 1
        while j < len(resp_lines) and resp_lines[j] != "< ":
            name, _, value = resp_lines[j][2:].partition(": ")
            ex.resp_headers.append((name, value))
            j += 1
        ex.resp_body = "\n".join(resp_lines[j + 1 :])
        exchanges.append(ex)
    return exchanges


def send(base_url: str, ex: Exchange, subst) -> tuple:
    parsed = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    path = subst(ex.path, encoded=True)
    body = subst(ex.body.decode("utf-8")).encode("utf-8")
    conn.putrequest(ex.method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in ex.headers:
        if name.lower() == "host":
            value = f"{parsed.hostname}:{parsed.port}"
        elif name.lower() == "content-length":
            value = str(len(body))
        conn.putheader(name, value)
    conn.endheaders(body if ex.method in ("POST", "PATCH", "PUT") or body else None)
    resp = conn.getresponse()
    data = resp.read()
    status_line = f"HTTP/1.1 {resp.status} {resp.reason}"
    headers = resp.getheaders()
    conn.close()
    return status_line, headers, data.decode("utf-8", errors="replace")


def _walk_pairs(expected, actual, out: dict) -> None:
    """Collect recorded -> actual string pairs that differ only by clock-made timestamps."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected.keys() & actual.keys():
            _walk_pairs(expected[key], actual[key], out)
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for e, a in zip(expected, actual):
            _walk_pairs(e, a, out)
    elif (
        isinstance(expected, str)
        and isinstance(actual, str)
        and expected != actual
        and NOW_TS.search(expected)
        and NOW_TS.sub("<now>", expected) == NOW_TS.sub("<now>", actual)
    ):
        out[expected] = actual


def compare(ex: Exchange, status_line: str, headers: list, body: str, mapping: dict) -> list:
    problems = []
    if status_line != ex.status_line:
        problems.append(f"status: recorded {ex.status_line!r}, got {status_line!r}")
    exp_h = [(k.lower(), v) for k, v in ex.resp_headers if k.lower() not in IGNORED_HEADERS]
    got_h = [(k.lower(), v) for k, v in headers if k.lower() not in IGNORED_HEADERS]
    if sorted(exp_h) != sorted(got_h):
        missing = sorted(set(exp_h) - set(got_h))
        extra = sorted(set(got_h) - set(exp_h))
        problems.append(f"headers: recorded-only {missing}, ours-only {extra}")
    expected = ex.resp_body
    try:
        pairs: dict = {}
        _walk_pairs(json.loads(expected), json.loads(body), pairs)
        mapping.update(pairs)
    except ValueError:
        pass
    for old in sorted(mapping, key=len, reverse=True):
        expected = expected.replace(old, mapping[old])
        # JSON escapes: the same value inside a JSON-encoded string
        expected = expected.replace(json.dumps(old)[1:-1], json.dumps(mapping[old])[1:-1])
    if "text/html" in dict(headers).get("Content-Type", ""):
        expected = re.sub(r"Node: .*", "Node: *", expected)
        body = re.sub(r"Node: .*", "Node: *", body)
    if expected.strip("\n") != body.strip("\n"):
        exp_n = NOW_TS.sub("<now>", expected)
        got_n = NOW_TS.sub("<now>", body)
        if exp_n.strip("\n") == got_n.strip("\n"):
            return problems  # differs only in clock-made values
        pad = "\n" + " " * 14
        problems.append(
            "body:\n    recorded: "
            + expected.strip("\n").replace("\n", pad)
            + "\n    ours:     "
            + body.strip("\n").replace("\n", pad)
        )
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("transcripts")
    ap.add_argument("--url", required=True, help="base URL of the stock server (…/api/v1)")
    ap.add_argument("--strict-url", help="base URL of the --strict server (…/api/v1)")
    ap.add_argument("--only", help="exchange numbers, e.g. 1-20,65 (later ones may need earlier)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    with open(args.transcripts, "r", encoding="utf-8") as fh:
        exchanges = parse_transcripts(fh.read())
    only = parse_only(args.only)
    mapping: dict = {}

    def subst(text: str, encoded: bool = False) -> str:
        for old in sorted(mapping, key=len, reverse=True):
            new = mapping[old]
            text = text.replace(old, new)
            if encoded:
                quote = urllib.parse.quote
                text = text.replace(quote(old, safe=""), quote(new, safe=""))
        return text

    counts = {"OK": 0, "DIFF": 0, "SKIP": 0}
    for ex in exchanges:
        host = {k.lower(): v for k, v in ex.headers}.get("host", "")
        target = getattr(args, RECORDED_PORTS.get(host.rpartition(":")[2], "url"))
        if target is None or (only is not None and ex.number not in only):
            counts["SKIP"] += 1
            continue
        base = urllib.parse.urlsplit(target)
        status_line, headers, body = send(f"{base.scheme}://{base.netloc}", ex, subst)
        problems = compare(ex, status_line, headers, body, mapping)
        verdict = "DIFF" if problems else "OK"
        counts[verdict] += 1
        print(
            f"{verdict:4} #{ex.number} {ex.method} {ex.path[:90]} -> {status_line[9:]}"
            f"  ({ex.title})"
        )
        for p in problems:
            print("     " + p)
        if args.verbose and not problems:
            print("     " + body.strip()[:300].replace("\n", " "))
    print(f"replay: {counts['OK']} passed, {counts['DIFF']} failed, {counts['SKIP']} skipped")
    return 1 if counts["DIFF"] else 0


if __name__ == "__main__":
    sys.exit(main())
