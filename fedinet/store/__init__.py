"""Storage: SQLAlchemy models, the database handle and the query functions (the only `select()`s)."""
