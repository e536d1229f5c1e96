"""dataset_consumer: scheduled on harness://datasets/one.

server.py seeds the dataset-triggered run "dataset_triggered__2024-01-02T00:00:00+00:00"
that consumed the seeded event (transcripts #19 and #65).
"""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.datasets import Dataset
from airflow.operators.empty import EmptyOperator

with DAG(
    dag_id="dataset_consumer",
    schedule=[Dataset("harness://datasets/one")],
    start_date=pendulum.datetime(2023, 1, 1, tz="UTC"),
    catchup=False,
    tags=["sdk"],
) as dag:
    EmptyOperator(task_id="consume")
