"""The SDK as ordinary Python: real methods that `inspect`, pydoc, jedi and `unittest.mock` see
through, per-call options, default headers, model conventions and settings that cannot be
misspelt. The mocking tests use the SDK exactly as a service that vendors it would in its own
tests: nothing reaches a server there.
"""

from __future__ import annotations

import inspect
import json
import pydoc
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, List, Optional
from unittest import mock

import pytest

import airflow_python_sdk as sdk
from airflow_python_sdk.api.dag_run_api import DAGRunApi
from airflow_python_sdk.model.dag_run import DAGRun
from airflow_python_sdk.model.dag_run_collection import DAGRunCollection
from airflow_python_sdk.model.list_dag_runs_form import ListDagRunsForm
from helpers import DAG, FAST, Runs
from mock_airflow import MockAirflow

pytest_plugins = ["helpers"]

GENERATED = Path(__file__).resolve().parent.parent / "generated"


# ---------------------------------------------------------------- a service's own code and tests


def latest_state(api: DAGRunApi, dag_id: str) -> Optional[str]:
    """What a downstream service might do with the SDK: the state of a DAG's newest run."""
    runs = api.get_dag_runs(dag_id, limit=1, order_by="-execution_date")
    return str(runs.dag_runs[0].state) if runs.dag_runs else None


def test_create_autospec_of_an_instance_mocks_each_operation() -> None:
    api = mock.create_autospec(DAGRunApi, instance=True)
    api.get_dag_runs.return_value = DAGRunCollection(
        dag_runs=[DAGRun(dag_run_id="r1", state="success")], total_entries=1
    )
    assert latest_state(api, "etl") == "success"
    api.get_dag_runs.assert_called_once_with("etl", limit=1, order_by="-execution_date")
    with pytest.raises(TypeError):  # the real signature is enforced
        api.get_dag_run("only_one_argument_of_two_required")
    with pytest.raises(TypeError):
        api.get_dag_run("d", "r", no_such_option=1)
    with pytest.raises(AttributeError):
        api.no_such_operation  # noqa: B018


def test_create_autospec_of_the_class() -> None:
    api_class = mock.create_autospec(DAGRunApi)
    api = api_class(sdk.ApiClient())
    api.delete_dag_run("d", "r", _request_timeout=3)
    api.delete_dag_run.assert_called_once_with("d", "r", _request_timeout=3)


def test_patch_object_with_autospec() -> None:
    with mock.patch.object(DAGRunApi, "get_dag_runs", autospec=True) as get_dag_runs:
        get_dag_runs.return_value = DAGRunCollection(dag_runs=[], total_entries=0)
        api = DAGRunApi(sdk.ApiClient())
        assert latest_state(api, "etl") is None
        get_dag_runs.assert_called_once_with(api, "etl", limit=1, order_by="-execution_date")


def test_the_views_mock_too() -> None:
    api = mock.create_autospec(DAGRunApi, instance=True)
    api.raw.get_dag_run.return_value.status = 200
    assert api.raw.get_dag_run("d", "r").status == 200
    api.paginate.get_dag_runs.return_value = iter([DAGRun(dag_run_id="a")])
    assert [run.dag_run_id for run in api.paginate.get_dag_runs("~")] == ["a"]


# ---------------------------------------------------------------- introspection


def test_signature_docstring_and_return_type_of_an_operation() -> None:
    api = DAGRunApi(sdk.ApiClient())
    signature = inspect.signature(api.get_dag_run)
    assert list(signature.parameters) == [
        "dag_id", "dag_run_id", "fields", "_request_timeout", "_headers",
    ]  # fmt: skip
    assert signature.parameters["_request_timeout"].kind is inspect.Parameter.KEYWORD_ONLY
    assert signature.return_annotation == "DAGRun"
    assert api.get_dag_run.__doc__.startswith("Get a DAG run.")
    assert "dag_run_id: The DAG run ID" in api.get_dag_run.__doc__
    assert callable(DAGRunApi.get_dag_run) and inspect.isfunction(DAGRunApi.get_dag_run)
    assert inspect.signature(api.raw.get_dag_run).parameters.keys() == signature.parameters.keys()
    assert api.raw.get_dag_run.__doc__ == api.get_dag_run.__doc__
    assert {"raw", "paginate", "get_dag_run", "with_options"} <= set(dir(api))


