"""The page number asked for in a list's query string (``?page=N``).

Lists are paged without counting their rows (a province can have many people at risk, a name
can match thousands), so the number is only bounded: anything that is not a number from 1 to
``last`` shows the first page, never an error.
"""


def page_number(request, *, last: int = 9999) -> int:
    """The page asked for, or 1 when the value is missing, not a number or out of range."""
    asked = request.GET.get("page", "1")
    if len(asked) > len(str(last)) or not asked.isdecimal():
        return 1
    number = int(asked)
    return number if 1 <= number <= last else 1
