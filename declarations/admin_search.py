"""Admin searches read a lookup code as the desk does: as the site prints it (``R2NC-AES8``),
in any case, with or without the dash."""

from declarations import codes


class CodeSearch:
    """Mix into a ``ModelAdmin`` whose ``code_field`` holds a stored lookup code: a query that
    reads as a code also finds the rows with that code, besides what the search fields find."""

    code_field = "lookup_code"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = codes.parse_code(search_term)
        if code is not None:
            results |= queryset.filter(**{self.code_field: code})
        return results, may_have_duplicates
