"""Subcommands of ``fake-voice``, one module each (see ``fake_voice.cli``)."""
