"""``diplokg serve``: the SPARQL 1.1 endpoint and Linked Data pages (see :mod:`pipeline.server.app`)."""
