"""The fedinet vocabulary as data; shipped inside the package as `fedinet.protocol`."""
