"""Benchmark scripts and their WSGI entry point; never imported by the app itself."""
