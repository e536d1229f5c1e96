"""The API classes, one module per tag (`api.dag_run_api.DAGRunApi`)."""
