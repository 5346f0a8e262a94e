"""The issuer service (issue #3): a FastAPI app over the ``vcred`` library and one database.

``issuer.app.create_app(settings)`` builds the app; ``python -m issuer`` is the admin command
line and ``python -m issuer serve`` runs it with uvicorn (:mod:`issuer.cli`, :mod:`issuer.server`).
Settings come from ``VCRED_ISSUER_*`` variables (:mod:`issuer.settings`); private keys live in
encrypted files (:mod:`issuer.keystore`); all SQL is in :mod:`issuer.store`.
"""
