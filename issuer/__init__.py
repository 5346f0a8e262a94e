"""The issuer service (FastAPI), delivered by issue #3; the package keeps the layout stable."""
