#!/usr/bin/env python3
"""Replay the recorded Airflow 3.3 (/api/v2) curl transcripts against running servers and diff.

    python tests/airflow3/replay.py [TRANSCRIPTS.md] --url URL [--sched-url URL]
                                    [--only 1-40,65] [--jwt-secret S] [-v]
    python tests/airflow3/replay.py [TRANSCRIPTS.md] --start     # start both servers, stop after

TRANSCRIPTS.md defaults to shared/reference/airflow-3.3-dagruns-transcripts.md. Exchanges recorded
against port 28091 go to --url (a fresh ``server.py start``), those against 28092 (#245-#268) to
--sched-url (a fresh ``server.py start --name sched --scheduler --token-seconds 5 --any-run-id``).
Both servers must be fresh: the exchanges build on each other. URLs are server roots
(``http://127.0.0.1:PORT``), as server.py prints them.

Each exchange is sent byte for byte as curl sent it (method, raw path, headers, body; only Host
and, after substitutions, Content-Length change), in order, one connection each (#244: two
requests on one connection). Substituted: the token placeholders (<ADMIN_TOKEN>, <VIEWER_TOKEN>
from POST /auth/token; <EXPIRED_TOKEN> and <WRONG_KEY_TOKEN> forged with HS512 from the admin
token, see forge_token), and values the recording server generated that a later request reuses
(the asset-triggered run id of #255 in #256, the -run_after cursor of #102 in #103). The steps
the recording script took without showing them are replayed too (HIDDEN_STEPS: the 110 bulk_NNN
runs before #84, bulk_106 to success before #192, waiting for the scheduler after #253/#254).

Compared: status line, headers (all but date and content-length) and body. Verdicts:
  identical      same status and headers, byte-identical body;
  equal-blanked  equal once the values made from the clock, generated ids and tokens are blanked
                 (timestamps of the recording day, UUIDs, JWTs, "look for ID xxxxxxxx", run ids
                 and cursors built from timestamps, durations of clock-made dates); bodies the
                 transcript only summarizes are compared by their summary (counts, run ids,
                 keys, cursors) plus content-length; /wait streams whose rhythm depends on
                 timing are compared loosely (#238, #239: same lines, count +-1; #249: a valid
                 queued/running/success sequence ending in success);
  diff           anything else (details printed);
  skipped        not replayed (no URL for that server, or left out with --only).
Prints one line per exchange and a summary; exit 1 when any exchange is "diff".

Importable (standard library only): parse_transcripts(text) -> [Exchange];
replay(exchanges, {"28091": url, "28092": url}, ...) -> [Result]; forge_token(...).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import gzip
import hashlib
import hmac
import http.client
import importlib.util
import json
import os
import re
import select
import socket
import sys
import time
import urllib.parse
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.dirname(HERE) not in sys.path:
    sys.path.append(os.path.dirname(HERE))  # tests/: the shared airflow_tier.py
from airflow_tier import parse_only  # noqa: E402

DEFAULT_TRANSCRIPTS = os.path.normpath(
    os.path.join(
        HERE, "..", "..", "..", "shared", "reference", "airflow-3.3-dagruns-transcripts.md"
    )
)
DEFAULT_PORT, SCHED_PORT = "28091", "28092"


def server_module():
    """tests/airflow3/server.py, loaded under its own name (tests/mock_airflow has a server.py)."""
    name = "airflow3_tier_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, "server.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# The fixed [api_auth] jwt_secret of server.py's servers.
DEFAULT_JWT_SECRET = server_module().JWT_SECRET
WRONG_KEY = "not-the-server-key-" + "x" * 48
IGNORED_HEADERS = {"date", "content-length"}
IMPLIED_REQUEST_HEADERS = (
    ("Host", "127.0.0.1"),
    ("User-Agent", "curl/7.88.1"),
    ("Accept", "application/json"),
    ("Authorization", "Bearer <ADMIN_TOKEN>"),
)
VERDICTS = ("identical", "equal-blanked", "diff", "skipped")

UUID_RE = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
ERROR_ID_RE = re.compile(r"(look for ID )[A-Za-z0-9]{8}")
TS_RE = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(Z|\+00:00)")
# The random suffix of a scheduler-made asset-triggered run id, after its clock-made timestamp.
RUN_SUFFIX_RE = re.compile(r"(<now>)_[A-Za-z0-9]{8}\b")


# --------------------------------------------------------------------------- parsing


@dataclass
class Exchange:
    number: int
    title: str
    note: str  # the text between the title and the code block
    port: str  # the port the request was recorded against ("28091", "28092")
    method: str
    path: str
    headers: list = field(default_factory=list)  # [(name, value)] as sent, Host included
    body: bytes = b""
    status_line: str = ""
    resp_headers: list = field(default_factory=list)
    resp_body: str = ""  # verbatim, or the summary / stream lines as shown
    body_kind: str = "verbatim"  # verbatim | summary | gzip | stream | timed-stream | none
    curl_info: list = field(default_factory=list)  # '* ' lines before/after this request
    same_connection: list = field(default_factory=list)  # further requests on one connection

    @property
    def resp_header_map(self) -> dict:
        return {k.lower(): v for k, v in self.resp_headers}


def parse_transcripts(text: str) -> list:
    """The exchanges of a transcripts file, in order (#244's second request is in
    exchanges[243].same_connection)."""
    exchanges = []
    recorded_at = re.search(r"Recorded with curl on (\S+Z)", text)
    heads = list(re.finditer(r"^### (\d+)\. (.*)$", text, re.MULTILINE))
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        section = text[m.end() : end]
        blk = re.search(r"^```http\n(.*?)\n```$", section, re.DOTALL | re.MULTILINE)
        if blk is None:
            raise ValueError(f"#{m.group(1)}: no http block")
        note = section[: blk.start()].strip()
        parts = _parse_block(int(m.group(1)), blk.group(1))
        first = parts[0]
        first.number, first.title, first.note = int(m.group(1)), m.group(2), note
        first.same_connection = parts[1:]
        exchanges.append(first)
    if recorded_at:
        for ex in exchanges:
            ex.recorded_at = recorded_at.group(1)  # type: ignore[attr-defined]
    return exchanges


def _parse_block(number: int, block: str) -> list:
    lines = block.split("\n")
    parts, info, i = [], [], 0
    port = None
    while i < len(lines):
        line = lines[i]
        if line.startswith("* "):
            info.append(line[2:])
            pm = re.search(r"port (\d+)", line)
            if pm:
                port = pm.group(1)
            if parts:
                parts[-1].curl_info.append(line[2:])
            i += 1
            continue
        if not line.startswith("> "):
            i += 1
            continue
        method, path, _version = line[2:].split(" ")
        ex = Exchange(number, "", "", port or "", method, path, curl_info=list(info))
        info = []
        i += 1
        while i < len(lines) and lines[i].startswith("> ") and lines[i] != "> ":
            name, _, value = lines[i][2:].partition(": ")
            ex.headers.append((name, value))
            i += 1
        if i < len(lines) and lines[i] == "> ":
            i += 1
        if not ex.headers:
            # #244 shows the request lines only: curl sent what it sends for every GET
            ex.headers = [(k, v) for k, v in IMPLIED_REQUEST_HEADERS]
        hdrs = {k.lower(): v for k, v in ex.headers}
        if not ex.port and ":" in hdrs.get("host", ""):
            ex.port = hdrs["host"].rpartition(":")[2]
        # the request body: up to the blank line before "< HTTP/"
        j = i
        while j < len(lines) and not lines[j].startswith("< HTTP/"):
            j += 1
        raw = "\n".join(lines[i:j]).encode("utf-8")
        length = int(hdrs.get("content-length", "0"))
        ex.body = raw[:length]
        if len(ex.body) != length:
            raise ValueError(f"#{number}: request body shorter than its Content-Length")
        i = j
        ex.status_line = lines[i][2:]
        i += 1
        while i < len(lines) and lines[i] != "< ":
            name, _, value = lines[i][2:].partition(": ")
            ex.resp_headers.append((name, value))
            i += 1
        i += 1
        body_lines = []
        while i < len(lines) and not lines[i].startswith(("* ", "> ")):
            body_lines.append(lines[i])
            i += 1
        _set_body(ex, body_lines)
        parts.append(ex)
    if not parts:
        raise ValueError(f"#{number}: no request")
    return parts


def _set_body(ex: Exchange, body_lines: list) -> None:
    text = "\n".join(body_lines)
    first = body_lines[0] if body_lines else ""
    if not text.strip():
        ex.body_kind, ex.resp_body = "none", ""
    elif first.startswith("(body summarized by transcripts.sh"):
        ex.body_kind, ex.resp_body = "summary", "\n".join(body_lines[1:])
    elif first.startswith("(") and "gzip data" in first:
        ex.body_kind, ex.resp_body = "gzip", "\n".join(body_lines[1:])
    elif "transfer-encoding" in ex.resp_header_map and "content-type" not in ex.resp_header_map:
        timed = any(re.match(r"\[\+[\d.]+s\] ", ln) for ln in body_lines)
        ex.body_kind = "timed-stream" if timed else "stream"
        ex.resp_body = text
    else:
        ex.resp_body = text


def parse_summary(text: str) -> dict:
    """The transcripts.sh summary ("one line per top-level key") as {key: value}."""
    out = {}
    for line in text.split("\n"):
        if line.strip():
            out.update(json.loads("{" + line + "}"))
    return out


def summarize(obj) -> dict:
    """What transcripts.sh shows of a long JSON body."""
    out = {}
    if not isinstance(obj, dict):
        return {"<body>": obj}
    for key, value in obj.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out[key] = f"<{len(value)} items>"
            if "dag_run_id" in value[0]:
                out[f"{key}[*].dag_run_id"] = [
                    f"{v.get('dag_id')}/{v.get('dag_run_id')}" for v in value
                ]
            out[f"{key}[0] keys"] = list(value[0].keys())
        else:
            out[key] = value
    return out


# --------------------------------------------------------------------------- tokens


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_parts(token: str):
    """(header, claims) of a JWT, unverified."""
    head, payload, _sig = token.split(".")
    return json.loads(_unb64url(head)), json.loads(_unb64url(payload))


def sign_jwt(header: dict, claims: dict, secret: str) -> str:
    """HS512 (or HS256/HS384 as the header says) JWT, encoded like PyJWT does."""
    alg = header.get("alg", "HS512")
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    head = _b64url(json.dumps(header, separators=(",", ":"), sort_keys=True).encode())
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode("utf-8"), f"{head}.{body}".encode("ascii"), digest).digest()
    return f"{head}.{body}.{_b64url(sig)}"


def forge_token(token: str, secret: str, exp_delta: float | None = None, now: float | None = None):
    """A copy of token re-signed with secret; exp_delta sets exp to now + exp_delta seconds.

    forge_token(admin, server_secret, exp_delta=-3600) is the transcripts' <EXPIRED_TOKEN>;
    forge_token(admin, "another key") their <WRONG_KEY_TOKEN>."""
    header, claims = jwt_parts(token)
    if exp_delta is not None:
        claims["exp"] = int((time.time() if now is None else now) + exp_delta)
    return sign_jwt(header, claims, secret)


# --------------------------------------------------------------------------- HTTP


@dataclass
class Response:
    status_line: str
    headers: list
    body: str
    raw: bytes = b""
    lines: list = field(default_factory=list)  # (seconds since sent, line) of a stream


def _connect(base_url: str, timeout: float = 120.0) -> http.client.HTTPConnection:
    parsed = urllib.parse.urlsplit(base_url)
    return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)


def _send(conn, base_url: str, method: str, path: str, headers: list, body: bytes) -> None:
    parsed = urllib.parse.urlsplit(base_url)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in headers:
        if name.lower() == "host":
            value = f"{parsed.hostname}:{parsed.port}"
        elif name.lower() == "content-length":
            value = str(len(body))
        conn.putheader(name, value)
    conn.endheaders(
        body if body or any(n.lower() == "content-length" for n, _ in headers) else None
    )


def _status(resp) -> str:
    return f"HTTP/1.1 {resp.status} {resp.reason}"


def request(
    base_url: str,
    method: str,
    path: str,
    headers: list,
    body: bytes = b"",
    stream: str | None = None,
    max_time: float = 120.0,
) -> Response:
    """One request on a new connection. stream: None (read the whole answer), "until-end" or
    "timed" (read a streamed answer's lines as they come, until it ends or max_time passes, then
    give up like curl --max-time)."""
    if stream:
        return _stream_request(base_url, method, path, headers, body, max_time)
    conn = _connect(base_url, timeout=max_time + 10)
    try:
        _send(conn, base_url, method, path, headers, body)
        resp = conn.getresponse()
        raw = b"" if method == "HEAD" else resp.read()
        out = Response(_status(resp), resp.getheaders(), "", raw)
    finally:
        conn.close()
    if ("content-encoding", "gzip") in [(k.lower(), v) for k, v in out.headers]:
        out.body = gzip.decompress(raw).decode("utf-8", errors="replace")
    else:
        out.body = raw.decode("utf-8", errors="replace")
    return out


def _stream_request(base_url, method, path, headers, body, max_time) -> Response:
    """A request read at the socket level, so that each chunk's arrival time is known and the
    client can give up at max_time (http.client cannot resume after a read timeout)."""
    parsed = urllib.parse.urlsplit(base_url)
    head = [f"{method} {path} HTTP/1.1"]
    for name, value in headers:
        if name.lower() == "host":
            value = f"{parsed.hostname}:{parsed.port}"
        elif name.lower() == "content-length":
            value = str(len(body))
        head.append(f"{name}: {value}")
    data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
    t0 = time.monotonic()
    sock = socket.create_connection((parsed.hostname, parsed.port), timeout=10)
    buf, lines, status, resp_headers = b"", [], "", []
    body_start, chunked, length, done = None, False, None, False
    pos = 0
    text_buf = b""
    try:
        sock.sendall(data)
        sock.setblocking(False)
        while not done and time.monotonic() - t0 < max_time:
            ready, _, _ = select.select([sock], [], [], 0.05)
            if ready:
                try:
                    chunk = sock.recv(65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    done = True
                buf += chunk
            if body_start is None and b"\r\n\r\n" in buf:
                raw_head, _, _ = buf.partition(b"\r\n\r\n")
                body_start = len(raw_head) + 4
                head_lines = raw_head.decode("latin-1").split("\r\n")
                status = head_lines[0]
                for ln in head_lines[1:]:
                    name, _, value = ln.partition(": ")
                    resp_headers.append((name, value))
                hmap = {k.lower(): v for k, v in resp_headers}
                chunked = "chunked" in hmap.get("transfer-encoding", "")
                length = int(hmap["content-length"]) if "content-length" in hmap else None
                pos = body_start
            if body_start is None:
                continue
            now = round(time.monotonic() - t0, 2)
            if chunked:
                while True:
                    eol = buf.find(b"\r\n", pos)
                    if eol < 0:
                        break
                    size = int(buf[pos:eol].split(b";")[0], 16)
                    if len(buf) < eol + 2 + size + 2:
                        break
                    payload = buf[eol + 2 : eol + 2 + size]
                    pos = eol + 2 + size + 2
                    if size == 0:
                        done = True
                        break
                    text_buf += payload
                    while b"\n" in text_buf:
                        line, _, text_buf = text_buf.partition(b"\n")
                        lines.append((now, line.decode("utf-8", "replace")))
            elif length is not None and len(buf) - body_start >= length:
                text_buf = buf[body_start : body_start + length]
                done = True
    finally:
        sock.close()
    raw = text_buf if not chunked else "".join(ln + "\n" for _t, ln in lines).encode() + text_buf
    out = Response(status, resp_headers, raw.decode("utf-8", "replace"), raw, lines)
    return out


def api_json(base_url: str, method: str, path: str, token: str, payload=None):
    """A plain JSON API call (for the hidden steps): (status, parsed body or text)."""
    headers = [("Host", "x"), ("Accept", "application/json"), ("Authorization", f"Bearer {token}")]
    body = b""
    if payload is not None:
        body = json.dumps(payload).encode()
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    resp = request(base_url, method, path, headers, body)
    status = int(resp.status_line.split(" ")[1])
    try:
        return status, json.loads(resp.body)
    except ValueError:
        return status, resp.body


def get_token(base_url: str, user: str) -> str:
    status, body = api_json_noauth(base_url, "/auth/token", {"username": user, "password": user})
    if status != 201:
        raise RuntimeError(f"POST {base_url}/auth/token as {user}: {status} {body}")
    return body["access_token"]


def api_json_noauth(base_url: str, path: str, payload) -> tuple:
    body = json.dumps(payload).encode()
    headers = [
        ("Host", "x"),
        ("Accept", "application/json"),
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
    ]
    resp = request(base_url, "POST", path, headers, body)
    try:
        return int(resp.status_line.split(" ")[1]), json.loads(resp.body)
    except ValueError:
        return int(resp.status_line.split(" ")[1]), resp.body


# --------------------------------------------------------------------------- comparing


class Clock:
    """Which timestamps count as made from the clock: the recording day's (recorded side) and
    the replay's (our side), +-1 day. Fixtures (2023/2024) and far dates (2030, 2099) are not."""

    def __init__(self, recorded_at: str | None):
        rec = _parse_ts(recorded_at) if recorded_at else None
        now = dt.datetime.now(dt.timezone.utc)
        self.windows = [(now - dt.timedelta(days=1), now + dt.timedelta(days=1))]
        if rec:
            self.windows.append((rec - dt.timedelta(days=1), rec + dt.timedelta(days=1)))

    def is_clock(self, text: str) -> bool:
        t = _parse_ts(text)
        return t is not None and any(lo <= t <= hi for lo, hi in self.windows)

    def blank(self, text: str) -> str:
        def repl(m):
            return "<now>" if self.is_clock(m.group(0)) else m.group(0)

        text = TS_RE.sub(repl, text)
        return RUN_SUFFIX_RE.sub(r"\1_<rand>", text)


