"""Test support shared by every test package: real servers, databases, CLI runs."""
