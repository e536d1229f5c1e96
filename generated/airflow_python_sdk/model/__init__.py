"""The API's schemas, one module each (`airflow_python_sdk.model.basic_dag_run.BasicDAGRun`, ...), as pydantic dataclasses.

Importing a model imports pydantic; importing the package does not.
"""