def _parse_ts(text: str):
    m = TS_RE.fullmatch(text.strip()) if text else None
    if not m:
        return None
    try:
        return dt.datetime.fromisoformat(m.group(1)).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def decode_cursor(cursor: str):
    """A list cursor (base64url msgpack, "~" prefix for backwards) as a list, timestamps as
    "<ts>"; None when it is not one (then it is compared as an opaque string)."""
    raw_text = cursor[1:] if cursor.startswith("~") else cursor
    try:
        data = _unb64url(raw_text)
    except (ValueError, TypeError):
        return None
    pos = 0

    def item():
        nonlocal pos
        b = data[pos]
        pos += 1
        if b <= 0x7F:
            return b
        if 0x90 <= b <= 0x9F:
            return [item() for _ in range(b & 0x0F)]
        if 0xA0 <= b <= 0xBF:
            n = b & 0x1F
            pos += n
            return data[pos - n : pos].decode()
        sizes = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8, 0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}
        if b in sizes:
            n = sizes[b]
            pos += n
            return int.from_bytes(data[pos - n : pos], "big", signed=b >= 0xD0)
        if b in (0xD6, 0xD7) and data[pos] == 0xFF:  # timestamp 32/64
            pos += 1 + (4 if b == 0xD6 else 8)
            return "<ts>"
        if b == 0xC7 and data[pos + 1] == 0xFF:  # timestamp 96
            pos += 2 + data[pos]
            return "<ts>"
        if b == 0xC0:
            return None
        if b == 0xD9:
            n = data[pos]
            pos += 1 + n
            return data[pos - n : pos].decode()
        raise ValueError(f"msgpack type {b:#x}")

    try:
        value = item()
    except (IndexError, ValueError, UnicodeDecodeError):
        return None
    if pos != len(data):
        return None
    return ["~" if cursor.startswith("~") else ">", value]


