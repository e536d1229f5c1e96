"""dataset_producer: task "produce" updates harness://datasets/one (no schedule).

server.py seeds a finished run of it, "harness_producer_run", and the dataset event that
run "produced" (transcripts #19 and #65).
"""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.datasets import Dataset
from airflow.operators.empty import EmptyOperator

with DAG(
    dag_id="dataset_producer",
    schedule=None,
    start_date=pendulum.datetime(2023, 1, 1, tz="UTC"),
    catchup=False,
    tags=["sdk"],
) as dag:
    EmptyOperator(task_id="produce", outlets=[Dataset("harness://datasets/one")])
