"""Benchmarks at province and national scale: a data generator and a runner."""
