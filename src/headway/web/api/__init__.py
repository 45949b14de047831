"""The /api/v1 routers, one module per resource: parse, call a service, shape the answer."""
