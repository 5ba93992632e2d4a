"""``python -m fake_voice.cli``: the ``fake-voice`` command."""

import sys

from fake_voice.cli import main

sys.exit(main())
