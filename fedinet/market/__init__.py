"""The fedinet protocol: asks, offers, agreements, introductions, vouches, acknowledgments
and outcomes as ActivityStreams objects — vocabulary, documents, validation and evidence.

Pure: no database and no HTTP. `protocol/spec.md` is the specification this package
implements; requirement ids (`VOUCH-2`) in docstrings point into it.
"""
