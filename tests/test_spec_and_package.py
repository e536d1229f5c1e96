"""The spec is valid OpenAPI, and the package is cheap to import, vendorable and complete."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from helpers import SEED_OPERATIONS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generated" / "airflow_python_sdk"


def run_python(code: str, *args: str, cwd: Path = ROOT) -> str:
    """Run code in a fresh interpreter; return its stdout (fails the test on an error)."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_spec_is_valid_openapi_with_every_operation() -> None:
    spec, _ = read_from_filename(str(ROOT / "openapi.yaml"))
    validate(spec)
    operations = {
        operation["operationId"]
        for path in spec["paths"].values()
        for method, operation in path.items()
        if method != "parameters"
    }
    assert operations == SEED_OPERATIONS


def test_importing_the_package_loads_nothing_else() -> None:
    loaded = run_python(
        """
        import sys
        import airflow_python_sdk
        print(sorted(m.split(".")[0] for m in sys.modules if m.startswith(("pydantic", "urllib3"))))
        """
    )
    assert loaded.strip() == "[]"


@pytest.mark.parametrize(
    "imports",
    [
        "from airflow_python_sdk import ApiClient, Configuration, DAGRunApi",
        "from airflow_python_sdk.v2 import ApiClient, Configuration, DagRunApi",
        "from airflow_python_sdk.v2.api.dag_run_api import DagRunApi",
    ],
)
def test_importing_the_api_loads_neither_pydantic_nor_models(imports: str) -> None:
    loaded = run_python(
        f"""
        import sys
        {imports}
        print(sorted(m for m in sys.modules if m.startswith("pydantic") or ".model" in m))
        """
    )
    assert loaded.strip() == "[]"


def test_the_v2_package_has_apache_airflow_client_paths() -> None:
    printed = run_python(
        """
        import airflow_python_sdk.v2 as v2
        from airflow_python_sdk.v2.api.dag_run_api import DagRunApi
        from airflow_python_sdk.v2.models.dag_run_response import DAGRunResponse
        from airflow_python_sdk.v2.models.trigger_dag_run_post_body import TriggerDAGRunPostBody
        import airflow_python_sdk

        assert v2.DagRunApi is DagRunApi and v2.DAGRunResponse is DAGRunResponse
        assert v2.Configuration is airflow_python_sdk.Configuration  # one runtime
        assert v2.ApiClient is airflow_python_sdk.ApiClient
        assert v2.NotFoundException is airflow_python_sdk.NotFoundException
        print(TriggerDAGRunPostBody().logical_date, v2.UnprocessableEntityException.__name__)
        """
    )
    assert printed.split() == ["None", "UnprocessableEntityException"]


def test_models_import_lazily_from_the_package_and_by_module() -> None:
    names = run_python(
        """
        import airflow_python_sdk
        from airflow_python_sdk.model.dag_run import DAGRun
        from airflow_python_sdk.model.dag_state import DagState
        assert airflow_python_sdk.DAGRun is DAGRun
        run = DAGRun(dag_run_id="r", state=DagState("success"))
        print(run.dag_run_id, run.state.value, DagState("brand_new").value)
        """
    )
    assert names.split() == ["r", "success", "brand_new"]


@pytest.mark.mock_only
def test_vendored_copy_works_without_the_real_package(tmp_path: Path, mock) -> None:
    vendor = tmp_path / "myservice" / "_vendor"
    shutil.copytree(PACKAGE, vendor / "dagruns")
    for folder in (tmp_path / "myservice", vendor):
        (folder / "__init__.py").write_text("")
    printed = run_python(
        """
        import sys

        class NoRealPackage:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "airflow_python_sdk":
                    raise ImportError("the real package must not be used")

        sys.meta_path.insert(0, NoRealPackage())
        from myservice._vendor.dagruns import ApiClient, Configuration, DAGRunApi
        from myservice._vendor.dagruns.model.dag_run import DAGRun

        config = Configuration(host=sys.argv[1], username="admin", password="admin")
        with ApiClient(config) as client:
            api = DAGRunApi(client)
            created = api.post_dag_run("example_sdk_dag", DAGRun(dag_run_id="vendored"))
            fetched = api.get_dag_run("example_sdk_dag", "vendored")
            pages = list(api.paginate.get_dag_runs("example_sdk_dag"))
        from myservice._vendor.dagruns.v2 import DagRunApi

        root = sys.argv[1].rsplit("/api/v1", 1)[0]
        with ApiClient(Configuration(host=root, username="admin", password="admin")) as client:
            v2_runs = DagRunApi(client).get_dag_runs("example_sdk_dag", limit=1)
        print(created.dag_run_id, fetched.state, [run.dag_run_id for run in pages])
        print(type(v2_runs).__module__, v2_runs.total_entries > 0)
        print(sorted({m.split(".")[0] for m in sys.modules if "dagruns" in m or "airflow" in m}))
        """,
        mock.url,
        cwd=tmp_path,
    )
    first, v2, last = printed.splitlines()
    assert first == "vendored queued ['vendored']"
    assert v2 == "myservice._vendor.dagruns.v2.models.dag_run_collection_response True"
    assert last == "['myservice']"
    methods = [(r.method, r.path.split("/")[1]) for r in mock.requests]
    assert methods == [
        ("POST", "api"),
        ("GET", "api"),
        ("GET", "api"),
        ("POST", "auth"),
        ("GET", "api"),
    ]


def test_wheel_ships_the_package_with_py_typed(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), "."],
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("airflow_python_sdk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "airflow_python_sdk/py.typed" in names
    assert "airflow_python_sdk/model/dag_run.py" in names
    assert "airflow_python_sdk/api/dag_run_api.py" in names
    assert "airflow_python_sdk/v2/api/dag_run_api.py" in names
    assert "airflow_python_sdk/v2/models/dag_run_response.py" in names
    assert not any(name.startswith(("tests/", "test/")) for name in names)
