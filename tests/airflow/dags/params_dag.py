"""params_dag: typed params, so a conf that violates them gets 400 on trigger (transcript #97).

The schema of "count" must stay {'type': 'integer', 'minimum': 0, 'maximum': 10} (in that order):
the 400 message quotes it.
"""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.models.param import Param
from airflow.operators.empty import EmptyOperator

with DAG(
    dag_id="params_dag",
    schedule=None,
    start_date=pendulum.datetime(2023, 1, 1, tz="UTC"),
    catchup=False,
    params={
        "name": Param("world", type="string"),
        "count": Param(1, type="integer", minimum=0, maximum=10),
    },
    tags=["sdk"],
) as dag:
    EmptyOperator(task_id="use_params")
