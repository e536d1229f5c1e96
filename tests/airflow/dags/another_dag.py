"""another_dag: a second manual DAG, for listing across DAGs and batch lists."""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.operators.empty import EmptyOperator

with DAG(
    dag_id="another_dag",
    schedule=None,
    start_date=pendulum.datetime(2023, 1, 1, tz="UTC"),
    catchup=False,
    tags=["sdk"],
) as dag:
    EmptyOperator(task_id="only")
