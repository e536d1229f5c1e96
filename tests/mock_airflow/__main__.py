"""Run the mock standalone: ``PYTHONPATH=tests python -m mock_airflow --port 8080``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .endpoints import RELAXED_RUN_ID_PATTERN
from .server import DEFAULT_SPEC, MOCK_TOKEN, MockAirflow
from .v2_server import DEFAULT_V2_SPEC


def main(argv: "list[str] | None" = None) -> int:
    """Parse options, serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m mock_airflow", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: ephemeral)")
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="openapi.yaml to validate against")
    parser.add_argument("--no-spec", action="store_true", help="do not validate requests")
    parser.add_argument(
        "--v2-spec", default=DEFAULT_V2_SPEC, help="openapi-v2.yaml to validate v2 requests against"
    )
    parser.add_argument(
        "--sched",
        action="store_true",
        help="v2 like the transcripts' second server: a scheduler, 5-s tokens, run ids ^.+$",
    )
    parser.add_argument("--strict-auth", action="store_true", help="401 for bad credentials")
    parser.add_argument(
        "--relaxed-run-ids",
        action="store_true",
        help=f"allow run ids matching {RELAXED_RUN_ID_PATTERN}",
    )
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)

    mock = MockAirflow(
        args.port,
        spec_path=None if args.no_spec else args.spec,
        v2_spec_path=None if args.no_spec else args.v2_spec,
        verbose=args.verbose,
    )
    mock.set_strict_auth(args.strict_auth)
    if args.relaxed_run_ids:
        mock.set_run_id_pattern(RELAXED_RUN_ID_PATTERN)
    if args.sched:
        mock.use_sched_variant()
    mock.start()
    print(f"Mock Airflow serving {mock.url}", flush=True)
    print(f"  and Airflow 3.3 at {mock.v2_url} (POST {mock.root_url}/auth/token)", flush=True)
    print(f"  users admin/admin, viewer/viewer; bearer token {MOCK_TOKEN}", flush=True)
    print(f"  controls under {mock.root_url}/_mock/ (see mock_airflow/control.py)", flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        mock.stop()
        for violation in mock.spec_violations:
            print(f"spec violation: {violation}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
