"""The portal: web app, case file, and the core (settings, database, audit log)."""

import tenants  # noqa: F401  (sets PICCOLO_CONF before any table is used)
