"""The ways into the fake from inside a process: ``requests`` (through ``responses``),
aiohttp, and the direct clients; all of them hand the core a ``Request``."""
