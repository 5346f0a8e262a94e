"""The library is pure: importing every vcred module pulls in no web framework, database
driver or HTTP client, and opens no connection."""

from __future__ import annotations

import subprocess
import sys
import textwrap

BLOCKED = [
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "psycopg2",
    "httpx",
    "requests",
    "urllib3",
    "aiohttp",
    "redis",
]


def test_vcred_imports_with_frameworks_and_clients_blocked() -> None:
    script = textwrap.dedent(
        f"""
        import importlib, importlib.abc, pkgutil, socket, sys

        BLOCKED = {BLOCKED!r}

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError("blocked in the pure library: " + name)
                return None

        sys.meta_path.insert(0, Block())

        def no_network(*args, **kwargs):
            raise AssertionError("vcred opened a socket at import time")

        socket.socket.connect = no_network
        import vcred
        for module in pkgutil.walk_packages(vcred.__path__, "vcred."):
            importlib.import_module(module.name)
        print("ok", len(sys.modules))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
