"""The API's schemas, one module each (`airflow_python_sdk.v2.models.actions_inner.ActionsInner`, ...), as pydantic dataclasses.

Importing a model imports pydantic; importing the package does not.
"""
