"""Local fake upstreams for integration and browser tests."""

from tests.fakes.upstream import Behaviour, FakeUpstream, RecordedRequest

__all__ = ["Behaviour", "FakeUpstream", "RecordedRequest"]
