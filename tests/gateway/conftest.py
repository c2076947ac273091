from gateway_helpers import make_gateway

__all__ = ["make_gateway"]  # the fixture, made visible to this folder's tests
