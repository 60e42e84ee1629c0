"""history"""

__all__: list[str] = []