class Comparer:
    def __init__(self, clock: Clock):
        self.clock = clock
        self.mapping: dict = {}  # recorded generated value -> ours (for later requests)

    # -- generated-value pairs ---------------------------------------------------------

    def generated_equal(self, rec: str, ours: str, key: str | None) -> bool:
        """rec and ours differ only in what the servers generated."""
        if rec == ours:
            return True
        if key in ("next_cursor", "previous_cursor"):
            dr, do = decode_cursor(rec), decode_cursor(ours)
            return dr is not None and dr == do and "<ts>" in json.dumps(dr)
        if JWT_RE.fullmatch(rec) and JWT_RE.fullmatch(ours):
            return self.same_token_shape(rec, ours)
        return self.blank_text(rec) == self.blank_text(ours)

    def blank_text(self, text: str) -> str:
        text = self.clock.blank(text)
        text = UUID_RE.sub("<uuid>", text)
        text = ERROR_ID_RE.sub(r"\1<id>", text)
        return JWT_RE.sub("<jwt>", text)

    @staticmethod
    def same_token_shape(rec: str, ours: str) -> bool:
        try:
            (hr, cr), (ho, co) = jwt_parts(rec), jwt_parts(ours)
        except (ValueError, TypeError):
            return False
        fixed = ("sub", "role", "teams", "aud")
        return (
            hr == ho
            and list(cr) == list(co)
            and all(cr.get(k) == co.get(k) for k in fixed)
            and cr["exp"] - cr["iat"] == co["exp"] - co["iat"]
        )

    def walk(self, rec, ours, key=None, parent_rec=None, parent_ours=None, out=None):
        """Blank generated values in parallel structures; returns (rec', ours') and collects
        recorded -> ours pairs of generated strings in out."""
        if isinstance(rec, dict) and isinstance(ours, dict):
            r2, o2 = {}, {}
            for k in rec:
                if k in ours:
                    r2[k], o2[k] = self.walk(rec[k], ours[k], k, rec, ours, out)
                else:
                    r2[k] = rec[k]
            for k in ours:
                if k not in rec:
                    o2[k] = ours[k]
            # key order matters too: rebuild ours in its own order
            o2 = {k: o2[k] for k in ours}
            return r2, o2
        if isinstance(rec, list) and isinstance(ours, list):
            pairs = [self.walk(r, o, key, None, None, out) for r, o in zip(rec, ours)]
            r2 = [p[0] for p in pairs] + rec[len(pairs) :]
            o2 = [p[1] for p in pairs] + ours[len(pairs) :]
            return r2, o2
        if isinstance(rec, str) and isinstance(ours, str):
            if rec != ours and self.generated_equal(rec, ours, key):
                if out is not None:
                    out[rec] = ours
                return "<generated>", "<generated>"
            return rec, ours
        if key == "duration" and isinstance(rec, (int, float)) and isinstance(ours, (int, float)):
            dates = [
                d
                for p in (parent_rec, parent_ours)
                if p
                for d in (p.get("start_date"), p.get("end_date"))
            ]
            if rec != ours and any(isinstance(d, str) and self.clock.is_clock(d) for d in dates):
                return "<duration>", "<duration>"
        return rec, ours

    def apply_mapping(self, text: str) -> str:
        for old in sorted(self.mapping, key=len, reverse=True):
            new = self.mapping[old]
            text = text.replace(old, new)
            text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
        return text

    # -- verdicts -------------------------------------------------------------------------

    def compare_headers(self, ex: Exchange, resp: Response) -> list:
        exp_h = sorted(
            (k.lower(), v) for k, v in ex.resp_headers if k.lower() not in IGNORED_HEADERS
        )
        got_h = sorted((k.lower(), v) for k, v in resp.headers if k.lower() not in IGNORED_HEADERS)
        if exp_h == got_h:
            return []
        missing = sorted(set(exp_h) - set(got_h))
        extra = sorted(set(got_h) - set(exp_h))
        return [f"headers: recorded-only {missing}, ours-only {extra}"]

    def learn(self, pairs: dict) -> list:
        """Remember recorded -> ours generated values; a recorded value that our server now
        answers differently from before (where the recording kept it) is a problem."""
        problems = []
        for old, new in pairs.items():
            if old in self.mapping and self.mapping[old] != new:
                problems.append(
                    f"generated value changed: recorded {old!r} was ours "
                    f"{self.mapping[old]!r} before, now {new!r}"
                )
            else:
                self.mapping[old] = new
        return problems

    def compare_json_text(self, rec_text: str, our_text: str) -> tuple:
        """(verdict, problems) for two bodies; updates the mapping."""
        if rec_text == our_text:
            return "identical", []
        try:
            rec_obj, our_obj = json.loads(rec_text), json.loads(our_text)
        except ValueError:
            rec_obj = our_obj = None
        if rec_obj is not None:
            pairs: dict = {}
            r2, o2 = self.walk(rec_obj, our_obj, out=pairs)
            problems = self.learn(pairs)
            if problems:
                return "diff", problems
            if _dumps(r2) == _dumps(o2):
                return "equal-blanked", []
        elif self.blank_text(rec_text) == self.blank_text(our_text):
            return "equal-blanked", []
        return "diff", [_body_diff(rec_text, our_text)]


