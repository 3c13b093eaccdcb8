"""Comparison models (大数据比对) in the platform: data sources and imports, the model library,
runs, warnings and the clues they become. The engine itself is ``analytics.engine``, a library
that imports nothing from Django; this app wraps it."""
