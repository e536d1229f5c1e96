"""The contestants, each run by run.py with the python of its own virtualenv.

    floor    raw urllib3 PoolManager + json.loads into dicts (json.dumps for the POST body)
    sdk      our SDK, airflow_python_sdk
    stock    openapi-generator's stock `python` output for our openapi.yaml (stock_client)
    airflow  the official apache-airflow-client 2.10.0 (airflow_client.client)

and, for Airflow 3 (/api/v2; HOST is then the server's root):

    floor3   raw urllib3 + json.loads, with a bearer token got once from POST /auth/token
    sdk3     our SDK's v2 layer, airflow_python_sdk.v2 (it logs in by itself)
    airflow3 the official apache-airflow-client 3.3.2, given the token of one login

Modes (each prints one JSON line per answer):
    serve NAME HOST         a worker: reads JSON commands from stdin, e.g.
                            {"op": "get", "calls": 300}, {"op": "list", "limit": 1000, "calls": 3};
                            answers {"value": median seconds per call} or {"error": "..."}
    import NAME             seconds to import the package and its DAGRunApi (urllib3 for the floor)
    first NAME HOST         seconds for import + client (+ login, v2) + first get_dag_run
    rss NAME HOST LIMIT     RSS growth in bytes while holding the decoded LIMIT runs (and, as
                            "trimmed", the same after malloc_trim(0))

Only `sys` and `time` are imported before a fresh-process figure is timed.
"""

import sys
import time

USER, PASSWORD = "admin", "admin"
DAG_ID = "example_sdk_dag"
RUN_ID = "manual__2024-01-10T00:00:00.123456+00:00"  # the run the bench server answers GET with
CONF = {"a": 1, "nested": {"b": [1, 2]}}


def import_package(name):
    """What the import figure times: the package and its DAGRunApi (urllib3 alone for the floor)."""
    if name == "floor":
        import urllib3  # noqa: F401
    elif name == "sdk":
        import airflow_python_sdk  # noqa: F401
        from airflow_python_sdk.api.dag_run_api import DAGRunApi  # noqa: F401
    elif name == "stock":
        import stock_client  # noqa: F401
        from stock_client.api.dag_run_api import DAGRunApi  # noqa: F401
    elif name == "airflow":
        import airflow_client.client  # noqa: F401
        from airflow_client.client.api.dag_run_api import DAGRunApi  # noqa: F401
    elif name == "floor3":
        import urllib3  # noqa: F401
    elif name == "sdk3":
        import airflow_python_sdk.v2  # noqa: F401
        from airflow_python_sdk.v2.api.dag_run_api import DagRunApi  # noqa: F401
    elif name == "airflow3":
        import airflow_client.client  # noqa: F401
        from airflow_client.client.api.dag_run_api import DagRunApi  # noqa: F401
    else:
        raise ValueError(f"unknown contestant {name!r}")


def login(pool, root):
    """POST /auth/token on an Airflow 3 server: the access token (what floor3 and airflow3 use)."""
    import json

    body = json.dumps({"username": USER, "password": PASSWORD}).encode()
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    answer = pool.request("POST", root.rstrip("/") + "/auth/token", body=body, headers=headers)
    if answer.status != 201:
        raise RuntimeError(f"login: HTTP {answer.status}")
    return json.loads(answer.data)["access_token"]


class Floor:
    """What any client must at least do: one pooled request and json.loads, into dicts."""

    def __init__(self, host):
        import json
        from urllib.parse import quote

        import urllib3

        self.json, self.quote, self.host = json, quote, host
        self.pool = urllib3.PoolManager()
        self.headers = {"Accept": "application/json", "Authorization": self.authorization()}
        self.post_headers = {**self.headers, "Content-Type": "application/json"}

    def authorization(self):
        import base64

        return "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

    def post_body(self, run_id, conf):
        return {"dag_run_id": run_id, "conf": conf}

    def _call(self, method, path, body=None, headers=None):
        answer = self.pool.request(
            method, self.host + path, body=body, headers=headers or self.headers
        )
        if answer.status != 200:
            raise RuntimeError(f"HTTP {answer.status}")
        return self.json.loads(answer.data)

    def get(self, dag_id, run_id):
        q = self.quote
        return self._call("GET", f"/dags/{q(dag_id, safe='')}/dagRuns/{q(run_id, safe='')}")

    def post(self, dag_id, run_id, conf):
        body = self.json.dumps(self.post_body(run_id, conf)).encode()
        path = f"/dags/{self.quote(dag_id, safe='')}/dagRuns"
        return self._call("POST", path, body, self.post_headers)

    def list(self, dag_id, limit):
        return self._call("GET", f"/dags/{self.quote(dag_id, safe='')}/dagRuns?limit={limit}")


