"""The schema the app uses is exactly what the migrations create, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from fedinet.store import migrations
from fedinet.store.base import Base
from fedinet.store.database import Database


async def test_migrations_match_models(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert await migrations.current_revision(db) is None
        await migrations.upgrade(db)
        assert await migrations.current_revision(db) == migrations.head_revision()

        def differences(connection):  # type: ignore[no-untyped-def]
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)

        async with db.engine.connect() as connection:
            diff = await connection.run_sync(differences)
        assert diff == [], f"models and migrations disagree: {diff}"
    finally:
        await db.dispose()


async def test_drop_schema_leaves_an_empty_database(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrations.upgrade(db)
        await migrations.drop_schema(db)
        assert await migrations.current_revision(db) is None
    finally:
        await db.dispose()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with db.session() as session:
            assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await session.execute(text("PRAGMA synchronous"))).scalar() == 1  # NORMAL
    finally:
        await db.dispose()


async def test_upgrade_keeps_existing_rows(database_url: str) -> None:
    """Each migration runs on a database holding data, not only on an empty one."""
    db = Database(database_url)
    try:
        await migrations.upgrade(db, "0001")
        async with db.write_engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO actors (uri, actor_type, domain, is_local, display_name, summary,"
                    " inbox_url, manually_approves_followers, created_at, updated_at) VALUES"
                    " ('https://a.example/u', 'Person', 'a.example', false, '', '',"
                    " 'https://a.example/u/inbox', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
        await migrations.upgrade(db)
        async with db.session() as session:
            row = (await session.execute(text("SELECT uri, also_known_as FROM actors"))).one()
        assert row.uri == "https://a.example/u"
        assert row.also_known_as in ([], "[]")
    finally:
        await db.dispose()


# An actor row as the schema stands since migration 0004 (for the data-carrying migrations).
ACTOR_ROW = text(
    "INSERT INTO actors (id, uri, actor_type, domain, is_local, display_name, summary,"
    " inbox_url, manually_approves_followers, created_at, updated_at, also_known_as, fields) VALUES"
    " (1, 'https://a.example/u', 'Person', 'a.example', false, '', '', 'https://a.example/u/inbox',"
    " false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '[]', '[]')"
)


async def test_evidence_topics_are_filled_from_stored_vouches(database_url: str) -> None:
    """Migration 0010 indexes the topics of the vouches already stored, normalised."""
    db = Database(database_url)
    try:
        await migrations.upgrade(db, "0009")
        async with db.write_engine.begin() as connection:
            await connection.execute(ACTOR_ROW)
            await connection.execute(
                text(
                    "INSERT INTO evidence (uri, kind, author_id, subject_id, topics, content, document,"
                    " published_at, received_at) VALUES ('https://a.example/v/1', 'vouch', 1, 1,"
                    " :topics, '', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"topics": '["SEO", "#seo", "Marketing", 7]'},
            )
        await migrations.upgrade(db)
        async with db.session() as session:
            topics = (await session.execute(text("SELECT topic FROM evidence_topics ORDER BY topic"))).scalars().all()
        assert topics == ["marketing", "seo"]
    finally:
        await db.dispose()


async def test_scores_gain_corroborated_and_are_recomputed(database_url: str) -> None:
    """Migration 0011 adds `corroborated` to stored scores and clears the run state, so that the
    background job computes them again."""
    db = Database(database_url)
    try:
        await migrations.upgrade(db, "0010")
        async with db.write_engine.begin() as connection:
            await connection.execute(ACTOR_ROW)
            await connection.execute(
                text(
                    "INSERT INTO reputation_scores (actor_id, trust, percentile, established, balance, connector,"
                    " computed_at) VALUES (1, 1.5, 50, true, 0, 0, CURRENT_TIMESTAMP)"
                )
            )
            await connection.execute(
                text("INSERT INTO instance_settings (key, value, updated_at) VALUES ('reputation', '{}', CURRENT_TIMESTAMP)")
            )
        await migrations.upgrade(db)
        async with db.session() as session:
            row = (await session.execute(text("SELECT trust, corroborated FROM reputation_scores"))).one()
            state = (await session.execute(text("SELECT count(*) FROM instance_settings WHERE key = 'reputation'"))).scalar()
        assert (row.trust, bool(row.corroborated), state) == (1.5, False, 0)
    finally:
        await db.dispose()