def _dumps(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _body_diff(expected: str, got: str) -> str:
    pad = "\n" + " " * 14
    a, b = expected.strip("\n"), got.strip("\n")
    # show the first difference with some context
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    lo = max(0, i - 150)
    return (
        f"body (first difference at char {i}):\n    recorded: "
        + a[lo : i + 250].replace("\n", pad)
        + "\n    ours:     "
        + b[lo : i + 250].replace("\n", pad)
    )


# --------------------------------------------------------------------------- replaying


@dataclass
class Result:
    number: int
    title: str
    method: str
    path: str
    verdict: str
    status_line: str = ""
    details: list = field(default_factory=list)
    note: str = ""
    body: str = ""


class Replayer:
    def __init__(
        self,
        exchanges: list,
        targets: dict,
        jwt_secret: str = DEFAULT_JWT_SECRET,
        hidden_steps: bool = True,
        log=None,
    ):
        self.exchanges = exchanges
        self.targets = {str(k): v.rstrip("/") for k, v in targets.items()}
        self.secret = jwt_secret
        self.hidden_steps = hidden_steps
        self.log = log or (lambda msg: None)
        recorded_at = getattr(exchanges[0], "recorded_at", None) if exchanges else None
        self.cmp = Comparer(Clock(recorded_at))
        self.tokens: dict = {}  # (base, user) -> (token, issued monotonic)
        self.last_token: dict = {}  # base -> (token, issued monotonic) of the last request

    # -- tokens -----------------------------------------------------------------------------

    def token(self, base: str, user: str, fresh: bool = False) -> str:
        key = (base, user)
        if fresh or key not in self.tokens or self._short_lived(self.tokens[key][0]):
            self.tokens[key] = (get_token(base, user), time.monotonic())
        return self.tokens[key][0]

    @staticmethod
    def _short_lived(token: str) -> bool:
        claims = jwt_parts(token)[1]
        return claims["exp"] - claims["iat"] < 600  # e.g. the 5-s tokens: fetch one per request

    def substitute_headers(self, ex: Exchange, base: str) -> list:
        headers = []
        reuse = re.search(r"The same token ([\d.]+) s after it was issued", ex.note)
        for name, value in ex.headers:
            if "<ADMIN_TOKEN>" in value:
                if reuse and base in self.last_token:
                    tok, issued = self.last_token[base]
                    wait = issued + float(reuse.group(1)) - time.monotonic()
                    if wait > 0:
                        self.log(
                            f"#{ex.number}: waiting {wait:.1f} s (token age {reuse.group(1)} s)"
                        )
                        time.sleep(wait)
                else:
                    tok = self.token(base, "admin")
                    self.last_token[base] = (tok, self.tokens[(base, "admin")][1])
                value = value.replace("<ADMIN_TOKEN>", tok)
            if "<VIEWER_TOKEN>" in value:
                value = value.replace("<VIEWER_TOKEN>", self.token(base, "viewer"))
            if "<EXPIRED_TOKEN>" in value:
                value = value.replace(
                    "<EXPIRED_TOKEN>", forge_token(self.token(base, "admin"), self.secret, -3600)
                )
            if "<WRONG_KEY_TOKEN>" in value:
                value = value.replace(
                    "<WRONG_KEY_TOKEN>", forge_token(self.token(base, "admin"), WRONG_KEY)
                )
            headers.append((name, value))
        return headers

    def subst(self, text: str, encoded: bool = False) -> str:
        for old in sorted(self.cmp.mapping, key=len, reverse=True):
            new = self.cmp.mapping[old]
            if encoded:
                quote = urllib.parse.quote
                text = text.replace(quote(old, safe=""), quote(new, safe=""))
            text = text.replace(old, new)
        return text

    # -- hidden steps -----------------------------------------------------------------------

    def before(self, ex: Exchange, base: str) -> None:
        if not self.hidden_steps:
            return
        if "created 110 runs bulk_000..bulk_109" in ex.note:
            token = self.token(base, "admin")
            start = dt.datetime(2023, 6, 1, tzinfo=dt.timezone.utc)
            for i in range(110):
                date = (start + dt.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
                payload = {"dag_run_id": f"bulk_{i:03d}", "logical_date": date, "conf": {"i": i}}
                status, body = api_json(
                    base, "POST", "/api/v2/dags/another_dag/dagRuns", token, payload
                )
                if status != 200:
                    raise RuntimeError(
                        f"hidden step before #{ex.number}: bulk_{i:03d}: {status} {body}"
                    )
            self.log(f"#{ex.number}: created bulk_000..bulk_109 (hidden step)")
        if "bulk_106 was set to success before" in ex.note:
            status, body = api_json(
                base,
                "PATCH",
                "/api/v2/dags/another_dag/dagRuns/bulk_106",
                self.token(base, "admin"),
                {"state": "success"},
            )
            if status != 200:
                raise RuntimeError(f"hidden step before #{ex.number}: bulk_106: {status} {body}")

    def after(self, ex: Exchange, base: str, resp: Response) -> None:
        if not self.hidden_steps:
            return
        if "polls until it is success" in ex.title and ex.method == "POST":
            run_id = json.loads(resp.body).get("dag_run_id") if resp.body.startswith("{") else None
            dag_id = ex.path.split("/")[4]
            if run_id:
                self.wait_for(
                    base,
                    f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}",
                    lambda b: b.get("state") in ("success", "failed"),
                    f"{dag_id}/{run_id}",
                )
        if "the scheduler then makes an asset-triggered consumer run" in ex.title:
            # the consumer run that the producer's asset event made, finished
            self.wait_for(
                base,
                "/api/v2/dags/asset_consumer/dagRuns?run_type=asset_triggered&order_by=-id&limit=1",
                lambda b: (
                    bool(b["dag_runs"])
                    and "harness1" not in b["dag_runs"][0]["dag_run_id"]
                    and b["dag_runs"][0]["state"] in ("success", "failed")
                ),
                "the asset-triggered consumer run",
            )

    def wait_for(self, base: str, path: str, done, what: str, timeout: float = 240.0) -> None:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            status, body = api_json(base, "GET", path, self.token(base, "admin"))
            if status == 200 and isinstance(body, dict) and done(body):
                self.log(f"waited {time.monotonic() - t0:.1f} s for {what} (hidden step)")
                return
            time.sleep(1)
        raise RuntimeError(f"hidden step: {what} not done within {timeout:.0f} s")

    # -- one exchange ----------------------------------------------------------------------

    def run(self, only=None) -> list:
        results = []
        for ex in self.exchanges:
            base = self.targets.get(ex.port)
            res = Result(ex.number, ex.title, ex.method, ex.path, "skipped")
            if base is None:
                res.note = f"no server given for port {ex.port}"
            elif only is not None and ex.number not in only:
                res.note = "not selected"
            else:
                try:
                    self.before(ex, base)
                    res = self.replay_one(ex, base)
                except (OSError, http.client.HTTPException, RuntimeError, ValueError) as exc:
                    res.verdict = "diff"
                    res.details = [f"error: {type(exc).__name__}: {exc}"]
            results.append(res)
            self.log(format_result(res))
        return results

    def replay_one(self, ex: Exchange, base: str) -> Result:
        res = Result(ex.number, ex.title, ex.method, ex.path, "diff")
        if ex.same_connection:
            return self.replay_keepalive(ex, base, res)
        headers = self.substitute_headers(ex, base)
        path = self.subst(ex.path, encoded=True)
        body = self.subst(ex.body.decode("utf-8")).encode("utf-8")
        stream, max_time = None, 120.0
        if ex.body_kind == "timed-stream":
            times = [float(m) for m in re.findall(r"^\[\+([\d.]+)s\]", ex.resp_body, re.MULTILINE)]
            if "--max-time" in ex.resp_body:
                stream, max_time = "timed", round(times[-1] + 0.45, 2)
            else:
                stream, max_time = "until-end", 180.0
        elif ex.body_kind == "stream":
            stream, max_time = "until-end", 30.0
        resp = request(base, ex.method, path, headers, body, stream=stream, max_time=max_time)
        res.status_line, res.body = resp.status_line, resp.body
        problems = []
        if resp.status_line != ex.status_line:
            problems.append(f"status: recorded {ex.status_line!r}, got {resp.status_line!r}")
        problems += self.cmp.compare_headers(ex, resp)
        verdict, body_problems, note = self.compare_body(ex, resp)
        problems += body_problems
        res.verdict = "diff" if problems else verdict
        res.details, res.note = problems, note
        self.after(ex, base, resp)
        return res

    def compare_body(self, ex: Exchange, resp: Response) -> tuple:
        kind = ex.body_kind
        if kind in ("verbatim", "gzip", "none"):
            rec_text = ex.resp_body
            if kind == "none" and resp.body == "":
                return "identical", [], ""
            verdict, problems = self.cmp.compare_json_text(rec_text, resp.body)
            return verdict, problems, ("gunzipped" if kind == "gzip" else "")
        if kind == "summary":
            return self.compare_summary(ex, resp)
        if kind == "stream":
            got = "\n".join(line for _t, line in resp.lines)
            if got == ex.resp_body.strip("\n"):
                return "identical", [], ""
            return "diff", [_body_diff(ex.resp_body, got)], ""
        if kind == "timed-stream":
            return self.compare_timed_stream(ex, resp)
        return "diff", [f"unknown body kind {kind}"], ""

    def compare_summary(self, ex: Exchange, resp: Response) -> tuple:
        note = "summarized in the transcript: compared by shape, run ids, counts, cursors"
        try:
            rec = parse_summary(ex.resp_body)
            ours = summarize(json.loads(resp.body))
        except ValueError as exc:
            return "diff", [f"summary: {exc}"], note
        pairs: dict = {}
        r2, o2 = self.cmp.walk(rec, ours, out=pairs)
        problems = self.cmp.learn(pairs)
        if _dumps(r2) != _dumps(o2):
            problems.append(_body_diff(_dumps(rec), _dumps(ours)))
        rec_len = ex.resp_header_map.get("content-length")
        if rec_len is not None and int(rec_len) != len(resp.raw):
            problems.append(f"content-length: recorded {rec_len}, ours {len(resp.raw)}")
        return ("diff" if problems else "equal-blanked"), problems, note

    def compare_timed_stream(self, ex: Exchange, resp: Response) -> tuple:
        rec_lines = [
            re.sub(r"^\[\+[\d.]+s\] ", "", ln)
            for ln in ex.resp_body.split("\n")
            if ln.startswith("[+")
        ]
        got = [line for _t, line in resp.lines]
        timing = " ".join(f"+{t:.2f}s" for t, _l in resp.lines)
        if "--max-time" in ex.resp_body:
            note = f"timing-dependent: compared loosely (lines at {timing})"
            # one line per interval: the count may drift by a line (or a quarter under load)
            ok = set(got) == set(rec_lines) and abs(len(got) - len(rec_lines)) <= max(
                1, len(rec_lines) // 4
            )
        else:
            note = f"scheduler-dependent: compared loosely (lines at {timing})"
            order = {'{"state": "queued"}': 0, '{"state": "running"}': 1}
            ranks = [order.get(line, 2) for line in got]
            ok = (
                bool(got)
                and got[-1] == rec_lines[-1]
                and all(line in order for line in got[:-1])
                and ranks == sorted(ranks)
                and resp.lines[0][0] < 3.0  # the first line comes at once
            )
        if ok:
            return "equal-blanked", [], note
        return (
            "diff",
            [
                "stream:\n    recorded: "
                + " | ".join(rec_lines)
                + "\n    ours:     "
                + " | ".join(got)
            ],
            note,
        )

    def replay_keepalive(self, ex: Exchange, base: str, res: Result) -> Result:
        """#244: the requests of one block on one connection; the later ones must reuse it."""
        conn = _connect(base)
        problems, sock = [], None
        try:
            for n, part in enumerate([ex] + ex.same_connection):
                _send(
                    conn,
                    base,
                    part.method,
                    self.subst(part.path, encoded=True),
                    self.substitute_headers(ex if n == 0 else part, base),
                    part.body,
                )
                if n == 0:
                    sock = conn.sock
                elif conn.sock is not sock:
                    problems.append(f"request {n + 1}: a new connection was opened")
                r = conn.getresponse()
                raw = r.read()
                resp = Response(_status(r), r.getheaders(), raw.decode("utf-8", "replace"), raw)
                if resp.status_line != part.status_line:
                    problems.append(
                        f"request {n + 1} status: recorded {part.status_line!r}, "
                        f"got {resp.status_line!r}"
                    )
                problems += [f"request {n + 1} {p}" for p in self.cmp.compare_headers(part, resp)]
                rec_len = part.resp_header_map.get("content-length")
                if rec_len is not None and int(rec_len) != len(raw):
                    problems.append(
                        f"request {n + 1} content-length: recorded {rec_len}, ours {len(raw)}"
                    )
                if r.will_close:
                    problems.append(f"request {n + 1}: the server closes the connection")
        finally:
            conn.close()
        res.status_line = part.status_line
        res.verdict = "diff" if problems else "equal-blanked"
        res.details = problems
        res.note = "keep-alive: body not in the transcript; compared status, headers, length, reuse"
        return res


def replay(
    exchanges: list,
    targets: dict,
    *,
    jwt_secret: str = DEFAULT_JWT_SECRET,
    only=None,
    hidden_steps: bool = True,
    log=None,
) -> list:
    """Replay exchanges in order against {recorded port: base URL} (e.g. {"28091": url});
    returns one Result per exchange (verdict in VERDICTS)."""
    return Replayer(exchanges, targets, jwt_secret, hidden_steps, log).run(only)


def count(results: list) -> dict:
    counts = {v: 0 for v in VERDICTS}
    for r in results:
        counts[r.verdict] += 1
    return counts


def format_result(r: Result) -> str:
    line = (
        f"{r.verdict:13} #{r.number} {r.method} {r.path[:80]} -> {r.status_line[9:]}  ({r.title})"
    )
    extra = [f"    {r.note}"] if r.note and r.verdict != "identical" else []
    for d in r.details:
        extra.append("    " + d.replace("\n", "\n    "))
    return "\n".join([line] + extra)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("transcripts", nargs="?", default=DEFAULT_TRANSCRIPTS)
    ap.add_argument("--url", help="root URL of the default server (exchanges on port 28091)")
    ap.add_argument("--sched-url", help="root URL of the sched server (port 28092: #245-#268)")
    ap.add_argument(
        "--start",
        action="store_true",
        help="start both servers with server.py (names default, sched), stop after",
    )
    ap.add_argument("--only", help="exchange numbers, e.g. 1-20,65 (later ones may need earlier)")
    ap.add_argument(
        "--jwt-secret", default=DEFAULT_JWT_SECRET, help="the server's [api_auth] jwt_secret"
    )
    ap.add_argument("--no-hidden-steps", action="store_true", help="skip the unshown steps")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print progress notes")
    args = ap.parse_args(argv)
    with open(args.transcripts, "r", encoding="utf-8") as fh:
        exchanges = parse_transcripts(fh.read())
    started = []
    try:
        if args.start:
            server = server_module()
            args.url = server.start("default")
            started.append("default")
            print(f"default server: {args.url}", flush=True)
            args.sched_url = server.start("sched", scheduler=True, token_seconds=5, any_run_id=True)
            started.append("sched")
            print(f"sched server: {args.sched_url}", flush=True)
        if not args.url and not args.sched_url:
            ap.error("give --url and/or --sched-url (or --start)")
        targets = {}
        if args.url:
            targets[DEFAULT_PORT] = args.url
        if args.sched_url:
            targets[SCHED_PORT] = args.sched_url

        def log(msg):
            if args.verbose or not msg.startswith(("waited", "#")):
                print(msg, flush=True)

        t0 = time.monotonic()
        results = replay(
            exchanges,
            targets,
            jwt_secret=args.jwt_secret,
            only=parse_only(args.only),
            hidden_steps=not args.no_hidden_steps,
            log=log,
        )
        counts = count(results)
        print(
            f"replay: {len(results)} exchanges in {time.monotonic() - t0:.0f} s: "
            + ", ".join(f"{counts[v]} {v}" for v in VERDICTS)
        )
        return 1 if counts["diff"] else 0
    finally:
        for name in started:
            server_module().stop(name)


if __name__ == "__main__":
    sys.exit(main())
