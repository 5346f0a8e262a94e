"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from issuer.db import Base, create_engine_for, migrate


def test_migrations_create_every_table(empty_database_url: str) -> None:
    migrate(empty_database_url)
    engine = create_engine_for(empty_database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_migrated_schema_matches_the_models(empty_database_url: str) -> None:
    # What `alembic check` does: autogenerate against the migrated database finds nothing.
    engine = create_engine_for(empty_database_url)
    try:
        migrate(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_migrating_twice_changes_nothing(empty_database_url: str) -> None:
    migrate(empty_database_url)
    migrate(empty_database_url)
    engine = create_engine_for(empty_database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
                ("0001",)
            ]
    finally:
        engine.dispose()


def test_downgrade_to_base_removes_every_table(empty_database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from issuer.db.engine import MIGRATIONS_DIR

    engine = create_engine_for(empty_database_url)
    try:
        migrate(engine)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_a_url_migrates_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    code = f"from issuer.db import migrate; migrate({url!r})"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    engine = create_engine_for(url)
    try:
        assert "issued_credentials" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("foreign_keys", 1), ("busy_timeout", 30_000), ("synchronous", 2)],
)
def test_sqlite_connections_are_set_up_for_concurrent_durable_writes(
    tmp_path: Path, pragma: str, expected: object
) -> None:
    engine: Engine = create_engine_for(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql(f"PRAGMA {pragma}").scalar() == expected
    finally:
        engine.dispose()


def test_an_in_memory_sqlite_database_is_refused() -> None:
    with pytest.raises(ValueError):
        create_engine_for("sqlite://")
