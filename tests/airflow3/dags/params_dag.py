"""params_dag: typed params, so a conf that violates them gets 400 on trigger (#50, #51).

The schema of "count" must stay {'type': 'integer', 'minimum': 0, 'maximum': 10} (in that order)
and that of "name" {'type': 'string'}: the 400 messages quote them.
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, Param

with DAG(
    dag_id="params_dag",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    params={
        "name": Param("world", type="string"),
        "count": Param(1, type="integer", minimum=0, maximum=10),
    },
    tags=["sdk"],
):
    EmptyOperator(task_id="use_params")