class GeneratedClient:
    """A generated client used the seed's way: `DAGRunApi(ApiClient(Configuration(...)))`.

    Each subclass names its package's modules; the calls are the same for all three
    (V2Client below: the same for Airflow 3's two).
    """

    package = ""
    api_module = ""
    model_module = ""
    api_class, model_class = "DAGRunApi", "DAGRun"

    def __init__(self, host):
        import importlib

        package = importlib.import_module(self.package)
        api = importlib.import_module(self.api_module)
        self.model = getattr(importlib.import_module(self.model_module), self.model_class)
        config = self.configuration(package, host)
        self.api = getattr(api, self.api_class)(package.ApiClient(config))

    def configuration(self, package, host):
        return package.Configuration(host=host, username=USER, password=PASSWORD)

    def get(self, dag_id, run_id):
        return self.api.get_dag_run(dag_id, run_id)

    def post(self, dag_id, run_id, conf):
        return self.api.post_dag_run(dag_id, self.model(dag_run_id=run_id, conf=conf))

    def list(self, dag_id, limit):
        return self.api.get_dag_runs(dag_id, limit=limit)


class Sdk(GeneratedClient):
    """Our SDK, used as its README shows."""

    package = "airflow_python_sdk"
    api_module = "airflow_python_sdk.api.dag_run_api"
    model_module = "airflow_python_sdk.model.dag_run"


class Stock(GeneratedClient):
    """openapi-generator's stock python client (pydantic v2 models), generated from openapi.yaml."""

    package = "stock_client"
    api_module = "stock_client.api.dag_run_api"
    model_module = "stock_client.models.dag_run"


class Airflow(GeneratedClient):
    """The official client, apache-airflow-client 2.10.0."""

    package = "airflow_client.client"
    api_module = "airflow_client.client.api.dag_run_api"
    model_module = "airflow_client.client.model.dag_run"


class Floor3(Floor):
    """The floor for Airflow 3: the same, with a bearer token got once here, not per call."""

    def __init__(self, root):
        self.root = root.rstrip("/")
        super().__init__(self.root + "/api/v2")

    def authorization(self):
        return "Bearer " + login(self.pool, self.root)

    def post_body(self, run_id, conf):
        return {"dag_run_id": run_id, "logical_date": None, "conf": conf}


class V2Client(GeneratedClient):
    """A generated Airflow 3 client: `DagRunApi`, `trigger_dag_run(TriggerDAGRunPostBody)`."""

    api_class, model_class = "DagRunApi", "TriggerDAGRunPostBody"

    def post(self, dag_id, run_id, conf):
        body = self.model(dag_run_id=run_id, logical_date=None, conf=conf)
        return self.api.trigger_dag_run(dag_id, body)


class Sdk3(V2Client):
    """Our SDK's v2 layer, used as its README shows: it logs in at /auth/token by itself."""

    package = "airflow_python_sdk.v2"
    api_module = "airflow_python_sdk.v2.api.dag_run_api"
    model_module = "airflow_python_sdk.v2.models.trigger_dag_run_post_body"


class Airflow3(V2Client):
    """The official client, apache-airflow-client 3.3.2: it cannot log in, so it is given the
    token of one login (made with urllib3, its own dependency)."""

    package = "airflow_client.client"
    api_module = "airflow_client.client.api.dag_run_api"
    model_module = "airflow_client.client.models.trigger_dag_run_post_body"

    def configuration(self, package, host):
        import urllib3

        return package.Configuration(host=host, access_token=login(urllib3.PoolManager(), host))


