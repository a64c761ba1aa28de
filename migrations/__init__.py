"""Alembic migrations; shipped inside the package as `fedinet.migrations`."""
