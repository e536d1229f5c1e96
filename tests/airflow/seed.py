"""Set up a fresh AIRFLOW_HOME for the real-Airflow tier. Run by server.py with the venv's python
and the environment of server.airflow_env() (AIRFLOW_HOME, DAGs folder, SQLite, ...).

In one interpreter (each separate `airflow` command would import Airflow again, seconds each) it
runs the same CLI code as
    airflow db migrate
    airflow sync-perm
    airflow users create --username U --password P --role R ...   (for each --users entry)
    airflow dags reserialize
and then seeds, through Airflow's ORM, the data the transcripts (#19, #37, #65) were made with:

  * dataset_producer / harness_producer_run: a manual, finished run (state success, logical date
    2024-01-01T12:00:00+00:00, started 12:00, ended 12:05), its task "produce" succeeded;
  * a dataset event on harness://datasets/one from that task, extra
    {"from": "airflow2-harness", "rows": 3}, timestamp 2024-01-01T12:05:00+00:00;
  * dataset_consumer / dataset_triggered__2024-01-02T00:00:00+00:00: a dataset-triggered run
    (queued, not external, logical date 2024-01-02T00:00:00+00:00, data interval 2024-01-01T12:00
    to 12:00) that consumed that event.

On a fresh DB these get dag_run ids 1 and 2, dataset id 1 and event id 1, as in the transcripts.
"""

from __future__ import annotations

import argparse
import sys

PRODUCER_DAG = "dataset_producer"
PRODUCER_TASK = "produce"
PRODUCER_RUN = "harness_producer_run"
CONSUMER_DAG = "dataset_consumer"
CONSUMER_RUN = "dataset_triggered__2024-01-02T00:00:00+00:00"
DATASET_URI = "harness://datasets/one"
EVENT_EXTRA = {"from": "airflow2-harness", "rows": 3}


def run_cli(argv: list[str]) -> None:
    from airflow.cli import cli_parser

    print("$ airflow " + " ".join(argv), flush=True)
    args = cli_parser.get_parser().parse_args(argv)
    args.func(args)


def seed() -> None:
    import pendulum
    from airflow.models.dagbag import DagBag
    from airflow.models.dataset import DatasetEvent, DatasetModel
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState, TaskInstanceState
    from airflow.utils.types import DagRunType
    from sqlalchemy import select

    t_noon = pendulum.datetime(2024, 1, 1, 12, 0, tz="UTC")
    t_event = pendulum.datetime(2024, 1, 1, 12, 5, tz="UTC")
    t_consumer = pendulum.datetime(2024, 1, 2, 0, 0, tz="UTC")

    dagbag = DagBag(read_dags_from_db=True)
    with create_session() as session:
        producer = dagbag.get_dag(PRODUCER_DAG, session=session)
        consumer = dagbag.get_dag(CONSUMER_DAG, session=session)
        if producer is None or consumer is None:
            raise SystemExit("seed: dataset_producer / dataset_consumer are not serialized")

        # 1. The producer's finished manual run (dag_run.id 1).
        prun = producer.create_dagrun(
            run_id=PRODUCER_RUN,
            run_type=DagRunType.MANUAL,
            execution_date=t_noon,
            data_interval=(t_noon, t_noon),
            state=DagRunState.SUCCESS,
            start_date=t_noon,
            external_trigger=True,
            conf={},
            session=session,
        )
        prun.end_date = t_event
        for ti in prun.get_task_instances(session=session):
            ti.state = TaskInstanceState.SUCCESS
            ti.start_date = t_noon
            ti.end_date = t_event
            ti.try_number = 1
        session.flush()

        # 2. The dataset event that run's task produced (dataset_event.id 1).
        dataset = session.scalar(select(DatasetModel).where(DatasetModel.uri == DATASET_URI))
        if dataset is None:
            raise SystemExit(f"seed: dataset {DATASET_URI} is not in the DB (reserialize?)")
        event = DatasetEvent(
            dataset_id=dataset.id,
            extra=dict(EVENT_EXTRA),
            source_dag_id=PRODUCER_DAG,
            source_task_id=PRODUCER_TASK,
            source_run_id=PRODUCER_RUN,
            source_map_index=-1,
            timestamp=t_event,
        )
        session.add(event)
        session.flush()

        # 3. The consumer's dataset-triggered run that consumed the event (dag_run.id 2).
        crun = consumer.create_dagrun(
            run_id=CONSUMER_RUN,
            run_type=DagRunType.DATASET_TRIGGERED,
            execution_date=t_consumer,
            data_interval=(t_noon, t_noon),
            state=DagRunState.QUEUED,
            start_date=None,
            external_trigger=False,
            conf={},
            session=session,
        )
        crun.consumed_dataset_events.append(event)
        session.flush()
        print(
            f"seed: dag_run {prun.id} {PRODUCER_DAG}/{PRODUCER_RUN}, dataset {dataset.id} "
            f"{dataset.uri}, event {event.id}, dag_run {crun.id} {CONSUMER_DAG}/{CONSUMER_RUN}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--users",
        default="admin:admin:Admin,viewer:viewer:Viewer",
        help="comma-separated user:password:Role",
    )
    parser.add_argument("--no-seed", action="store_true")
    opts = parser.parse_args()

    run_cli(["db", "migrate"])
    # Roles other than Admin/Public only exist once the FAB roles are synced (the webserver does
    # it at start; users create does not): sync them first so the Viewer role can be given.
    run_cli(["sync-perm"])
    for spec in filter(None, opts.users.split(",")):
        user, password, role = spec.split(":")
        run_cli(
            [
                "users",
                "create",
                "--username",
                user,
                "--password",
                password,
                "--firstname",
                user.capitalize(),
                "--lastname",
                "User",
                "--role",
                role,
                "--email",
                f"{user}@example.com",
            ]
        )
    run_cli(["dags", "reserialize"])
    if not opts.no_seed:
        seed()
    return 0


if __name__ == "__main__":
    sys.exit(main())
