"""example_sdk_dag: the main DAG of the transcripts (tasks start >> end, no schedule).

The seeded run "harness_running_run" (running, #19/#67/#193/#197) belongs to it.
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG

with DAG(
    dag_id="example_sdk_dag",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["sdk"],
):
    EmptyOperator(task_id="start") >> EmptyOperator(task_id="end")