def test_help_shows_each_operation_with_its_parameters() -> None:
    text = pydoc.plain(pydoc.render_doc(DAGRunApi))
    assert "get_dag_run(self, dag_id: 'str', dag_run_id: 'str', fields:" in text
    assert "Get a DAG run." in text
    assert "operation object" not in text
    for view in ("raw", "paginate"):
        assert f"\n |  {view}\n" in text, view
    pages = pydoc.plain(pydoc.render_doc(type(DAGRunApi(sdk.ApiClient()).paginate)))
    assert "get_dag_runs(" in pages and "get_dag_runs_batch(" in pages


def test_jedi_sees_signatures_and_the_returned_models_fields() -> None:
    jedi = pytest.importorskip("jedi")
    project = jedi.Project(str(GENERATED), sys_path=[str(GENERATED)])
    in_process = jedi.InterpreterEnvironment()  # no subprocess left behind
    call = "from airflow_python_sdk.api.dag_run_api import DAGRunApi\nDAGRunApi().get_dag_run("
    signatures = jedi.Script(call, project=project, environment=in_process).get_signatures(2, 24)
    assert [param.name for param in signatures[0].params] == [
        "dag_id", "dag_run_id", "fields", "_request_timeout", "_headers",
    ]  # fmt: skip
    assert "Get a DAG run." in signatures[0].docstring()
    completion = (
        "from airflow_python_sdk.api.dag_run_api import DAGRunApi\n"
        'run = DAGRunApi().get_dag_run("d", "r")\nrun.'
    )
    names = {
        item.name
        for item in jedi.Script(completion, project=project, environment=in_process).complete(3, 4)
    }
    assert {"dag_run_id", "state", "logical_date", "to_dict"} <= names


# ---------------------------------------------------------------- per-call options


def test_request_timeout_per_call(mock: MockAirflow, new_api: Any) -> None:
    api = new_api(**FAST, retries=0)
    mock.add_fault("delay", method="GET", path="/dagRuns$", delay=1.0, times=None)
    with pytest.raises(sdk.ApiTimeoutError, match="read timeout of 0.2 s"):
        api.get_dag_runs(DAG, _request_timeout=0.2)
    with pytest.raises(sdk.ApiTimeoutError, match="read timeout of 0.3 s"):
        api.get_dag_runs(DAG, _request_timeout=(2, 0.3))
    mock.clear_faults()
    assert api.get_dag_runs(DAG, _request_timeout=5).total_entries is not None
    for wrong in (0, -1, (1, 0), True):
        with pytest.raises(ValueError, match="_request_timeout"):
            api.get_dag_runs(DAG, _request_timeout=wrong)


def test_headers_per_call_and_default_headers(mock: MockAirflow) -> None:
    config = sdk.Configuration(host=mock.url, username="admin", password="admin")
    with sdk.ApiClient(config, header_name="X-Gateway-Key", header_value="gw-1") as client:
        client.set_default_header("X-Team", "data")
        quick = DAGRunApi(client).with_options(read_timeout=9)
        mock.clear_requests()
        DAGRunApi(client).get_dag_runs(DAG, _headers={"X-Request-Id": "req-42"})
        quick.get_dag_runs(DAG)  # a with_options copy shares the default headers
        first, second = mock.requests
        assert first.header("X-Gateway-Key") == "gw-1" and second.header("X-Gateway-Key") == "gw-1"
        assert first.header("X-Team") == "data" and second.header("X-Team") == "data"
        assert first.header("X-Request-Id") == "req-42" and second.header("X-Request-Id") is None
        assert str(first.header("Authorization")).startswith("Basic ")
        for name, value in (("X-Bad", "a\r\nX-Injected: 1"), ("X-Bad\n", "v")):
            with pytest.raises(ValueError, match="line break"):
                client.set_default_header(name, value)
            with pytest.raises(ValueError, match="line break"):
                DAGRunApi(client).get_dag_runs(DAG, _headers={name: value})
        assert len(mock.requests) == 2, "a refused header must not send anything"


