"""Jobs: the work Headway does by itself on a rhythm (docs/concepts.md, The rhythm).

Each job is a function registered under its name in `registry.JOBS`; `headway jobs run NAME
[--as-of DATE]` runs one now, exactly as the scheduler would on that day.
"""
