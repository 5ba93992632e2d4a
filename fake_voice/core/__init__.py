"""The transport-neutral core: request and response values, errors, dialects, routing,
schemas, faults, exchanges and redaction, and the one request path.

It imports ``fake_voice.state`` and nothing above it; no transport library either.
"""
