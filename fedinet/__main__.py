"""`python -m fedinet` is the `fedinet` command."""

from fedinet.cli import main

main()
