"""Throwaway local servers for tests, the demo and benchmarks: Dovecot, a desktop session, the gateway."""
