"""asset_producer: task "produce" updates the asset harness_asset_one (harness://assets/one).

server.py seeds a finished run of it, "harness_producer_run", and the asset event that run
"produced" (#112, #116, #200, #228). With the scheduler, a run of it makes the scheduler
create an asset-triggered run of asset_consumer (#254-#256).
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, Asset

with DAG(
    dag_id="asset_producer",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["sdk"],
):
    EmptyOperator(
        task_id="produce",
        outlets=[Asset(name="harness_asset_one", uri="harness://assets/one")],
    )
