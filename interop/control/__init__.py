"""Talking to live vendor systems: the lighting controller contract and a resilient HTTP client.

:mod:`interop.control.lighting` defines :class:`LightingController`, the async API every
street-lighting plugin implements; :mod:`interop.control.http` is the HTTP client plugins
use so that retries, back-off, ``Retry-After``, timeouts and bounded concurrency behave the
same for every vendor; :mod:`interop.control.migrate` moves inventory and schedules from one
controller to another through the canonical model.
"""