CLIENTS = {"floor": Floor, "sdk": Sdk, "stock": Stock, "airflow": Airflow}
CLIENTS.update(floor3=Floor3, sdk3=Sdk3, airflow3=Airflow3)


def field(obj, name):
    """A field of a decoded answer: a dict key for the floor, an attribute for the clients."""
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def check_list(answer, limit):
    runs = field(answer, "dag_runs")
    if len(runs) != limit or not field(runs[-1], "dag_run_id"):
        raise AssertionError(f"expected {limit} runs, got {len(runs)}")


def check_run(answer, run_id):
    if field(answer, "dag_run_id") != run_id:
        raise AssertionError(f"expected run {run_id!r}, got {field(answer, 'dag_run_id')!r}")


def error_text(error):
    """An exception as one short line for the report."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:400]}"


def timed_calls(call, calls, check):
    """Median seconds per call over `calls` calls; `check` validates the first answer (untimed)."""
    import statistics

    times = []
    for i in range(calls):
        start = time.perf_counter()
        answer = call()
        times.append(time.perf_counter() - start)
        if i == 0:
            check(answer)
        del answer
    return statistics.median(times)


def serve(name, host):
    """The worker loop: one command per stdin line, one JSON answer per stdout line."""
    import json

    client = None
    try:
        client = CLIENTS[name](host)
        ready = {"value": "ready"}
    except Exception as error:  # noqa: BLE001 - reported, not fixed
        ready = {"error": error_text(error)}
    print(json.dumps(ready), flush=True)
    posted = 0

    def post():
        nonlocal posted
        posted += 1
        return client.post(DAG_ID, f"bench_run_{posted}", CONF)

    for line in sys.stdin:
        command = json.loads(line)
        op, calls = command["op"], command.get("calls", 1)
        try:
            if client is None:
                raise RuntimeError(ready["error"])
            if op == "get":
                value = timed_calls(
                    lambda: client.get(DAG_ID, RUN_ID),
                    calls,
                    lambda answer: check_run(answer, RUN_ID),
                )
            elif op == "post":
                value = timed_calls(
                    post, calls, lambda answer: check_run(answer, "bench_posted_run")
                )
            elif op == "list":
                limit = command["limit"]
                value = timed_calls(
                    lambda n=limit: client.list(DAG_ID, n),
                    calls,
                    lambda answer, n=limit: check_list(answer, n),
                )
            else:
                raise ValueError(f"unknown op {op!r}")
            answer = {"value": value}
        except Exception as error:  # noqa: BLE001 - reported, not fixed
            answer = {"error": error_text(error)}
        print(json.dumps(answer), flush=True)


def rss_bytes():
    import os

    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def trimmed_growth(before):
    """RSS growth once glibc has handed its free heap pages back (malloc_trim), or None.

    A diagnostic: what remains is what the decoded runs really hold; the difference is memory
    freed during decoding that the allocator kept."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return None
    return rss_bytes() - before


def main(argv):
    mode, name = argv[0], argv[1]
    try:
        if mode == "serve":
            return serve(name, argv[2])
        if mode == "import":
            start = time.perf_counter()
            import_package(name)
            value = time.perf_counter() - start
        elif mode == "first":
            start = time.perf_counter()
            CLIENTS[name](argv[2]).get(DAG_ID, RUN_ID)
            value = time.perf_counter() - start
        elif mode == "rss":
            import gc

            client, limit = CLIENTS[name](argv[2]), int(argv[3])
            client.list(DAG_ID, 1)  # code, schemas and caches are loaded before the first reading
            gc.collect()
            before = rss_bytes()
            kept = client.list(DAG_ID, limit)
            gc.collect()
            value = rss_bytes() - before
            check_list(kept, limit)
            answer = {"value": value, "trimmed": trimmed_growth(before)}
            del kept
        else:
            raise ValueError(f"unknown mode {mode!r}")
        if mode != "rss":
            answer = {"value": value}
    except Exception as error:  # noqa: BLE001 - reported, not fixed
        answer = {"error": error_text(error)}
    import json

    print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
