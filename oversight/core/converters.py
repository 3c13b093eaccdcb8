"""Path converters shared by every app's URLs."""


class IdConverter:
    """``<id:pk>``: a database id of at most 18 digits.

    Django's ``<id:…>`` matches any number of digits, and an id beyond 64 bits reaches the
    database (SQLite raises OverflowError, PostgreSQL "out of range") as a server error; such a
    path names nothing, so it does not match and answers 404 like any unknown page.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
