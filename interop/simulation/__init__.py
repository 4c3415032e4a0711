"""Simulated street-lighting systems, for tests, demos and benchmarks on 127.0.0.1.

:mod:`interop.simulation.world` holds a vendor-neutral fleet of simulated lights (levels,
meters, alarms, offline nodes, delayed application of commands) and the faults to inject;
:mod:`interop.simulation.server` serves a plugin's vendor API over it with aiohttp. A plugin
provides its API façade as a :class:`~interop.simulation.server.SimulatorSpec` from the
``interop_simulators`` hook; ``interop sim NAME --port N`` starts it.
"""
