"""The command line: ``main`` (parser and dispatch), ``commands`` (one function each), ``demo``."""
