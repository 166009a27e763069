"""The HTTP edge: problem documents, request parsing, authentication. Chalice-free where it can be."""
