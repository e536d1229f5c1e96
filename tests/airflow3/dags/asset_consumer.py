"""asset_consumer: scheduled on the asset harness_asset_one (harness://assets/one).

server.py seeds the asset-triggered run "asset_triggered__2024-01-02T00:00:00+00:00_harness1"
that consumed the seeded asset event (#66, #122, #132, #228-#234).
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, Asset

with DAG(
    dag_id="asset_consumer",
    schedule=[Asset(name="harness_asset_one", uri="harness://assets/one")],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["sdk"],
):
    EmptyOperator(task_id="consume")
