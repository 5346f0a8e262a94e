"""Alembic environment of the issuer's database.

:func:`issuer.db.engine.migrate` hands a connection in ``config.attributes["connection"]``; the
``alembic`` command line (``alembic -c issuer/alembic.ini -x url=… upgrade head``) gives a URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from issuer.db.engine import create_engine_for
from issuer.db.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the given connection, or through an engine built from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise RuntimeError("no database URL: pass -x url=… or set sqlalchemy.url")
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
