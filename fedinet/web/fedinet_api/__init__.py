"""The fedinet REST API (`/api/fedinet/v1/`): what Mastodon's API has no place for.

Authenticated with the OAuth tokens and scopes of the client API (`web/mastodon/auth.py`).
"""
