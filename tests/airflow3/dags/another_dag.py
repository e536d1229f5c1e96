"""another_dag: one BashOperator task "hello" that echoes "hi" (no schedule).

start_date 2024-01-01 (as every DAG here) matters: runs with an earlier logical date (the
transcripts' bulk_000..bulk_109, 2023-06-01) get no task instances, hence "dag_versions": []
(#178, and the lengths of the list answers #85-#144) and nothing to clear (#209).

With the scheduler running (server.py start --scheduler), its return_value XCom is "hi": what
/wait?result=hello answers in #250 ({"state": "success", "results": {"hello": "hi"}}).
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

with DAG(
    dag_id="another_dag",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["sdk"],
):
    BashOperator(task_id="hello", bash_command="echo hi")