# ---------------------------------------------------------------- settings


def test_a_misspelt_setting_is_an_error_naming_the_right_one() -> None:
    config = sdk.Configuration()
    with pytest.raises(AttributeError, match="did you mean verify_ssl"):
        config.verfy_ssl = False  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="did you mean proxy"):
        config.proxi = "http://proxy:3128"  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="did you mean read_timeout"):
        sdk.Configuration().replace(read_timeot=5)
    assert config.verify_ssl is True


# ---------------------------------------------------------------- model conventions


def _round_trips(model: Any) -> None:
    cls = type(model)
    as_dict, as_json = model.to_dict(), model.to_json()
    assert cls.from_dict(as_dict) == model
    assert cls.from_json(as_json) == model
    assert cls.from_dict(json.loads(as_json)) == model
    assert json.loads(cls.from_json(as_json).to_json()) == json.loads(as_json)
    for name, value in as_dict.items():
        if isinstance(value, datetime):
            assert value.utcoffset() is not None, name
            assert json.loads(as_json)[name] == value.isoformat(), name


def test_models_round_trip_what_the_server_sent(api: DAGRunApi, runs: Runs) -> None:
    made = runs.create(conf={"nested": {"list": [1, 2.5, None, "ü"]}}, note="a note")
    fetched = api.get_dag_run(DAG, made.dag_run_id)
    _round_trips(fetched)
    as_dict = fetched.to_dict()
    assert as_dict["dag_run_id"] == made.dag_run_id and as_dict["state"] == "queued"
    assert as_dict["dag_id"] == DAG  # read-only fields too
    assert isinstance(as_dict["logical_date"], datetime)
    listed = api.get_dag_runs(DAG, limit=3)
    _round_trips(listed)
    assert all(isinstance(run, dict) for run in listed.to_dict()["dag_runs"])


def test_models_round_trip_unknown_fields_and_values() -> None:
    text = json.dumps({
        "dag_run_id": "r", "state": "deferred_by_a_newer_server", "added_in_4_0": {"x": [1]},
        "logical_date": "2024-01-01T00:00:00Z", "conf": {},
    })  # fmt: skip
    run = DAGRun.from_json(text)
    assert run.to_dict()["added_in_4_0"] == {"x": [1]}
    assert json.loads(run.to_json())["added_in_4_0"] == {"x": [1]}
    assert DAGRun.from_dict(run.to_dict()).to_dict() == run.to_dict()
    assert json.loads(run.to_json())["logical_date"] == "2024-01-01T00:00:00+00:00"
    _round_trips(run)
    since = datetime(2024, 1, 1, tzinfo=timezone.utc)
    form = ListDagRunsForm(dag_ids=["a"], page_limit=None, start_date_gte=since)
    _round_trips(form)
    assert ListDagRunsForm.from_dict(form.to_dict()).page_limit is None  # not the default 100


def test_what_a_request_sends_does_not_change(mock: MockAirflow, api: DAGRunApi) -> None:
    body = DAGRun(dag_run_id="sent_fields", logical_date=datetime(2024, 5, 1, tzinfo=timezone.utc))
    assert set(body.to_dict()) > {"dag_run_id", "logical_date", "state"}  # to_dict: every field
    mock.clear_requests()
    api.post_dag_run(DAG, body)
    assert mock.requests[-1].json() == {
        "dag_run_id": "sent_fields", "logical_date": "2024-05-01T00:00:00+00:00",
    }  # fmt: skip


def test_every_model_has_the_conversions() -> None:
    names: List[str] = [name for name in dir(sdk) if name[0].isupper()]
    models = [getattr(sdk, name) for name in names]
    dataclasses = [model for model in models if hasattr(model, "__dataclass_fields__")]
    assert len(dataclasses) >= 12
    for model in dataclasses:
        for method in ("to_dict", "to_json", "from_dict", "from_json"):
            assert callable(getattr(model, method)), (model, method)
