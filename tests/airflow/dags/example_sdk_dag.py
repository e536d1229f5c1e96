"""example_sdk_dag: the main DAG of the transcripts (tasks start >> end, no schedule)."""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.operators.empty import EmptyOperator

with DAG(
    dag_id="example_sdk_dag",
    schedule=None,
    start_date=pendulum.datetime(2023, 1, 1, tz="UTC"),
    catchup=False,
    tags=["sdk"],
) as dag:
    EmptyOperator(task_id="start") >> EmptyOperator(task_id="end")
