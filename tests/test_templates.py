"""The templates serve specs they were not written for: a document using unions with primitive
members, `anyOf [T, null]`, `const` discriminators, enums, maps, arrays of unions, required but
nullable fields and list/object defaults (tests/specs/features.yaml), and Airflow's own document
of its DagRun operations, generate importable, typed code that decodes what it describes.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from conftest import TESTS_DIR

ROOT = TESTS_DIR.parent
GENERATOR = Path(sys.executable).parent / "openapi-generator-cli"
AIRFLOW_DOCUMENT = ROOT.parent / "shared" / "reference" / "v2-dagrun-subset.yaml"

pytestmark = pytest.mark.skipif(not GENERATOR.exists(), reason="needs openapi-generator-cli")


SPECS = {"features": TESTS_DIR / "specs" / "features.yaml", "upstream": AIRFLOW_DOCUMENT}
"""Each spec, by the name of the layer it becomes (`airflow_python_sdk.<layer>`)."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every spec of SPECS generated with our templates (one generator run), each beside a copy
    of the runtime; the folder to put on sys.path."""
    folder = tmp_path_factory.mktemp("generated")
    ignore = (ROOT / "templates" / ".openapi-generator-ignore-v2").read_text()
    configs = []
    for layer, spec in SPECS.items():
        if not spec.exists():
            continue
        out = folder / layer
        out.mkdir()
        (out / ".openapi-generator-ignore").write_text(ignore.replace("/v2/", f"/{layer}/"))
        configs.append(folder / f"{layer}.json")
        configs[-1].write_text(json.dumps(_config(spec, layer, out)))
    subprocess.run(
        [str(GENERATOR), "batch", "--fail-fast", *map(str, configs)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    site = folder / "site"
    shutil.copytree(ROOT / "generated" / "airflow_python_sdk", site / "airflow_python_sdk")
    for config in configs:
        layer = config.stem
        shutil.copytree(
            folder / layer / "airflow_python_sdk" / layer, site / "airflow_python_sdk" / layer
        )
    return site


def _config(spec: Path, layer: str, out: Path) -> Dict[str, Any]:
    return {
        "generatorName": "python",
        "inputSpec": str(spec),
        "outputDir": str(out),
        "templateDir": str(ROOT / "templates"),
        "additionalProperties": {
            "packageName": f"airflow_python_sdk.{layer}",
            "packageVersion": "0.0.0",
            "modelPackage": "models",
            "modelModule": "models",
            "runtimePackage": "..",
            "disallowAdditionalPropertiesIfNotPresent": False,
            "hideGenerationTimestamp": True,
        },
    }


@pytest.fixture
def isolated_import() -> Iterator[None]:
    """Let a test import generated folders; restore sys.path and sys.modules afterwards."""
    saved_path, saved_modules = list(sys.path), dict(sys.modules)
    yield
    sys.path[:] = saved_path
    for name in set(sys.modules) - set(saved_modules):
        del sys.modules[name]
    sys.modules.update(saved_modules)


def import_every_module(site: Path, layer: str) -> List[str]:
    sys.path.insert(0, str(site))
    for name in [n for n in sys.modules if n.split(".")[0] == "airflow_python_sdk"]:
        del sys.modules[name]
    package = site / "airflow_python_sdk" / layer
    names = [
        ".".join(path.relative_to(site).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted(package.rglob("*.py"))
    ]
    for name in names:
        importlib.import_module(name)
    return names


def test_a_spec_beyond_ours_generates_importable_typed_code(
    site: Path, isolated_import: None
) -> None:
    names = import_every_module(site, "features")
    assert "airflow_python_sdk.features.api.things_api" in names
    models = importlib.import_module("airflow_python_sdk.features")
    thing = models.Thing.from_json(
        json.dumps({
            "id": "7f1e8a52-6c4a-4b5e-9f0a-2a3c1d9e8b7f", "maybe": None,
            "created": "2024-01-01T00:00:00Z", "day": "2024-01-02", "kind": "huge",
            "shapes": [{"kind": "square", "side": 2}, {"kind": "circle", "radius": 1}],
            "values": ["a", 1, [True]], "labels": {"x": "y"},
            "nested": {"c": {"kind": "circle", "radius": 3}}, "mixed": "text", "newer": 1,
        })
    )  # fmt: skip
    assert [type(shape).__name__ for shape in thing.shapes] == ["Square", "Circle"]
    assert type(thing.nested["c"]).__name__ == "Circle" and thing.mixed == "text"
    assert str(thing.kind) == "huge" and thing.created.utcoffset() is not None
    assert models.Thing.from_json(thing.to_json()) == thing
    body = models.ThingBody(name="n")
    assert body.tags is None and body.limit == 10  # a list default is the server's to apply
    from airflow_python_sdk.wire import encode_body

    assert json.loads(encode_body(body)) == {"when": None, "name": "n", "limit": 10}


@pytest.mark.skipif(not AIRFLOW_DOCUMENT.exists(), reason="needs ../shared/reference")
def test_airflows_own_document_generates_importable_code(site: Path, isolated_import: None) -> None:
    names = import_every_module(site, "upstream")
    assert "airflow_python_sdk.upstream.api.dag_run_api" in names
    api = importlib.import_module("airflow_python_sdk.upstream.api.dag_run_api")
    assert callable(api.DagRunApi.trigger_dag_run)
    models = importlib.import_module("airflow_python_sdk.upstream")
    from airflow_python_sdk.wire import encode_body

    body = models.TriggerDAGRunPostBody(conf={"a": 1})
    assert json.loads(encode_body(body)) == {"logical_date": None, "conf": {"a": 1}}
