"""A media player for the development instance: it fetches what it is asked to play."""
