"""What the fake remembers: accounts and their records, the clock, SIDs, saved states.

The lowest layer: it imports nothing else of fake_voice.
"""
