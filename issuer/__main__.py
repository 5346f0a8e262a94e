"""``python -m issuer``: the admin command line and the server (see :mod:`issuer.cli`)."""

from issuer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
