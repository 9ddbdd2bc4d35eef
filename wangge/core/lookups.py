"""``path__under``: "everything under this node" as an index range on a materialised path.

``LIKE 'prefix%'`` only becomes an index range under the C collation in PostgreSQL; under
any other collation it scans the whole index. ``path >= p AND path < successor(p)`` is a
plain range that every collation and SQLite serve from a B-tree index. Paths use
treebeard's alphabet (0-9A-Z), which every collation orders the same way.
"""

from django.db.models import CharField, Field, Lookup

PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def path_successor(path: str) -> str | None:
    """The smallest string greater than every path starting with ``path``."""
    chars = list(path)
    while chars:
        position = PATH_ALPHABET.find(chars.pop())
        if 0 <= position < len(PATH_ALPHABET) - 1:
            return "".join(chars) + PATH_ALPHABET[position + 1]
    return None


@CharField.register_lookup
class Under(Lookup):
    lookup_name = "under"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if not isinstance(self.rhs, str):
            raise TypeError("path__under takes a literal path string")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = path_successor(self.rhs)
        if upper is None:
            return f"{lhs} >= %s", [*lhs_params, self.rhs]
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, self.rhs, *lhs_params, upper]


@Field.register_lookup
class AnyOf(Lookup):
    """``field__any=[…]``: ``field = ANY(%s)`` with the values as one array parameter on
    PostgreSQL, ``IN (…)`` elsewhere. An import batch checks a thousand keys at a time;
    as ``IN`` that is a thousand placeholders the driver parses and binds client side on
    every batch, as an array it is one."""

    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        values = [self.lhs.output_field.get_prep_value(value) for value in self.rhs]
        return [value for value in values if value is not None]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if not values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
