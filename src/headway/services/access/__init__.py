"""People and access: who acts, people, units, sign-in sessions and tokens."""
