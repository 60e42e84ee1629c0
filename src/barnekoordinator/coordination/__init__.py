"""coordination"""

__all__: list[str] = []
