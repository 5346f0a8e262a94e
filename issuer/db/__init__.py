"""The issuer's database: models, engines and migrations (issue #3, item 2)."""

from issuer.db.engine import create_engine_for, migrate, read_only
from issuer.db.models import Base

__all__ = ["Base", "create_engine_for", "migrate", "read_only"]
