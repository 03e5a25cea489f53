"""Regio's (tenants), organisations, people, memberships and the scoped data access."""

import os

# Piccolo looks for its configuration module by this name the first time a table needs an
# engine; the portal keeps that module inside its own package instead of the project root.
os.environ.setdefault("PICCOLO_CONF", "portal.piccolo_conf")
