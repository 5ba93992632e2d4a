"""Scripts that generate the data files shipped in the package (run with ``python -m``)."""
