"""Benchmark data sets: `afterclass bench generate` fills an empty database with an
organisation of a given size, written in bulk and the same for the same seed."""
