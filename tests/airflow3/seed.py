"""Set up a fresh AIRFLOW_HOME for the real-Airflow-3 tier. Run by server.py with the venv's python
and the environment of server.airflow_env() (AIRFLOW_HOME, DAGs folder, SQLite, users, ...).

In one interpreter (each separate `airflow` command would import Airflow again, seconds each) it
runs the same CLI code as
    airflow db migrate
    airflow dags reserialize
and then seeds, through Airflow's ORM, the data that the transcripts
(shared/reference/airflow-3.3-dagruns-transcripts.md) were recorded with:

  dag_run 1  asset_producer / harness_producer_run: manual, triggered_by cli, success, logical
             date and data interval 2024-01-01T12:00Z, run_after 12:00, started 12:00, ended
             12:05 (duration 300 s: #116); its task "produce" succeeded.
  asset 1    harness_asset_one (harness://assets/one, group "asset"), made by reserialize.
  event 1    on asset 1 from that task, extra {"from": "airflow3-harness", "rows": 3},
             timestamp 2024-01-01T12:05:00Z (#228).
  dag_run 2  asset_consumer / asset_triggered__2024-01-02T00:00:00+00:00_harness1:
             asset_triggered, triggered_by asset, success, no logical date or data interval,
             run_after 2024-01-02T00:00Z, started 00:00:01, ended 00:00:03 (duration 2.0), task
             "consume" succeeded; it consumed event 1 (#66, #228).
  dag_run 3  example_sdk_dag / harness_running_run: manual, triggered_by cli, running, logical
             date, data interval and run_after 2024-01-03T00:00Z, started then (#19, #67, #193).

None of them is queued, so their queued_at is null, as recorded. The ids (1, 2, 3) matter: the
list cursors of #98-#101 encode dag_run ids.
"""

from __future__ import annotations

import argparse
import sys

PRODUCER_DAG, PRODUCER_TASK, PRODUCER_RUN = "asset_producer", "produce", "harness_producer_run"
CONSUMER_DAG, CONSUMER_TASK = "asset_consumer", "consume"
CONSUMER_RUN = "asset_triggered__2024-01-02T00:00:00+00:00_harness1"
RUNNING_DAG, RUNNING_RUN = "example_sdk_dag", "harness_running_run"
ASSET_NAME, ASSET_URI = "harness_asset_one", "harness://assets/one"
EVENT_EXTRA = {"from": "airflow3-harness", "rows": 3}


def run_cli(argv: list[str]) -> None:
    from airflow.cli import cli_parser

    print("$ airflow " + " ".join(argv), flush=True)
    args = cli_parser.get_parser().parse_args(argv)
    args.func(args)


def seed() -> None:
    import pendulum
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.models.serialized_dag import SerializedDagModel
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState, TaskInstanceState
    from airflow.utils.types import DagRunTriggeredByType, DagRunType
    from sqlalchemy import select

    utc = "UTC"
    t_noon = pendulum.datetime(2024, 1, 1, 12, 0, tz=utc)
    t_event = pendulum.datetime(2024, 1, 1, 12, 5, tz=utc)
    t_consumer = pendulum.datetime(2024, 1, 2, 0, 0, tz=utc)
    t_running = pendulum.datetime(2024, 1, 3, 0, 0, tz=utc)

    def finish(run, start, end, session):
        run.end_date = end
        for ti in run.get_task_instances(session=session):
            ti.state = TaskInstanceState.SUCCESS
            ti.start_date = start
            ti.end_date = end
            ti.duration = (end - start).total_seconds()
            ti.try_number = 1
        session.flush()

    with create_session() as session:
        dags = {}
        for dag_id in (PRODUCER_DAG, CONSUMER_DAG, RUNNING_DAG):
            dags[dag_id] = SerializedDagModel.get_dag(dag_id, session=session)
            if dags[dag_id] is None:
                raise SystemExit(f"seed: {dag_id} is not serialized (reserialize failed?)")

        # dag_run 1: the producer's finished manual run.
        prun = dags[PRODUCER_DAG].create_dagrun(
            run_id=PRODUCER_RUN,
            logical_date=t_noon,
            data_interval=(t_noon, t_noon),
            run_after=t_noon,
            conf={},
            run_type=DagRunType.MANUAL,
            triggered_by=DagRunTriggeredByType.CLI,
            state=DagRunState.SUCCESS,
            start_date=t_noon,
            session=session,
        )
        finish(prun, t_noon, t_event, session)

        # event 1: what that run's task "produced".
        asset = session.scalar(select(AssetModel).where(AssetModel.uri == ASSET_URI))
        if asset is None:
            raise SystemExit(f"seed: asset {ASSET_URI} is not in the DB (reserialize?)")
        event = AssetEvent(
            asset_id=asset.id,
            extra=dict(EVENT_EXTRA),
            source_task_id=PRODUCER_TASK,
            source_dag_id=PRODUCER_DAG,
            source_run_id=PRODUCER_RUN,
            source_map_index=-1,
            timestamp=t_event,
        )
        session.add(event)
        session.flush()

        # dag_run 2: the consumer's asset-triggered run, which consumed event 1.
        crun = dags[CONSUMER_DAG].create_dagrun(
            run_id=CONSUMER_RUN,
            logical_date=None,
            data_interval=None,
            run_after=t_consumer,
            conf={},
            run_type=DagRunType.ASSET_TRIGGERED,
            triggered_by=DagRunTriggeredByType.ASSET,
            state=DagRunState.SUCCESS,
            start_date=t_consumer.add(seconds=1),
            session=session,
        )
        crun.consumed_asset_events.append(event)
        finish(crun, t_consumer.add(seconds=1), t_consumer.add(seconds=3), session)

        # dag_run 3: a run left running (DELETE gives 409, #193; PATCH may end it, #197).
        rrun = dags[RUNNING_DAG].create_dagrun(
            run_id=RUNNING_RUN,
            logical_date=t_running,
            data_interval=(t_running, t_running),
            run_after=t_running,
            conf={},
            run_type=DagRunType.MANUAL,
            triggered_by=DagRunTriggeredByType.CLI,
            state=DagRunState.RUNNING,
            start_date=t_running,
            session=session,
        )
        session.flush()
        print(
            f"seed: dag_run {prun.id} {PRODUCER_DAG}/{PRODUCER_RUN}; asset {asset.id} {asset.uri}; "
            f"event {event.id}; dag_run {crun.id} {CONSUMER_DAG}/{CONSUMER_RUN}; "
            f"dag_run {rrun.id} {RUNNING_DAG}/{RUNNING_RUN}",
            flush=True,
        )
        if (prun.id, crun.id, rrun.id, asset.id, event.id) != (1, 2, 3, 1, 1):
            raise SystemExit(
                "seed: unexpected ids (the transcripts assume runs 1-3, asset 1, event 1)"
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-seed", action="store_true")
    opts = parser.parse_args()
    run_cli(["db", "migrate"])
    run_cli(["dags", "reserialize"])
    if not opts.no_seed:
        seed()
    return 0


if __name__ == "__main__":
    sys.exit(main())
