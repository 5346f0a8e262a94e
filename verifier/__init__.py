"""The verifier service (FastAPI), delivered by issue #4; the package keeps the layout stable."""
