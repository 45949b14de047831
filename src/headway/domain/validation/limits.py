"""Every bound a field has, in one place: the rules check them and store/tables.py builds its
columns from them, so a rule can never accept text its column cannot hold."""

from __future__ import annotations

# Text people write. A column's width is the rule's limit; notes live in unbounded columns.
MAX_TITLE = 200  # titles and names: objectives, key results, initiatives, KPIs, units, people…
MAX_NOTE = 10_000  # notes, descriptions and retrospectives
MAX_KEY = 100  # the key a workspace document gives a row, so references survive a round trip
MAX_PERIOD_NAME = 100  # names such as 2027-Q1 are short
MAX_CATEGORY = 100
MAX_UNIT_LABEL = 50
MAX_LINK = 2000
MAX_TIMEZONE = 64  # IANA names are far shorter
MAX_CHOICE = 20  # the longest value of a closed set (a kind, role, state, status, direction…)
MAX_EMAIL = 254  # the longest address mail can carry (RFC 5321's path, less its brackets)
# Columns that keep an address (a person's, or whatever a failed sign-in typed) are wider
# than the rule, so an address the rule accepts always fits.
EMAIL_WIDTH = 320
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 takes any length; this only bounds the work per request

# Columns Headway fills itself, never from a field: widths here so every width has one home.
HASH_WIDTH = 64  # a SHA-256 in hex (tokens, sessions); a session's CSRF token is 43
PASSWORD_HASH_WIDTH = 200  # an argon2id hash with its parameters is about 100 characters
CLIENT_WIDTH = 64  # a client's address as a failed sign-in records it, cut to fit
AUDIT_NAME_WIDTH = 50  # an audit event's action and subject type, such as "key_result"

# Figures beyond a quadrillion are typos, and (target - start) of bigger ones can overflow
# to infinity; dates outside these years are typos too, and quarter arithmetic needs room.
MAX_MAGNITUDE = 1e15
FIRST_YEAR = 1900
LAST_YEAR = 9998
MAX_CONFIDENCE = 10
