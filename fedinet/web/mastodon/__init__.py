"""The Mastodon client API: OAuth 2 and /api/v1, /api/v2 as Mastodon clients expect them."""
