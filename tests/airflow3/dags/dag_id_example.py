"""dag_id_example: the DAG id used by the SDK's seed examples (no schedule, a couple of tasks).

Not in the transcripts (no exchange lists DAGs, so it changes none of them).
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG

with DAG(
    dag_id="dag_id_example",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["sdk"],
):
    (
        EmptyOperator(task_id="extract")
        >> EmptyOperator(task_id="transform")
        >> EmptyOperator(task_id="load")
    )
