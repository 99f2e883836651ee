"""Numbers, number-symbols and dates as party documents write them (HD 36-HD/VPTW).

* The number is counted from 01 per type of document and issuing body within the body's term
  and written with at least two digits: ``01-KL/TU``, ``12-KL/TU``, ``123-KL/TU``.
* The date is written in words, with the digits of day and month; a day below 10 and the
  months January and February take a leading zero, as the guide itself is dated ("Hà Nội,
  ngày 03 tháng 4 năm 2018") and as the state's rule for administrative documents says
  (Nghị định 30/2020/NĐ-CP): "ngày 02 tháng 6 năm 2026", "ngày 15 tháng 02 năm 2026". The
  zero keeps a "1" or "2" from being written in front of the figure afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

_ALLOCATE = """
INSERT INTO documents_numbersequence (issuer_id, doc_type, term_id, last_number)
VALUES (%s, %s, %s, 1)
ON CONFLICT (issuer_id, doc_type, term_id)
DO UPDATE SET last_number = documents_numbersequence.last_number + 1
RETURNING last_number
"""


def allocate_number(*, issuer_id: int, doc_type: str, term_id: int) -> int:
    """The next number of this sequence. Call it inside the issuing transaction: the row
    stays locked until that transaction ends, so a concurrent issue waits and then takes the
    next number, and a rollback gives the number back (no gap, no duplicate)."""
    with connection.cursor() as cursor:
        cursor.execute(_ALLOCATE, [issuer_id, doc_type, term_id])
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def number_symbol(number: int, type_symbol: str, issuer_symbol: str) -> str:
    """ "12-KL/TU": the number (two digits at least), the type's letters, the issuer's."""
    return f"{number:02d}-{type_symbol}/{issuer_symbol}"


def date_in_words(day: dt.date) -> str:
    """ "ngày 02 tháng 6 năm 2026" (a day below 10 and months 1 and 2 with a leading zero)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
