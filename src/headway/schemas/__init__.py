"""The JSON answers of the API and of the CLI's --json: one Pydantic model per read shape.

Each model is built from what the services return (`ObjectiveOut.of(objective, ...)`) and
declared on its route, so the OpenAPI document describes every answer.
"""
